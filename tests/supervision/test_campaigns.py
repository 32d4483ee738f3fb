import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from notices.models import Kind as NoticeKind
from notices.models import Notification
from reports.selectors import Scope
from reports.selectors import report_compute
from suggestions.asof import outcome_on
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Suggestion
from supervision import services
from supervision.models import Evidence
from supervision.models import Finding
from supervision.models import Method
from supervision.models import SpotCheckItem
from supervision.services import draw_sample
from tests.conftest import at
from tests.supervision.conftest import JAN
from tests.supervision.conftest import recheck_campaign

pytestmark = pytest.mark.django_db

H1 = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def outcome_of(s: Suggestion, day: dt.date) -> str:
    return Suggestion.objects.annotate(o=outcome_on(day)).values_list("o", flat=True).get(pk=s.pk)


@pytest.fixture
def resolved(desks):
    """20 items of 区房管局 and 4 of 区建设管理委 resolved in the first half of 2024."""
    a = [desks["A"].replied(Outcome.RESOLVED, dt.date(2024, 3, 1), JAN) for _ in range(20)]
    b = [desks["B"].replied(Outcome.RESOLVED, dt.date(2024, 3, 1), JAN) for _ in range(4)]
    return a, b


def spot(supervisor, departments, seed, percentage=50):
    return services.spot_campaign_create(
        name="2024年上半年抽查",
        period_start=H1[0],
        period_end=H1[1],
        percentage=percentage,
        departments=departments,
        actor=supervisor,
        seed=seed,
    )


JULY_15 = dt.date(2024, 7, 15)


def check(item, actor, finding, *, method=Method.CALLBACK, notes="", on=JULY_15, **kwargs):
    return services.spot_check_record(
        item=item,
        method=method,
        finding=finding,
        notes=notes,
        checked_on=on,
        actor=actor,
        when=at(on, 17),
        **kwargs,
    )


def sample_of(campaign) -> list[int]:
    return sorted(campaign.items.values_list("suggestion_id", flat=True))


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(
    resolved, supervisor, lead_department, co_department
):
    first = spot(supervisor, [lead_department, co_department], seed=20240701)
    again = spot(supervisor, [lead_department, co_department], seed=20240701)
    other = spot(supervisor, [lead_department, co_department], seed=7)
    assert first.seed == 20240701
    assert sample_of(first) == sample_of(again)
    assert sample_of(first) != sample_of(other)
    # 50 % of each department: 10 of 20 and 2 of 4.
    per_department = {
        d.pk: first.items.filter(department=d).count() for d in (lead_department, co_department)
    }
    assert per_department == {lead_department.pk: 10, co_department.pk: 2}


def test_draw_sample_rounds_up_and_a_seed_is_recorded_when_none_given(
    resolved, supervisor, co_department
):
    assert len(draw_sample({1: [5, 6, 7]}, 10, seed=1)) == 1
    assert draw_sample({1: [5, 6, 7]}, 100, seed=1) == [5, 6, 7]
    campaign = spot(supervisor, [co_department], seed=None, percentage=30)
    assert campaign.seed is not None and campaign.items.count() == 2  # ⌈4 × 30 %⌉


def test_only_the_periods_resolved_items_are_drawn(desks, supervisor, lead_department):
    desks["A"].replied(Outcome.IN_PROGRESS, dt.date(2024, 3, 1), JAN)
    desks["A"].replied(Outcome.RESOLVED, dt.date(2024, 7, 2), JAN)
    with pytest.raises(ValidationError, match="没有“已经解决”"):
        spot(supervisor, [lead_department], seed=1, percentage=100)


