"""report_compute: the reference figures, rounding, as-of reproducibility, query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Department
from reports.narrative import narrative_overall
from reports.narrative import narrative_sections
from reports.renderers import report_to_dict
from reports.selectors import Scope
from reports.selectors import percent
from reports.selectors import previous_quarter_end
from reports.selectors import quarter_bounds
from reports.selectors import report_compute
from reports.selectors import round_half_up
from suggestions.models import Assignment
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion
from tests.factories import DeputyFactory
from tests.reports.conftest import Q2_2023
from tests.reports.conftest import Q3_2023

REFERENCE_NARRATIVE = (
    "截至2023年9月30日，由区政府承办的176件代表建议中，有175件均在规定时间内办复，"
    "另有1件为闭会期间提出，正在抓紧办理。在已办复的175件代表建议中，"
    "办理结果为“已经解决”的144件，占总数的82.3%；办理结果为“正在解决”的2件，占总数的1.1%；"
    "办理结果为“计划解决”的10件，占总数的5.7%；办理结果为“留作参考”的19件，占总数的10.9%。"
    "办理解决率较上一阶段（78.1%）提高了近4.2个百分点。"
)


# ---------------------------------------------------------------------------------------
# The Jing'an 2023 reference scenario (DESIGN §6, §7)


def test_reference_report_2023q3(demo):
    as_of, previous = quarter_bounds("2023Q3")
    report = report_compute(scope=Scope(year=2023), as_of=as_of, previous_as_of=previous)
    data = report_to_dict(report)

    assert data["as_of"] == "2023-09-30"
    assert data["previous_as_of"] == "2023-06-30"
    assert data["suggestions"] == {
        "assigned": 176,
        "replied": 175,
        "on_time": 175,
        "pending": 1,
        "overdue": 0,
        "outcomes": {
            "resolved": {"count": 144, "percent": "82.3"},
            "in_progress": {"count": 2, "percent": "1.1"},
            "planned": {"count": 10, "percent": "5.7"},
            "for_reference": {"count": 19, "percent": "10.9"},
        },
        "resolution_rate": "82.3",
        "previous_resolution_rate": "78.1",
        "change": "4.2",
        "recess": {"assigned": 7, "replied": 6, "resolved": 6, "pending": 1},
        "upgraded": 6,
    }
    assert data["community_opinions"] == {
        "assigned": 90,
        "departments": 20,
        "replied": 90,
        "resolved_or_in_progress": {"count": 65, "percent": "72.2"},
    }
    assert data["narrative"] == REFERENCE_NARRATIVE
    assert set(data) == {
        "as_of",
        "previous_as_of",
        "suggestions",
        "community_opinions",
        "narrative",
    }

    # 4.18 points exactly, shown as 4.2: hence "近".
    assert report.change == Decimal("4.2") and report.change_is_approximate
    assert report.previous_replied == 169

    upgraded = {u.item.title for u in report.upgraded}
    assert "关于增加上海老旧小区消防栓设施的建议" in upgraded
    assert "关于增加区域体育面积，满足市民日益增长的健身需求的建议" in upgraded
    assert {u.from_outcome for u in report.upgraded} == {Outcome.IN_PROGRESS, Outcome.PLANNED}
    checked = {c.item.title for c in report.spot_checks}
    assert "关于进一步加强苏州河沿岸环境保护的建议" in checked
    assert "关于完善公共文化服务供给，加强线上文化配送的建议" in checked
    assert all(c.consistent_with_reply for c in report.spot_checks)

    (unsatisfied,) = report.unsatisfied
    assert unsatisfied.rating == Satisfaction.BASICALLY_SATISFIED  # after the rework round
    assert unsatisfied.reworked
    kinds = {f.kind for f in unsatisfied.follow_ups}
    assert {FollowUp.Kind.SUPERVISION, FollowUp.Kind.VISIT, FollowUp.Kind.MEETING} <= kinds
    assert report.overdue_items == ()
    assert report.community.top_departments[:2] == (("区绿化市容局", 16), ("区房管局", 14))

    sections = dict(narrative_sections(report))
    assert sections["总体情况"] == REFERENCE_NARRATIVE
    assert sections["闭会期间代表建议办理情况"] == (
        "今年，区两会闭会期间，共收到由区政府承办的代表建议7件，其中6件已按规定提前办复，"
        "办理结果均为“已经解决”，另1件正在抓紧办理。"
    )
    assert sections["代表集中联系社区意见建议办理情况"] == (
        "今年，区政府收到市、区人大代表集中联系社区意见建议共90件，分别交由区绿化市容局、"
        "区房管局等20个部门（单位）负责办理。截至2023年9月30日，由区政府系统办理的90件意见建议"
        "均已办复。其中，办理结果为“已经解决”和“正在解决”的65件，占总数的72.2%。"
    )
    assert "“关于加快彭浦新村地区旧住房成套改造进度的建议”" in sections["“不满意”件跟踪督办情况"]
    follow_up = sections["抽查和跟踪复查情况"]
    assert "通过实地走访、电话回访等方式进行抽查" in follow_up
    assert "“关于增加上海老旧小区消防栓设施的建议”" in follow_up
    assert "“关于进一步加强苏州河沿岸环境保护的建议”" in follow_up

    # The per-department table adds up, and one department's row is that department's report.
    assert sum(row.assigned for row in report.departments) == 176
    assert sum(row.outcomes.resolved.count for row in report.departments) == 144
    fangguan = Department.objects.get(name="区房管局")
    (row,) = [r for r in report.departments if r.department_id == fangguan.pk]
    alone = report_compute(
        scope=Scope(year=2023, department=fangguan.pk), as_of=as_of, previous_as_of=previous
    )
    assert (row.assigned, row.replied, row.on_time, row.overdue, row.outcomes) == (
        alone.assigned,
        alone.replied,
        alone.on_time,
        alone.overdue,
        alone.outcomes,
    )
    assert row.resolution_rate == alone.resolution_rate
    assert row.satisfaction_rate == alone.satisfaction.rate
    assert narrative_overall(alone).startswith(
        f"截至2023年9月30日，由区房管局承办的{row.assigned}件"
    )

    # The previous period on its own (2023Q2) gives the figures DESIGN §6 states for it.
    q2 = report_to_dict(report_compute(scope=Scope(year=2023), as_of=Q2_2023))
    assert q2["suggestions"]["replied"] == 169
    assert q2["suggestions"]["outcomes"] == {
        "resolved": {"count": 132, "percent": "78.1"},
        "in_progress": {"count": 5, "percent": "3.0"},
        "planned": {"count": 13, "percent": "7.7"},
        "for_reference": {"count": 19, "percent": "11.2"},
    }
    assert q2["previous_as_of"] is None and q2["suggestions"]["change"] is None


def test_recess_scope_and_organisation_name_from_settings(demo, settings):
    settings.ORGANISATION_SHORT_NAME = "市政府"
    report = report_compute(
        scope=Scope(year=2023, source=Source.RECESS), as_of=Q3_2023, previous_as_of=Q2_2023
    )
    assert (report.assigned, report.replied, report.pending) == (7, 6, 1)
    assert report.outcomes.resolved.count == 6
    # As of 2023-06-30 no recess item had a reply: no previous rate, so no change.
    assert report.previous_replied == 0
    assert report.previous_resolution_rate is None and report.change is None
    assert narrative_overall(report) == (
        "截至2023年9月30日，由市政府承办的7件闭会期间提出的代表建议中，有6件均在规定时间内办复，"
        "另有1件正在抓紧办理。在已办复的6件闭会期间提出的代表建议中，"
        "办理结果为“已经解决”的6件，占总数的100.0%。办理解决率为100.0%。"
    )


# ---------------------------------------------------------------------------------------
# Numbers and periods


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 8, "12.5"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 6, "16.7"),
        (1, 2000, "0.1"),  # 0.05 → 0.1
        (9, 400, "2.3"),  # 2.25 → 2.3 (float or banker's rounding give 2.2)
        (144, 175, "82.3"),
        (132, 169, "78.1"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_percent_rounds_half_up(numerator, denominator, expected):
    assert str(percent(numerator, denominator)) == expected


def test_round_half_up_is_not_float_nor_bankers():
    assert round(2.25, 1) == 2.2  # what float would print
    assert round_half_up(Decimal("2.25")) == Decimal("2.3")
    assert round_half_up(Decimal("0.05")) == Decimal("0.1")
    assert round_half_up(Decimal("0.25")) == Decimal("0.3")
    assert round_half_up(Decimal("-2.25")) == Decimal("-2.3")
    assert str(round_half_up(Decimal("-0.04"))) == "0.0"


def test_zero_denominator_is_none():
    assert percent(0, 0) is None
    assert percent(3, 0) is None


def test_quarter_bounds():
    assert quarter_bounds("2023Q3") == (dt.date(2023, 9, 30), dt.date(2023, 6, 30))
    assert quarter_bounds("2023Q2") == (dt.date(2023, 6, 30), dt.date(2023, 3, 31))
    assert quarter_bounds("2024q1") == (dt.date(2024, 3, 31), dt.date(2023, 12, 31))
    assert quarter_bounds("2023Q4") == (dt.date(2023, 12, 31), dt.date(2023, 9, 30))
    assert previous_quarter_end(dt.date(2023, 8, 15)) == dt.date(2023, 6, 30)
    assert previous_quarter_end(dt.date(2024, 2, 29)) == dt.date(2023, 12, 31)


@pytest.mark.parametrize("bad", ["2023Q5", "2023Q0", "2023-Q3", "23Q3", "2023", "Q3", ""])
def test_quarter_format_is_checked(bad):
    with pytest.raises(ValueError, match="季度格式应为 2023Q3"):
        quarter_bounds(bad)


def test_empty_scope_has_no_rates(db):
    report = report_compute(
        scope=Scope(year=2030), as_of=dt.date(2030, 9, 30), previous_as_of=dt.date(2030, 6, 30)
    )
    assert (report.assigned, report.replied) == (0, 0)
    assert report.resolution_rate is None and report.outcomes.resolved.percent is None
    assert report.satisfaction.rate is None and report.change is None
    data = report_to_dict(report)
    assert data["suggestions"]["outcomes"]["planned"] == {"count": 0, "percent": None}
    assert data["community_opinions"]["resolved_or_in_progress"] == {"count": 0, "percent": None}


# ---------------------------------------------------------------------------------------
# As of a date: later records never change an earlier report


def test_quarter_report_is_the_same_after_later_records(items):
    q1, q2 = dt.date(2024, 3, 31), dt.date(2024, 6, 30)
    planned = items.replied(Outcome.PLANNED, dt.date(2024, 3, 5))
    resolved = items.replied(Outcome.RESOLVED, dt.date(2024, 4, 2))
    rated = items.replied(Outcome.IN_PROGRESS, dt.date(2024, 4, 8))
    items.feedback(rated, Satisfaction.UNSATISFIED, dt.date(2024, 5, 6))
    open_item = items.assigned(dt.date(2024, 4, 15))  # due 2024-07-15
    items.spot_check(resolved, dt.date(2024, 5, 20))
    items.recheck(planned, dt.date(2024, 6, 10), to=Outcome.IN_PROGRESS)

    def q2_report():
        return report_compute(scope=Scope(year=2024), as_of=q2, previous_as_of=q1)

    before = q2_report()
    assert (before.assigned, before.replied, before.pending, before.overdue) == (4, 3, 1, 0)
    assert before.satisfaction.unsatisfied == 1 and len(before.unsatisfied) == 1
    assert before.upgraded == ()  # in_progress is not an upgrade to resolved

    # The third quarter: a reply, re-checks, a rating, a new item, a spot check.
    items.reply(open_item, Outcome.RESOLVED, dt.date(2024, 7, 2))
    items.recheck(planned, dt.date(2024, 7, 15))
    items.reply(rated, Outcome.RESOLVED, dt.date(2024, 7, 20))
    items.feedback(rated, Satisfaction.SATISFIED, dt.date(2024, 8, 1))
    items.replied(Outcome.FOR_REFERENCE, dt.date(2024, 8, 5), assigned_on=dt.date(2024, 7, 3))
    items.spot_check(resolved, dt.date(2024, 8, 20))

    after = q2_report()
    assert after == before
    assert report_to_dict(after) == report_to_dict(before)
    assert narrative_sections(after) == narrative_sections(before)

    q3 = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 9, 30), previous_as_of=q2)
    assert (q3.assigned, q3.replied, q3.outcomes.resolved.count) == (5, 5, 4)
    assert [u.item.pk for u in q3.upgraded] == [planned.pk]
    assert len(q3.spot_checks) == 1  # only the one dated in the period
    (unsatisfied,) = q3.unsatisfied  # rated 满意 now, but 不满意 earlier this year
    assert unsatisfied.rating == Satisfaction.SATISFIED and unsatisfied.reworked


def test_overdue_uses_the_due_date_and_the_report_date(items):
    late = items.assigned(dt.date(2024, 1, 10))  # due 2024-04-10
    report = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 4, 30))
    assert (report.pending, report.overdue) == (1, 1)
    (row,) = report.overdue_items
    assert row.item.pk == late.pk and row.days_overdue == 20
    assert row.item.department == items.department.name
    items.reply(late, Outcome.RESOLVED, dt.date(2024, 5, 6))
    report = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 6, 30))
    assert (report.replied, report.on_time, report.overdue) == (1, 0, 0)
    # Still overdue as of the earlier date.
    assert report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 4, 30)).overdue == 1


# ---------------------------------------------------------------------------------------
# The number of queries does not grow with the data


def _bulk_items(first: int, count: int, *, department, user, deputy) -> None:
    """Items of every kind the report lists, created row by row in bulk (no services)."""
    assigned_on = dt.date(2024, 1, 10)
    due = dt.date(2024, 4, 10)
    suggestions = Suggestion.objects.bulk_create(
        Suggestion(
            year=2024,
            kind=Kind.COMMUNITY_OPINION if i % 7 == 0 else Kind.SUGGESTION,
            source=Source.RECESS,
            number=i,
            title=f"关于第{i}号事项的建议",
            lead_deputy=deputy,
            received_on=assigned_on,
            status="replied",
            assigned_on=assigned_on,
            reply_due_on=due,
            first_replied_on=None if i % 5 == 0 else dt.date(2024, 3, 1),
        )
        for i in range(first, first + count)
    )
    Assignment.objects.bulk_create(
        Assignment(
            suggestion=s,
            department=department,
            role=Assignment.Role.LEAD,
            assigned_on=assigned_on,
            reply_due_on=due,
        )
        for s in suggestions
    )
    replied = [s for s in suggestions if s.first_replied_on]
    outcomes = list(Outcome)
    replies = Reply.objects.bulk_create(
        Reply(
            suggestion=s,
            round=1,
            department=department,
            outcome=outcomes[s.number % 4],
            text="答复。",
            replied_on=s.first_replied_on,
            created_by=user,
        )
        for s in replied
    )
    checks = FollowUp.objects.bulk_create(
        FollowUp(
            suggestion=r.suggestion,
            kind=FollowUp.Kind.RECHECK
            if r.outcome == Outcome.PLANNED
            else FollowUp.Kind.SPOT_CHECK,
            happened_on=dt.date(2024, 5, 10),
            findings="复查。",
            consistent_with_reply=True,
            created_by=user,
        )
        for r in replies
        if r.outcome in (Outcome.PLANNED, Outcome.RESOLVED)
    )
    OutcomeChange.objects.bulk_create(
        [
            OutcomeChange(
                suggestion=r.suggestion,
                source=OutcomeChange.Source.REPLY,
                to_outcome=r.outcome,
                effective_on=r.replied_on,
                reply=r,
                created_by=user,
            )
            for r in replies
        ]
        + [
            OutcomeChange(
                suggestion=f.suggestion,
                source=OutcomeChange.Source.RECHECK,
                from_outcome=Outcome.PLANNED,
                to_outcome=Outcome.RESOLVED,
                effective_on=f.happened_on,
                follow_up=f,
                created_by=user,
            )
            for f in checks
            if f.kind == FollowUp.Kind.RECHECK
        ]
    )
    Feedback.objects.bulk_create(
        Feedback(
            suggestion=r.suggestion,
            reply=r,
            satisfaction=list(Satisfaction)[r.suggestion.number % 3],
            received_on=dt.date(2024, 3, 15),
            created_by=user,
        )
        for r in replies
    )


def test_query_count_does_not_depend_on_the_number_of_items(office, lead_department):
    deputy = DeputyFactory()

    def run():
        with CaptureQueriesContext(connection) as queries:
            report = report_compute(
                scope=Scope(year=2024),
                as_of=dt.date(2024, 6, 30),
                previous_as_of=dt.date(2024, 3, 31),
            )
        return report, len(queries.captured_queries)

    _bulk_items(1, 10, department=lead_department, user=office, deputy=deputy)
    small, small_queries = run()
    _bulk_items(11, 490, department=lead_department, user=office, deputy=deputy)
    large, large_queries = run()

    assert small_queries == large_queries
    assert small.assigned + small.community.assigned == 10
    assert large.assigned + large.community.assigned == 500
    assert large.overdue == len(large.overdue_items) > 0
    assert large.upgraded and large.spot_checks and large.unsatisfied
    assert large.departments[0].assigned == large.assigned
