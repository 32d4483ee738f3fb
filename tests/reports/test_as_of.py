"""A past report never changes (DESIGN §5): every overwriting action, recorded after the
report date, leaves the report as of that date identical — JSON, API, workbook cells and
Word text — and a generated year's quarter reports are the same before and after the rest
of the year is entered."""

import datetime as dt
import io
import random

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from docx import Document

from reports.exports.docx import render_docx
from reports.exports.rows import OVERDUE
from reports.exports.rows import PENDING
from reports.exports.rows import REPLIED_LATE
from reports.exports.rows import REPLIED_ON_TIME
from reports.exports.rows import report_detail_rows
from reports.exports.xlsx import render_xlsx
from reports.renderers import report_to_dict
from reports.selectors import Scope
from reports.selectors import report_compute
from suggestions import services
from suggestions.models import ExtensionRequest
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import token_client
from tests.conftest import at
from tests.conftest import promise
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory
from tests.factories import handler_user

SIGNED_ON = dt.date(2025, 1, 15)


def workbook_cells(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def document_text(content: bytes) -> list[str]:
    doc = Document(io.BytesIO(content))
    text = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        text += [cell.text for row in table.rows for cell in row.cells]
    return text


def everything(scope: Scope, as_of: dt.date, previous: dt.date | None, api_user=None) -> dict:
    """Every rendering of one report, as plain values to compare."""
    report = report_compute(scope=scope, as_of=as_of, previous_as_of=previous)
    out = {
        "report": report,
        "json": report_to_dict(report),
        "workbook": workbook_cells(render_xlsx(report)),
        "document": document_text(render_docx(report, signed_on=SIGNED_ON)),
    }
    if api_user is not None:
        params = {"as_of": as_of.isoformat(), "year": scope.year}
        if scope.department:
            params["department"] = scope.department
        response = token_client(api_user).get(f"{API}/reports/", params)
        assert response.status_code == 200, response.content
        out["api"] = response.json()
    return out


def assert_same(before: dict, after: dict) -> None:
    for key in before:
        assert after[key] == before[key], key


@pytest.fixture
def second_department(db):
    return DepartmentFactory(name="区民政局")


@pytest.fixture
def second_handler(second_department):
    return handler_user(second_department, username="minzheng1")


def detail_row(report_cells: dict, code: str) -> tuple:
    (row,) = [r for r in report_cells["明细"] if r and r[0] == code]
    return row


# ---------------------------------------------------------------------------------------
# Each overwriting action, recorded after the report date


def test_reassignment_after_the_date_keeps_the_overdue_item(
    items, office, second_department, second_handler
):
    """The issue's case: overdue on 2024-06-30 under its first lead, re-assigned on 07-10."""
    late = items.assigned(dt.date(2024, 2, 20))  # due 2024-05-20
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    june = dt.date(2024, 6, 30)
    scope, first_scope = Scope(year=2024), Scope(year=2024, department=items.department.pk)
    second_scope = Scope(year=2024, department=second_department.pk)
    before = everything(scope, june, dt.date(2024, 3, 31), api_user=office)
    before_first = everything(first_scope, june, None, api_user=office)
    before_second = everything(second_scope, june, None)

    report = before["report"]
    assert (report.assigned, report.overdue) == (2, 1)
    assert before["json"]["suggestions"]["overdue"] == 1
    assert before["api"]["suggestions"]["overdue"] == 1
    (overdue,) = report.overdue_items
    assert (overdue.item.pk, overdue.reply_due_on) == (late.pk, dt.date(2024, 5, 20))
    assert overdue.item.department == items.department.name
    (row,) = report.departments
    assert (row.name, row.overdue) == (items.department.name, 1)
    assert detail_row(before["workbook"], late.code)[5:] == (
        dt.datetime(2024, 5, 20),
        None,
        None,
        None,
        OVERDUE,
    )
    assert before_first["report"].overdue == 1 and before_second["report"].assigned == 0

    late.refresh_from_db()
    services.suggestion_reassign(
        suggestion=late,
        lead=second_department,
        actor=office,
        assigned_on=dt.date(2024, 7, 10),
        reason="职责调整",
        when=at(dt.date(2024, 7, 10)),
    )
    late.refresh_from_db()
    assert late.reply_due_on == dt.date(2024, 10, 10)  # the item's current due date moved

    assert_same(before, everything(scope, june, dt.date(2024, 3, 31), api_user=office))
    assert_same(before_first, everything(first_scope, june, None, api_user=office))
    assert_same(before_second, everything(second_scope, june, None))
    # As of a later date the new department holds it, under its new due date.
    july = report_compute(scope=second_scope, as_of=dt.date(2024, 7, 31))
    assert (july.assigned, july.overdue, july.pending) == (1, 0, 1)


def test_extension_approved_after_the_date(items, office):
    s = items.assigned(dt.date(2024, 1, 10))  # due 2024-04-10
    services.extension_request(
        suggestion=s,
        actor=items.handler,
        requested_due_on=dt.date(2024, 6, 10),
        reason="需协调资金。",
        when=at(dt.date(2024, 4, 1)),
    )
    april = dt.date(2024, 4, 30)
    before = everything(Scope(year=2024), april, dt.date(2024, 3, 31), api_user=office)
    assert before["report"].overdue == 1
    assert detail_row(before["workbook"], s.code)[-1] == OVERDUE

    request = ExtensionRequest.objects.get()
    services.extension_decide(
        request=request, actor=office, approve=True, when=at(dt.date(2024, 5, 6))
    )
    assert_same(before, everything(Scope(year=2024), april, dt.date(2024, 3, 31), api_user=office))
    # From the approval on, the extended date is in force.
    may = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 5, 31))
    assert (may.pending, may.overdue) == (1, 0)
    (row,) = list(report_detail_rows(Scope(year=2024), dt.date(2024, 5, 31)))
    assert (row[5], row[-1]) == (dt.date(2024, 6, 10), PENDING)