def test_untrue_reopens_the_outcome_as_of_the_findings_date_only(
    resolved, supervisor, lead_department, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    campaign = spot(supervisor, [lead_department], seed=3, percentage=10)
    item = campaign.items.first()
    s = item.suggestion
    checked = JULY_15
    report_before = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 7, 14))
    check(
        item,
        supervisor,
        Finding.UNTRUE,
        method=Method.VISIT,
        notes="现场查看，整改尚未完成。",
        files=[SimpleUploadedFile("现场照片.jpg", b"jpeg bytes")],
    )
    item.refresh_from_db()
    assert (item.method, item.finding, item.checked_on) == (Method.VISIT, Finding.UNTRUE, checked)
    assert item.follow_up.kind == FollowUp.Kind.SPOT_CHECK
    assert item.follow_up.consistent_with_reply is False
    assert item.recheck.kind == FollowUp.Kind.RECHECK
    change = OutcomeChange.objects.get(follow_up=item.recheck)
    assert (change.from_outcome, change.to_outcome) == (Outcome.RESOLVED, Outcome.IN_PROGRESS)
    assert outcome_of(s, dt.date(2024, 7, 14)) == Outcome.RESOLVED
    assert outcome_of(s, checked) == Outcome.IN_PROGRESS
    # The report as of the day before is unchanged; as of the finding's date it moves.
    again = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 7, 14))
    assert again.outcomes == report_before.outcomes
    after = report_compute(scope=Scope(year=2024), as_of=checked)
    assert after.outcomes.resolved.count == report_before.outcomes.resolved.count - 1
    assert [c.item.pk for c in after.spot_checks] == [s.pk]
    evidence = Evidence.objects.get(spot_item=item)
    assert evidence.name == "现场照片.jpg" and evidence.file.name.endswith(".jpg")
    assert "现场照片" not in evidence.file.name  # stored under a random name
    with pytest.raises(ValidationError, match="已登记"):
        check(item, supervisor, Finding.TRUE)


def test_a_true_finding_changes_no_outcome(resolved, supervisor, lead_department):
    campaign = spot(supervisor, [lead_department], seed=3, percentage=10)
    item = campaign.items.first()
    check(item, supervisor, Finding.MOSTLY_TRUE, notes="代表认可。")
    item.refresh_from_db()
    assert item.recheck is None and item.follow_up.consistent_with_reply is True
    assert outcome_of(item.suggestion, dt.date(2024, 7, 15)) == Outcome.RESOLVED


def test_spot_checks_are_refused_to_handlers_and_bad_input(
    resolved, supervisor, lead_handler, lead_department
):
    with pytest.raises(ValidationError, match="督查室"):
        spot(lead_handler, [lead_department], seed=1)
    campaign = spot(supervisor, [lead_department], seed=1, percentage=10)
    item = campaign.items.first()
    with pytest.raises(ValidationError, match="请填写情况说明"):
        check(item, supervisor, Finding.UNTRUE, notes=" ")
    with pytest.raises(ValidationError, match="抽查方式"):
        check(item, supervisor, Finding.TRUE, method="fax")
    with pytest.raises(ValidationError, match="督查室"):
        check(item, lead_handler, Finding.TRUE)
    assert SpotCheckItem.objects.get(pk=item.pk).finding == ""


# ---------------------------------------------------------------------------------------
# Re-check campaigns


@pytest.fixture
def pending(desks):
    """Two 正在解决 / 计划解决 items of 区房管局, one of 区建设管理委, one resolved."""
    a1 = desks["A"].replied(Outcome.IN_PROGRESS, dt.date(2024, 3, 1), JAN)
    a2 = desks["A"].replied(Outcome.PLANNED, dt.date(2024, 3, 1), JAN)
    b1 = desks["B"].replied(Outcome.PLANNED, dt.date(2024, 3, 1), JAN)
    desks["B"].replied(Outcome.RESOLVED, dt.date(2024, 3, 1), JAN)
    return a1, a2, b1


def test_a_recheck_campaign_lists_every_pending_item_with_its_promise(
    pending, supervisor, lead_handler, lead_department
):
    a1, a2, b1 = pending
    campaign = recheck_campaign(supervisor)
    items = {i.suggestion_id: i for i in campaign.items.all()}
    assert set(items) == {a1.pk, a2.pk, b1.pk}
    assert items[a1.pk].department == lead_department
    assert items[a1.pk].outcome_before == Outcome.IN_PROGRESS
    assert items[a1.pk].promised_on == a1.promised_on is not None
    notices = Notification.objects.filter(kind=NoticeKind.RECHECK_TASK, recipient=lead_handler)
    assert set(notices.values_list("suggestion_id", flat=True)) == {a1.pk, a2.pk}


