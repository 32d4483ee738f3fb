"""并案 and 分办 (DESIGN §11): the services, their refusals, and how merged and split items
count in the report as of three dates, checked against figures computed by hand."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from docx import Document

from reports.exports.docx import render_docx
from reports.exports.xlsx import render_xlsx
from reports.renderers import report_to_dict
from reports.selectors import Scope
from reports.selectors import report_compute
from suggestions import services
from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import token_client
from tests.conftest import at
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory
from tests.factories import handler_user

ASSIGNED = dt.date(2024, 2, 1)  # due 2024-05-01 (three months)


@pytest.fixture
def second_department(db):
    return DepartmentFactory(name="区民政局")


@pytest.fixture
def second_handler(second_department):
    return handler_user(second_department, username="minzheng1")


def fresh(item: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=item.pk)


def reply(item, handler, outcome, day, **extra):
    item = fresh(item)
    if item.status == Status.ASSIGNED:
        services.assignment_acknowledge(suggestion=item, actor=handler, when=at(ASSIGNED))
    promised = dt.date(2024, 12, 31) if outcome in (Outcome.PLANNED, Outcome.IN_PROGRESS) else None
    services.reply_submit(
        suggestion=fresh(item),
        actor=handler,
        outcome=outcome,
        text="答复内容。",
        replied_on=day,
        promised_on=promised,
        when=at(day),
        **extra,
    )
    return fresh(item)


def rate(item, office, satisfaction, day, comment=""):
    services.feedback_record(
        suggestion=fresh(item),
        actor=office,
        satisfaction=satisfaction,
        received_on=day,
        comment=comment,
        when=at(day),
    )
    return fresh(item)


def merge(office, primary, *members):
    return services.suggestions_merge(
        suggestion=fresh(primary), members=members, actor=office, when=at(dt.date(2024, 1, 20))
    )


def split(office, item, *leads):
    parts = [
        services.SplitPart(matter=f"第{n}项事项", lead=lead) for n, lead in enumerate(leads, 1)
    ]
    return services.suggestion_split(
        suggestion=fresh(item), parts=parts, actor=office, assigned_on=ASSIGNED, when=at(ASSIGNED)
    )


def assign(office, item, lead):
    return services.suggestion_assign(
        suggestion=fresh(item), lead=lead, actor=office, assigned_on=ASSIGNED, when=at(ASSIGNED)
    )


# ---------------------------------------------------------------------------------------
# 并案


def test_merged_items_take_the_primarys_handling_and_keep_their_own_rating(
    office, lead_department, lead_handler
):
    primary, first, second = (SuggestionFactory(year=2024) for _ in range(3))
    merge(office, primary, first, second)
    assert set(fresh(primary).merged_members.all()) == {first, second}
    assert fresh(first).merged_into == primary
    assert Event.objects.filter(action=Event.Action.MERGE).count() == 3

    assign(office, primary, lead_department)
    for item in (first, second):
        item = fresh(item)
        assert (item.status, item.assigned_on) == (Status.ASSIGNED, ASSIGNED)
        (copy,) = item.assignments.all()
        assert (copy.department, copy.role, copy.mirror_of.suggestion) == (
            lead_department,
            Assignment.Role.LEAD,
            primary,
        )

    reply(primary, lead_handler, Outcome.RESOLVED, dt.date(2024, 4, 20))
    first = fresh(first)
    assert (first.status, first.first_replied_on, first.outcome) == (
        Status.REPLIED,
        dt.date(2024, 4, 20),
        Outcome.RESOLVED,
    )
    (ledger,) = first.outcome_changes.all()
    assert (ledger.source, ledger.to_outcome) == (OutcomeChange.Source.MERGED, Outcome.RESOLVED)
    assert first.replies.count() == 0  # written once, on the primary

    # The primary's deputy is satisfied: the primary closes, the others wait for theirs.
    rate(primary, office, Satisfaction.SATISFIED, dt.date(2024, 4, 25))
    assert fresh(primary).status == Status.CLOSED
    assert fresh(first).status == Status.REPLIED
    rate(first, office, Satisfaction.BASICALLY_SATISFIED, dt.date(2024, 4, 28))
    first = fresh(first)
    assert (first.status, first.satisfaction) == (Status.CLOSED, Satisfaction.BASICALLY_SATISFIED)
    # Its rating is its own, of the primary's round, which it shows.
    assert first.feedbacks.get().reply == fresh(primary).replies.get()
    assert fresh(primary).feedbacks.get().satisfaction == Satisfaction.SATISFIED


def test_an_unsatisfied_merged_item_leaves_the_merge_and_is_handled_again(
    office, lead_department, lead_handler
):
    primary, member = SuggestionFactory(year=2024), SuggestionFactory(year=2024)
    merge(office, primary, member)
    assign(office, primary, lead_department)
    reply(primary, lead_handler, Outcome.PLANNED, dt.date(2024, 4, 20))
    member = rate(member, office, Satisfaction.UNSATISFIED, dt.date(2024, 4, 28), comment="太慢。")
    assert member.status == Status.REWORK
    assert member.merged_into is None
    assert member.events.filter(action=Event.Action.UNMERGE).exists()
    # Now its own: its copy of the assignment is worked on by the lead department.
    services.reply_submit(
        suggestion=member,
        actor=lead_handler,
        outcome=Outcome.RESOLVED,
        text="已解决。",
        replied_on=dt.date(2024, 5, 20),
        when=at(dt.date(2024, 5, 20)),
    )
    member = fresh(member)
    assert (member.status, member.outcome) == (Status.REPLIED, Outcome.RESOLVED)
    assert fresh(primary).outcome == Outcome.PLANNED


def test_merged_items_refuse_handling_and_say_where_to_go(office, lead_department, lead_handler):
    primary, member = SuggestionFactory(year=2024), SuggestionFactory(year=2024)
    merge(office, primary, member)
    with pytest.raises(ValidationError, match=f"本件已并入{primary.code}并案办理，请在主件上办理"):
        assign(office, member, lead_department)
    assign(office, primary, lead_department)
    with pytest.raises(ValidationError, match="请在主件上办理"):
        services.assignment_acknowledge(suggestion=fresh(member), actor=lead_handler)


@pytest.mark.parametrize("problem", ["assigned", "other_year", "already_merged", "primary_of"])
def test_merge_refusals(office, lead_department, problem):
    primary, member = SuggestionFactory(year=2024), SuggestionFactory(year=2024)
    expected = {
        "assigned": "并案须在交办前",
        "other_year": "不属于同一年度",
        "already_merged": "已并案或已分办",
        "primary_of": "是其他建议的并案主件",
    }[problem]
    if problem == "assigned":
        assign(office, member, lead_department)
    elif problem == "other_year":
        member = SuggestionFactory(year=2023)
    elif problem == "already_merged":
        merge(office, SuggestionFactory(year=2024), member)
    else:
        merge(office, member, SuggestionFactory(year=2024))
    with pytest.raises(ValidationError, match=expected):
        merge(office, primary, member)
    assert fresh(primary).merged_members.count() == 0


def test_merge_and_unmerge_are_the_offices_and_recorded(office, lead_handler):
    primary, member = SuggestionFactory(year=2024), SuggestionFactory(year=2024)
    with pytest.raises(ValidationError, match="只有区政府办公室工作人员可以并案"):
        services.suggestions_merge(suggestion=primary, members=[member], actor=lead_handler)
    merge(office, primary, member)
    with pytest.raises(ValidationError, match="请填写撤销并案的理由"):
        services.suggestion_unmerge(suggestion=fresh(member), actor=office, reason=" ")
    services.suggestion_unmerge(suggestion=fresh(member), actor=office, reason="并非同一事项。")
    assert fresh(member).merged_into is None
    assert (
        fresh(primary)
        .events.filter(action=Event.Action.UNMERGE, note__contains="并非同一事项")
        .exists()
    )


def test_unmerge_is_refused_once_the_primary_has_replied(office, lead_department, lead_handler):
    primary, member = SuggestionFactory(year=2024), SuggestionFactory(year=2024)
    merge(office, primary, member)
    assign(office, primary, lead_department)
    reply(primary, lead_handler, Outcome.RESOLVED, dt.date(2024, 4, 20))
    with pytest.raises(ValidationError, match="主件已答复，不能撤销并案"):
        services.suggestion_unmerge(suggestion=fresh(member), actor=office, reason="误并。")


def test_a_stale_version_is_refused_with_the_conflict_message(office):
    primary, member = SuggestionFactory(year=2024), SuggestionFactory(year=2024)
    stale = primary.version
    services.suggestion_update(
        suggestion=primary, actor=office, title="新标题", expected_version=stale
    )
    with pytest.raises(services.VersionConflict):
        services.suggestions_merge(
            suggestion=primary, members=[member], actor=office, expected_version=stale
        )


# ---------------------------------------------------------------------------------------
# 分办


def test_split_makes_parts_assigned_to_their_own_leads(office, lead_department, second_department):
    item = SuggestionFactory(year=2024, number=7, title="老旧小区改造")
    split(office, item, lead_department, second_department)
    item = fresh(item)
    parts = list(item.parts.order_by("part_no"))
    assert [p.code for p in parts] == ["2024建007-1", "2024建007-2"]
    assert [p.title for p in parts] == ["老旧小区改造（第1项事项）", "老旧小区改造（第2项事项）"]
    assert [p.assignments.get(role="lead").department for p in parts] == [
        lead_department,
        second_department,
    ]
    assert all(p.status == Status.ASSIGNED for p in parts)
    assert (item.status, item.assigned_on, item.split_on) == (Status.ASSIGNED, ASSIGNED, ASSIGNED)
    # Counted in the first part's lead department: a copy of that assignment.
    (copy,) = item.assignments.all()
    assert (copy.department, copy.mirror_of) == (lead_department, parts[0].assignments.get())
    assert item.events.get(action=Event.Action.SPLIT).note.startswith("分办为2件：2024建007-1")


def test_split_refusals(office, lead_department):
    item = SuggestionFactory(year=2024)
    with pytest.raises(ValidationError, match="分办须分为2至6个部分"):
        split(office, item, lead_department)
    with pytest.raises(ValidationError, match="各部分的主办单位不能相同"):
        split(office, item, lead_department, lead_department)
    assign(office, item, lead_department)
    with pytest.raises(ValidationError, match="分办即交办"):
        split(office, item, lead_department, DepartmentFactory())
    assert not Suggestion.objects.filter(part_of=item).exists()


def test_parts_are_rated_and_closed_with_their_item(
    office, lead_department, second_department, lead_handler, second_handler
):
    item = SuggestionFactory(year=2024)
    split(office, item, lead_department, second_department)
    one, two = fresh(item).parts.order_by("part_no")
    with pytest.raises(ValidationError, match="本件已分办，请在各分办件上办理"):
        services.assignment_acknowledge(suggestion=fresh(item), actor=lead_handler)
    reply(one, lead_handler, Outcome.RESOLVED, dt.date(2024, 3, 15))
    assert fresh(item).status == Status.IN_PROGRESS
    with pytest.raises(ValidationError, match="由原件统一评价"):
        rate(one, office, Satisfaction.SATISFIED, dt.date(2024, 3, 20))
    reply(two, second_handler, Outcome.PLANNED, dt.date(2024, 5, 10))
    item = fresh(item)
    assert (item.status, item.first_replied_on, item.outcome) == (
        Status.REPLIED,
        dt.date(2024, 5, 10),
        Outcome.PLANNED,
    )
    # The deputy is not satisfied: every part is handled again, with the item's deadline.
    item = rate(item, office, Satisfaction.UNSATISFIED, dt.date(2024, 5, 20), comment="不具体。")
    assert item.status == Status.REWORK
    assert {p.status for p in item.parts.all()} == {Status.REWORK}
    assert {p.due_on for p in item.parts.all()} == {item.due_on}
    reply(one, lead_handler, Outcome.RESOLVED, dt.date(2024, 6, 1))
    assert fresh(item).status == Status.REWORK
    reply(two, second_handler, Outcome.RESOLVED, dt.date(2024, 6, 5))
    item = fresh(item)
    assert (item.status, item.outcome, item.outcome_on) == (
        Status.REPLIED,
        Outcome.RESOLVED,
        dt.date(2024, 6, 5),
    )
    item = rate(item, office, Satisfaction.SATISFIED, dt.date(2024, 6, 10))
    assert item.status == Status.CLOSED
    assert {p.status for p in item.parts.all()} == {Status.CLOSED}


def test_a_split_items_outcome_is_the_least_resolved_of_its_parts():
    from suggestions.services.grouping import _least_resolved

    assert _least_resolved(["resolved", "in_progress"]) == "in_progress"
    assert _least_resolved(["planned", "in_progress", "resolved"]) == "planned"
    assert _least_resolved(["for_reference", "resolved"]) == "for_reference"
    assert _least_resolved(["resolved", "resolved"]) == "resolved"


# ---------------------------------------------------------------------------------------
# The report as of three dates, by hand


def figures(report):
    return {
        "assigned": report.assigned,
        "replied": report.replied,
        "on_time": report.on_time,
        "pending": report.pending,
        "overdue": report.overdue,
        **{o.value: share.count for o, share in report.outcomes.items()},
        "rated": report.satisfaction.rated,
        "satisfied": report.satisfaction.satisfied,
        "basically_satisfied": report.satisfaction.basically_satisfied,
    }


def zero(**counts):
    base = dict.fromkeys(
        ["assigned", "replied", "on_time", "pending", "overdue", *Outcome.values, "rated"], 0
    )
    return base | {"satisfied": 0, "basically_satisfied": 0} | counts


@pytest.fixture
def scenario(office, lead_department, second_department, lead_handler, second_handler):
    """2024: P with M1 and M2 merged into it, led by 区房管局; S split into S-1 (区房管局) and
    S-2 (区民政局); X alone, 区民政局. All assigned 2024-02-01, due 2024-05-01.

    - P replied 04-20 已经解决 (on time); its deputy satisfied 04-25, M1's basically 04-28.
    - S-1 replied 03-15 已经解决 (on time), S-2 replied 05-10 计划解决 (late).
    - X never replied.
    """
    p, m1, m2, s, x = (SuggestionFactory(year=2024, number=n) for n in range(1, 6))
    merge(office, p, m1, m2)
    assign(office, p, lead_department)
    split(office, s, lead_department, second_department)
    assign(office, x, second_department)
    s1, s2 = fresh(s).parts.order_by("part_no")
    reply(s1, lead_handler, Outcome.RESOLVED, dt.date(2024, 3, 15))
    reply(p, lead_handler, Outcome.RESOLVED, dt.date(2024, 4, 20))
    rate(p, office, Satisfaction.SATISFIED, dt.date(2024, 4, 25))
    rate(m1, office, Satisfaction.BASICALLY_SATISFIED, dt.date(2024, 4, 28))
    reply(s2, second_handler, Outcome.PLANNED, dt.date(2024, 5, 10))
    return {"p": p, "m1": m1, "m2": m2, "s": s, "x": x, "s1": s1, "s2": s2}


MARCH, APRIL, JUNE = dt.date(2024, 3, 31), dt.date(2024, 4, 30), dt.date(2024, 6, 30)
# Computed by hand from the scenario's docstring.
EXPECTED = {
    # Five items (the parts count in nothing); nothing replied: S-1 alone is not S.
    MARCH: zero(assigned=5, pending=5),
    # P, M1, M2 replied on time (shared handling); S and X pending, not yet overdue.
    APRIL: zero(
        assigned=5,
        replied=3,
        on_time=3,
        pending=2,
        resolved=3,
        rated=2,
        satisfied=1,
        basically_satisfied=1,
    ),
    # S replied 05-10 (its last part), late because S-2 was, 计划解决 (the least resolved);
    # X overdue.
    JUNE: zero(
        assigned=5,
        replied=4,
        on_time=3,
        pending=1,
        overdue=1,
        resolved=3,
        planned=1,
        rated=2,
        satisfied=1,
        basically_satisfied=1,
    ),
}
DEPARTMENTS = {
    # 区房管局: P, M1, M2 and S (its first part's lead); 区民政局: X.
    MARCH: {"区房管局": (4, 0, 0), "区民政局": (1, 0, 0)},
    APRIL: {"区房管局": (4, 3, 0), "区民政局": (1, 0, 0)},
    JUNE: {"区房管局": (4, 4, 0), "区民政局": (1, 0, 1)},
}


@pytest.mark.parametrize("as_of", [MARCH, APRIL, JUNE])
def test_merged_and_split_items_count_as_design_11_says(scenario, office, as_of):
    report = report_compute(scope=Scope(year=2024), as_of=as_of)
    assert figures(report) == EXPECTED[as_of]
    assert {r.name: (r.assigned, r.replied, r.overdue) for r in report.departments} == (
        DEPARTMENTS[as_of]
    )
    expected = EXPECTED[as_of]
    data = report_to_dict(report)["suggestions"]
    assert {k: data[k] for k in ("assigned", "replied", "on_time", "pending", "overdue")} == {
        k: expected[k] for k in ("assigned", "replied", "on_time", "pending", "overdue")
    }
    # The resolution rate: resolved ÷ replied, one decimal.
    if expected["replied"]:
        rate_ = round(expected["resolved"] * 100 / expected["replied"], 1)
        assert float(report.resolution_rate) == rate_
    else:
        assert report.resolution_rate is None
    # The API gives the same.
    response = token_client(office).get(
        f"{API}/reports/", {"as_of": as_of.isoformat(), "year": 2024}
    )
    assert response.json()["suggestions"]["assigned"] == 5
    assert response.json()["suggestions"]["replied"] == expected["replied"]


def test_the_workbook_and_word_draft_count_the_same(scenario):
    report = report_compute(scope=Scope(year=2024), as_of=JUNE)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    detail = [row for row in book["明细"].iter_rows(values_only=True) if row and row[0]]
    codes = {row[0] for row in detail}
    assert {"2024建001", "2024建002", "2024建003", "2024建004", "2024建005"} <= codes
    assert not any("-" in str(code) for code in codes)  # no part is listed
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(report))).paragraphs)
    assert "5件" in text


def test_later_actions_leave_the_june_report_as_it_was(scenario, office, lead_handler):
    before = figures(report_compute(scope=Scope(year=2024), as_of=JUNE))
    # After June: M2's deputy is unsatisfied (it leaves the merge) and S-2 is re-checked.
    rate(scenario["m2"], office, Satisfaction.UNSATISFIED, dt.date(2024, 7, 5), comment="未落实。")
    assert fresh(scenario["m2"]).merged_into is None
    after = figures(report_compute(scope=Scope(year=2024), as_of=JUNE))
    assert after == before
    july = figures(report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 7, 31)))
    assert (july["rated"], july["replied"]) == (3, 4)


def test_each_deputy_is_told_when_its_item_is_answered(
    office, lead_department, second_department, lead_handler, second_handler
):
    """已答复，待评价 (DESIGN §9): a merged item's deputy with the primary's reply; a split
    item's once its last part has replied, not for each part."""
    from notices.models import Kind
    from notices.models import Notification

    def told(item) -> bool:
        return Notification.objects.filter(suggestion=item, kind=Kind.REPLIED).exists()

    primary, member, whole = (SuggestionFactory(year=2024) for _ in range(3))
    merge(office, primary, member)
    assign(office, primary, lead_department)
    reply(primary, lead_handler, Outcome.RESOLVED, dt.date(2024, 4, 20))
    assert told(primary) and told(member)

    split(office, whole, lead_department, second_department)
    one, two = fresh(whole).parts.order_by("part_no")
    reply(one, lead_handler, Outcome.RESOLVED, dt.date(2024, 3, 15))
    assert not told(one) and not told(whole)
    reply(two, second_handler, Outcome.PLANNED, dt.date(2024, 4, 10))
    assert told(whole) and not told(two)