def test_on_time_is_judged_by_the_due_date_in_force_on_the_reply_date(items, office):
    """A reply dated before the extension was approved is late against the old due date; one
    dated after it is on time against the new one."""
    early_reply, later_reply = items.assigned(), items.assigned()  # both due 2024-04-10
    for s in (early_reply, later_reply):
        s.refresh_from_db()
        services.extension_request(
            suggestion=s,
            actor=items.handler,
            requested_due_on=dt.date(2024, 6, 10),
            reason="需协调资金。",
            when=at(dt.date(2024, 4, 1)),
        )
        request = ExtensionRequest.objects.get(assignment__suggestion=s)
        services.extension_decide(
            request=request, actor=office, approve=True, when=at(dt.date(2024, 5, 10))
        )
    items.reply(early_reply, Outcome.RESOLVED, dt.date(2024, 5, 6))  # recorded later, dated 05-06
    items.reply(later_reply, Outcome.RESOLVED, dt.date(2024, 5, 20))
    early_reply.refresh_from_db()
    assert early_reply.first_reply_due_on == dt.date(2024, 4, 10)

    report = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 6, 30))
    assert (report.replied, report.on_time) == (2, 1)
    statuses = {r[0]: r[-1] for r in report_detail_rows(Scope(year=2024), dt.date(2024, 6, 30))}
    assert statuses == {early_reply.code: REPLIED_LATE, later_reply.code: REPLIED_ON_TIME}


def test_rework_after_the_date(items):
    s = items.replied(Outcome.PLANNED, dt.date(2024, 3, 1))
    items.feedback(s, Satisfaction.UNSATISFIED, dt.date(2024, 3, 10))
    march = dt.date(2024, 3, 31)
    before = everything(Scope(year=2024), march, None)
    assert before["report"].outcomes.planned.count == 1
    (unsatisfied,) = before["report"].unsatisfied
    assert unsatisfied.rating == Satisfaction.UNSATISFIED and not unsatisfied.reworked

    items.reply(s, Outcome.RESOLVED, dt.date(2024, 4, 15))
    items.feedback(s, Satisfaction.SATISFIED, dt.date(2024, 4, 20))
    assert_same(before, everything(Scope(year=2024), march, None))
    later = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 4, 30))
    (unsatisfied,) = later.unsatisfied
    assert unsatisfied.rating == Satisfaction.SATISFIED and unsatisfied.reworked