def test_a_recheck_records_the_new_outcome_and_the_report_reads_it(
    pending, supervisor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a1, a2, _ = pending
    campaign = recheck_campaign(supervisor)
    item = campaign.items.get(suggestion=a1)
    on = dt.date(2024, 10, 8)
    services.recheck_record(
        item=item,
        new_outcome=Outcome.RESOLVED,
        findings="现场复查，已完成改造。",
        checked_on=on,
        actor=supervisor,
        files=[SimpleUploadedFile("验收单.pdf", b"%PDF")],
        when=at(on, 15),
    )
    same = campaign.items.get(suggestion=a2)
    services.recheck_record(
        item=same,
        new_outcome=Outcome.PLANNED,
        findings="仍在计划中。",
        checked_on=on,
        actor=supervisor,
        when=at(on, 16),
    )
    item.refresh_from_db()
    same.refresh_from_db()
    assert item.follow_up.outcome_change.to_outcome == Outcome.RESOLVED
    assert not OutcomeChange.objects.filter(follow_up=same.follow_up).exists()
    assert same.checked_on == on and same.new_outcome == Outcome.PLANNED
    report = report_compute(
        scope=Scope(year=2024), as_of=dt.date(2024, 12, 31), previous_as_of=dt.date(2024, 9, 30)
    )
    assert [u.item.pk for u in report.upgraded] == [a1.pk]
    assert outcome_of(a1, dt.date(2024, 10, 7)) == Outcome.IN_PROGRESS
    with pytest.raises(ValidationError, match="已登记"):
        services.recheck_record(
            item=item,
            new_outcome=Outcome.RESOLVED,
            findings="再次。",
            checked_on=on,
            actor=supervisor,
        )


def test_recheck_campaign_refusals(desks, supervisor, lead_handler):
    with pytest.raises(ValidationError, match="督查室"):
        recheck_campaign(lead_handler)
    with pytest.raises(ValidationError, match="没有“正在解决”"):
        recheck_campaign(supervisor)
    with pytest.raises(ValidationError, match="复查期限"):
        services.recheck_campaign_create(
            name="x",
            period_start=dt.date(2024, 7, 1),
            period_end=dt.date(2024, 9, 30),
            due_on=dt.date(2024, 9, 1),
            actor=supervisor,
        )


def test_merged_and_split_items_are_checked_where_they_are_handled(
    office, supervisor, lead_handler, lead_department, other_department, other_handler
):
    """DESIGN §11: a spot check draws a merged group's primary (never its merged items) and
    a split item's parts (never the item): a finding is recorded where the handling is."""
    from suggestions import services as item_services
    from supervision.selectors import spot_population
    from tests.factories import SuggestionFactory

    def resolve(item, handler):
        item = Suggestion.objects.get(pk=item.pk)
        item_services.assignment_acknowledge(suggestion=item, actor=handler, when=at(JAN))
        item_services.reply_submit(
            suggestion=Suggestion.objects.get(pk=item.pk),
            actor=handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            replied_on=dt.date(2024, 3, 1),
            when=at(dt.date(2024, 3, 1)),
        )

    primary, member, whole = (SuggestionFactory(received_on=JAN) for _ in range(3))
    item_services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    item_services.suggestion_assign(
        suggestion=Suggestion.objects.get(pk=primary.pk),
        lead=lead_department,
        actor=office,
        assigned_on=JAN,
        when=at(JAN),
    )
    resolve(primary, lead_handler)
    item_services.suggestion_split(
        suggestion=whole,
        parts=[
            item_services.SplitPart(matter="绿化补种", lead=lead_department),
            item_services.SplitPart(matter="道路修缮", lead=other_department),
        ],
        actor=office,
        assigned_on=JAN,
        when=at(JAN),
    )
    one, two = whole.parts.order_by("part_no")
    resolve(one, lead_handler)
    resolve(two, other_handler)
    population = spot_population(
        supervisor,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 6, 30),
        department_ids=[lead_department.pk, other_department.pk],
    )
    drawn = {pk for pks in population.values() for pk in pks}
    assert drawn == {primary.pk, one.pk, two.pk}
    assert Suggestion.objects.get(pk=member.pk).outcome == Outcome.RESOLVED  # still counted
