"""The narrative's natural variants, on small data sets built through the services."""

import datetime as dt

from reports.narrative import narrative_overall
from reports.narrative import narrative_sections
from reports.narrative import pct
from reports.selectors import Scope
from reports.selectors import report_compute
from suggestions.models import Outcome
from suggestions.models import Satisfaction

Q1 = dt.date(2024, 3, 31)
Q2 = dt.date(2024, 6, 30)


def q2_report(**scope):
    return report_compute(scope=Scope(year=2024, **scope), as_of=Q2, previous_as_of=Q1)


def test_rate_fall(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    items.replied(Outcome.PLANNED, dt.date(2024, 4, 1))
    assert narrative_overall(q2_report()) == (
        "截至2024年6月30日，由区政府承办的2件代表建议均已在规定时间内办复。"
        "在已办复的2件代表建议中，办理结果为“已经解决”的1件，占总数的50.0%；"
        "办理结果为“计划解决”的1件，占总数的50.0%。"
        "办理解决率较上一阶段（100.0%）下降了50.0个百分点。"
    )


def test_rate_unchanged(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    items.replied(Outcome.PLANNED, dt.date(2024, 3, 4))
    items.replied(Outcome.RESOLVED, dt.date(2024, 4, 1))
    items.replied(Outcome.IN_PROGRESS, dt.date(2024, 4, 2))
    report = q2_report()
    assert report.change == 0 and not report.change_is_approximate
    assert narrative_overall(report).endswith("办理解决率与上一阶段（50.0%）持平。")


def test_exact_rise_has_no_near(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    planned = items.replied(Outcome.PLANNED, dt.date(2024, 3, 4))
    items.recheck(planned, dt.date(2024, 5, 6))
    report = q2_report()
    assert not report.change_is_approximate
    assert narrative_overall(report).endswith("办理解决率较上一阶段（50.0%）提高了50.0个百分点。")


def test_approximate_fall_says_near(items):
    # 2/3 → 3/6 resolved: 66.67 → 50.0, a fall of 16.67 shown as 16.7, so "近".
    for on, outcome in [(3, Outcome.RESOLVED), (4, Outcome.RESOLVED), (5, Outcome.PLANNED)]:
        items.replied(outcome, dt.date(2024, 3, on))
    for on, outcome in [(1, Outcome.RESOLVED), (2, Outcome.PLANNED), (3, Outcome.PLANNED)]:
        items.replied(outcome, dt.date(2024, 4, on))
    report = q2_report()
    assert str(report.change) == "-16.7" and report.change_is_approximate
    assert narrative_overall(report).endswith("较上一阶段（66.7%）下降了近16.7个百分点。")


def test_overdue_and_late_replies(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    items.replied(Outcome.RESOLVED, dt.date(2024, 5, 6))  # due 2024-04-10: late
    items.assigned(dt.date(2024, 1, 10))  # no reply, due 2024-04-10
    items.assigned(dt.date(2024, 5, 10))  # no reply, due 2024-08-10
    report = q2_report()
    assert narrative_overall(report).startswith(
        "截至2024年6月30日，由区政府承办的4件代表建议中，有2件已办复（其中1件在规定时间内办复），"
        "另有2件正在抓紧办理，其中1件已超期。"
    )


def test_all_pending_are_overdue(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    items.assigned(dt.date(2024, 1, 10))
    assert "另有1件已超期，正在督促办理。" in narrative_overall(q2_report())


def test_all_replied_some_late(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    items.replied(Outcome.RESOLVED, dt.date(2024, 5, 6))
    assert narrative_overall(q2_report()).startswith(
        "截至2024年6月30日，由区政府承办的2件代表建议均已办复，其中1件在规定时间内办复。"
    )


def test_nothing_replied_yet_and_no_rates(items):
    items.assigned(dt.date(2024, 5, 10))
    report = q2_report()
    assert report.resolution_rate is None
    assert narrative_overall(report) == (
        "截至2024年6月30日，由区政府承办的1件代表建议均在抓紧办理中，尚未办复。"
    )
    assert pct(report.resolution_rate) == "—"
    assert pct(report.satisfaction.rate) == "—"


def test_nothing_assigned(db):
    assert narrative_overall(q2_report()) == "截至2024年6月30日，暂无由区政府承办的代表建议。"


def test_no_previous_data(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 4, 1))
    # A previous date without replies, and no previous date at all: the rate alone.
    assert narrative_overall(q2_report()).endswith("办理解决率为100.0%。")
    alone = report_compute(scope=Scope(year=2024), as_of=Q2)
    assert alone.previous_resolution_rate is None
    assert narrative_overall(alone).endswith("办理解决率为100.0%。")


def test_sections_for_unsatisfied_follow_up_and_checks(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    unhappy = items.replied(Outcome.PLANNED, dt.date(2024, 3, 4))
    items.feedback(unhappy, Satisfaction.UNSATISFIED, dt.date(2024, 4, 8))
    resolved = items.replied(Outcome.RESOLVED, dt.date(2024, 4, 2))
    items.spot_check(resolved, dt.date(2024, 5, 6), consistent=False)
    sections = dict(narrative_sections(q2_report()))

    unsatisfied = sections["“不满意”件跟踪督办情况"]
    assert f"“{unhappy.title}”（区房管局），承办部门正在重新办理" in unsatisfied
    assert "区政府办公室立即核实1件“不满意”件" in unsatisfied
    assert "区政府督查室" in unsatisfied

    checks = sections["抽查和跟踪复查情况"]
    assert "通过实地走访等方式进行抽查" in checks
    assert f"“{resolved.title}”等1件建议的落实情况与办理结果不符" in checks
    assert "目前办理结果为“计划解决”的1件，将继续跟踪推进。" in checks
    # No community opinions and no recess items in this data: no such sections.
    assert "代表集中联系社区意见建议办理情况" not in sections
    assert "闭会期间代表建议办理情况" not in sections


def test_no_unsatisfied_items(items):
    items.replied(Outcome.RESOLVED, dt.date(2024, 3, 1))
    sections = dict(narrative_sections(q2_report()))
    assert sections["“不满意”件跟踪督办情况"] == (
        "截至2024年6月30日，暂无代表对办理结果表示“不满意”。"
    )