def test_recheck_after_the_date(items):
    s = items.replied(Outcome.IN_PROGRESS, dt.date(2024, 3, 1))
    before = everything(Scope(year=2024), dt.date(2024, 3, 31), None)
    assert before["report"].resolution_rate == 0

    items.recheck(s, dt.date(2024, 5, 10))
    assert_same(before, everything(Scope(year=2024), dt.date(2024, 3, 31), None))
    assert report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 5, 31)).resolution_rate == 100


def test_void_after_the_date(items, office):
    kept = items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    voided = items.assigned(dt.date(2024, 1, 20))  # due 2024-04-20: overdue on 04-30
    april = dt.date(2024, 4, 30)
    before = everything(Scope(year=2024), april, dt.date(2024, 3, 31), api_user=office)
    assert (before["report"].assigned, before["report"].overdue) == (2, 1)

    voided.refresh_from_db()
    services.suggestion_void(
        suggestion=voided,
        actor=office,
        reason="与2024建001重复登记。",
        when=at(dt.date(2024, 5, 8)),
    )
    voided.refresh_from_db()
    assert (voided.status, voided.voided_on) == (Status.VOIDED, dt.date(2024, 5, 8))

    assert_same(before, everything(Scope(year=2024), april, dt.date(2024, 3, 31), api_user=office))
    may = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 5, 31), previous_as_of=april)
    assert (may.assigned, may.overdue, may.replied) == (1, 0, 1)
    # The previous period still counts what it counted then.
    assert may.previous_replied == 1 and may.previous_resolution_rate == 100
    assert [r.item.code for r in may.overdue_items] == []
    assert [r[0] for r in report_detail_rows(Scope(year=2024), dt.date(2024, 5, 31))] == [kept.code]


def test_void_is_refused_twice_and_blocks_every_other_action(items, office):
    s = items.assigned()
    with pytest.raises(ValidationError, match="作废理由"):
        services.suggestion_void(suggestion=s, actor=office, reason=" ")
    with pytest.raises(ValidationError, match="只有区政府办公室"):
        services.suggestion_void(suggestion=s, actor=items.handler, reason="重复")
    services.suggestion_void(suggestion=s, actor=office, reason="重复登记")
    s.refresh_from_db()
    state = services.ItemState.load(s, today=dt.date.today())
    assert {n for n, why in services.available_actions(state, office).items() if not why} == set()
    with pytest.raises(ValidationError, match="已作废"):
        services.suggestion_void(suggestion=s, actor=office, reason="重复")
    assert s.events.filter(action="void").get().note == "作废：重复登记"


def test_unsatisfied_items_of_the_scope_year_whenever_rated(items):
    """DESIGN §5: rated 不满意 at any time on or before D, whatever the rating since and
    whichever year D falls in."""
    s = items.replied(Outcome.PLANNED, dt.date(2024, 3, 1))
    items.feedback(s, Satisfaction.UNSATISFIED, dt.date(2024, 3, 10))
    items.reply(s, Outcome.RESOLVED, dt.date(2024, 4, 15))
    items.feedback(s, Satisfaction.SATISFIED, dt.date(2024, 4, 20))
    items.spot_check(s, dt.date(2025, 2, 1))
    next_year = report_compute(scope=Scope(year=2024), as_of=dt.date(2025, 3, 31))
    (row,) = next_year.unsatisfied
    assert row.item.pk == s.pk and row.rating == Satisfaction.SATISFIED
    assert [f.happened_on for f in row.follow_ups] == [dt.date(2025, 2, 1)]
    # The follow-up recorded after an earlier report date is not in that report.
    (earlier,) = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 12, 31)).unsatisfied
    assert earlier.follow_ups == ()


# ---------------------------------------------------------------------------------------
# A generated year, entered in date order


class Year:
    """Forty items of 2024 across three departments, each with a life drawn from a seeded
    random plan: re-assignments, extensions (some refused), replies on time and late,
    ratings with rework, re-checks, spot checks and voids, spread over the year."""

    def __init__(self, office, supervisor, departments, handlers, seed=2024):
        self.office, self.supervisor = office, supervisor
        self.departments, self.handlers = departments, handlers
        self.random = random.Random(seed)
        self.events: list[tuple[dt.date, int, callable]] = []

    def plan(self, n: int) -> None:
        for i in range(n):
            self._plan_item(i)
        self.events.sort(key=lambda e: (e[0], e[1]))

    def _add(self, day, order, step):
        self.events.append((day, order, step))

    def _plan_item(self, i: int) -> None:
        r = self.random
        source = Source.RECESS if r.random() < 0.2 else Source.SESSION
        received = dt.date(2024, 1, 8) + dt.timedelta(days=r.randint(0, 200))
        extra = {"session": None} if source == Source.RECESS else {}
        item = SuggestionFactory(
            year=2024, number=i + 1, source=source, received_on=received, **extra
        )
        day = received + dt.timedelta(days=r.randint(1, 10))
        lead = r.randrange(3)
        self._add(day, i, lambda d=day, s=item, k=lead: self._assign(s, k, d))
        day += dt.timedelta(days=1)
        self._add(day, i, lambda d=day, s=item: self._ack(s, d))
        if r.random() < 0.05:
            day += dt.timedelta(days=r.randint(5, 40))
            self._add(day, i, lambda d=day, s=item: self._void(s, d))
            return
        if r.random() < 0.25:
            day += dt.timedelta(days=r.randint(5, 60))
            lead = (lead + 1) % 3
            self._add(day, i, lambda d=day, s=item, k=lead: self._reassign(s, k, d))
            day += dt.timedelta(days=1)
            self._add(day, i, lambda d=day, s=item: self._ack(s, d))
        if r.random() < 0.35:
            day += dt.timedelta(days=r.randint(10, 80))
            self._add(day, i, lambda d=day, s=item: self._ask_extension(s, d))
            day += dt.timedelta(days=r.randint(1, 20))
            approve = r.random() < 0.8
            self._add(day, i, lambda d=day, s=item, a=approve: self._decide(s, d, a))
        if r.random() < 0.1:
            return  # never replied
        day += dt.timedelta(days=r.randint(5, 120))
        outcome = r.choice(Outcome.values)
        self._add(day, i, lambda d=day, s=item, o=outcome: self._reply(s, o, d))
        if r.random() < 0.6:
            day += dt.timedelta(days=r.randint(3, 30))
            unhappy = r.random() < 0.3
            self._add(day, i, lambda d=day, s=item, u=unhappy: self._rate(s, u, d))
            if unhappy:
                day += dt.timedelta(days=r.randint(5, 30))
                self._add(day, i, lambda d=day, s=item: self._reply(s, Outcome.RESOLVED, d))
        elif outcome in (Outcome.IN_PROGRESS, Outcome.PLANNED) and r.random() < 0.7:
            day += dt.timedelta(days=r.randint(10, 90))
            self._add(day, i, lambda d=day, s=item: self._recheck(s, d))
        if r.random() < 0.3:
            day += dt.timedelta(days=r.randint(5, 40))
            self._add(day, i, lambda d=day, s=item: self._spot_check(s, d))

    # Each step goes through the services, dated as planned.
    def _fresh(self, s):
        return Suggestion.objects.get(pk=s.pk)

    def _holder(self, s):
        lead = self._fresh(s).assignments.get(is_active=True, role="lead")
        return self.handlers[lead.department_id]

    def _assign(self, s, k, d):
        services.suggestion_assign(
            suggestion=self._fresh(s),
            lead=self.departments[k],
            actor=self.office,
            assigned_on=d,
            when=at(d),
        )

    def _reassign(self, s, k, d):
        services.suggestion_reassign(
            suggestion=self._fresh(s),
            lead=self.departments[k],
            actor=self.office,
            assigned_on=d,
            reason="职责调整",
            when=at(d),
        )

    def _ack(self, s, d):
        services.assignment_acknowledge(
            suggestion=self._fresh(s), actor=self._holder(s), when=at(d)
        )

    def _ask_extension(self, s, d):
        s = self._fresh(s)
        lead = s.assignments.get(is_active=True, role="lead")
        services.extension_request(
            suggestion=s,
            actor=self.handlers[lead.department_id],
            requested_due_on=lead.due_in_force + dt.timedelta(days=45),
            reason="需协调资金。",
            when=at(d),
        )

    def _decide(self, s, d, approve):
        request = ExtensionRequest.objects.get(assignment__suggestion=s, status="pending")
        services.extension_decide(request=request, actor=self.office, approve=approve, when=at(d))

    def _reply(self, s, outcome, d):
        services.reply_submit(
            suggestion=self._fresh(s),
            actor=self._holder(s),
            outcome=outcome,
            text="已研究办理。",
            replied_on=d,
            promised_on=promise(outcome, d),
            when=at(d, 15),
        )

    def _rate(self, s, unhappy, d):
        services.feedback_record(
            suggestion=self._fresh(s),
            actor=self.office,
            satisfaction=Satisfaction.UNSATISFIED if unhappy else Satisfaction.SATISFIED,
            comment="希望加快进度。" if unhappy else "",
            received_on=d,
            when=at(d, 11),
        )

    def _recheck(self, s, d):
        services.follow_up_record(
            suggestion=self._fresh(s),
            actor=self.supervisor,
            kind=FollowUp.Kind.RECHECK,
            happened_on=d,
            new_outcome=Outcome.RESOLVED,
            findings="经跟踪复查，问题已经解决。",
            when=at(d, 16),
        )

    def _spot_check(self, s, d):
        services.follow_up_record(
            suggestion=self._fresh(s),
            actor=self.supervisor,
            kind=FollowUp.Kind.SPOT_CHECK,
            happened_on=d,
            consistent_with_reply=True,
            findings="电话回访抽查：落实情况与答复相符。",
            when=at(d, 16),
        )

    def _void(self, s, d):
        services.suggestion_void(
            suggestion=self._fresh(s), actor=self.office, reason="重复登记", when=at(d)
        )


QUARTER_ENDS = [
    dt.date(2024, 3, 31),
    dt.date(2024, 6, 30),
    dt.date(2024, 9, 30),
    dt.date(2024, 12, 31),
]


def _quarter_reports(as_of: dt.date, previous: dt.date | None, departments) -> dict:
    scopes = [Scope(year=2024), *(Scope(year=2024, department=d.pk) for d in departments)]
    return {
        scope: (
            report_compute(scope=scope, as_of=as_of, previous_as_of=previous),
            list(report_detail_rows(scope, as_of)),
        )
        for scope in scopes
    }


def test_a_generated_year_reports_the_same_before_and_after_the_rest_is_entered(office, supervisor):
    departments = [DepartmentFactory(name=n) for n in ("区房管局", "区民政局", "区教育局")]
    handlers = {d.pk: handler_user(d, username=f"h{d.pk}") for d in departments}
    year = Year(office, supervisor, departments, handlers)
    year.plan(40)

    taken: dict[dt.date, dict] = {}
    pending_ends = list(QUARTER_ENDS)
    for day, _order, step in year.events:
        while pending_ends and day > pending_ends[0]:
            end = pending_ends.pop(0)
            previous = QUARTER_ENDS[QUARTER_ENDS.index(end) - 1] if end != QUARTER_ENDS[0] else None
            taken[end] = _quarter_reports(end, previous, departments)
        step()
    assert not pending_ends, "the plan should run past every quarter end (into 2025)"

    # The year exercised what can change a past report.
    assert Suggestion.objects.filter(status=Status.VOIDED).exists()
    assert ExtensionRequest.objects.filter(status="approved").exists()
    assert Suggestion.objects.filter(assignments__ended_on__isnull=False).exists()
    assert any(report.overdue for report, _ in taken[QUARTER_ENDS[1]].values())

    for end, reports in taken.items():
        previous = QUARTER_ENDS[QUARTER_ENDS.index(end) - 1] if end != QUARTER_ENDS[0] else None
        again = _quarter_reports(end, previous, departments)
        for scope, (report, rows) in reports.items():
            assert again[scope][0] == report, (end, scope)
            assert again[scope][1] == rows, (end, scope)
            assert report_to_dict(again[scope][0]) == report_to_dict(report)
