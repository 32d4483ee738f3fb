import datetime as dt

import pytest

from suggestions import services
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from tests.conftest import at
from tests.reports.conftest import Items

JAN = dt.date(2024, 1, 10)  # assigned; the reply is due on 2024-04-10
YEAR_END = dt.date(2024, 12, 31)


@pytest.fixture
def desks(office, supervisor, lead_handler, co_handler, other_handler):
    """Items of 2024 for three departments: A 区房管局, B 区建设管理委, C 区绿化市容局."""
    return {
        "A": Items(office, supervisor, lead_handler, lead_handler.department),
        "B": Items(office, supervisor, co_handler, co_handler.department),
        "C": Items(office, supervisor, other_handler, other_handler.department),
    }


def visit(items: Items, s, on: dt.date) -> None:
    s.refresh_from_db()
    services.follow_up_record(
        suggestion=s,
        actor=items.handler,
        kind=FollowUp.Kind.VISIT,
        findings="走访代表，通报进展。",
        happened_on=on,
        when=at(on, 16),
    )


@pytest.fixture
def scenario(desks):
    """The small scenario whose assessment the tests recompute by hand (see test_assessment).

    A: a1 resolved on time, 满意; a2 正在解决 on time, visited within three months; a3
       resolved late, 不满意; a4 never replied (overdue on 2024-12-31).
    B: b1 resolved, 基本满意; b2 计划解决, never followed up; b3 计划解决, re-checked to
       resolved within three months. All on time.
    C: two items resolved on time: 样本不足.
    """
    a, b, c = desks["A"], desks["B"], desks["C"]
    a1 = a.replied(Outcome.RESOLVED, dt.date(2024, 3, 1), JAN)
    a.feedback(a1, Satisfaction.SATISFIED, dt.date(2024, 3, 10))
    a2 = a.replied(Outcome.IN_PROGRESS, dt.date(2024, 3, 1), JAN)
    visit(a, a2, dt.date(2024, 4, 15))
    a3 = a.replied(Outcome.RESOLVED, dt.date(2024, 5, 6), JAN)
    a.feedback(a3, Satisfaction.UNSATISFIED, dt.date(2024, 5, 10))
    a.assigned(JAN)
    b1 = b.replied(Outcome.RESOLVED, dt.date(2024, 2, 1), JAN)
    b.feedback(b1, Satisfaction.BASICALLY_SATISFIED, dt.date(2024, 2, 10))
    b.replied(Outcome.PLANNED, dt.date(2024, 2, 1), JAN)
    b3 = b.replied(Outcome.PLANNED, dt.date(2024, 2, 1), JAN)
    b.recheck(b3, dt.date(2024, 4, 1))
    c.replied(Outcome.RESOLVED, dt.date(2024, 2, 1), JAN)
    c.replied(Outcome.RESOLVED, dt.date(2024, 2, 1), JAN)
    return desks


def recheck_campaign(supervisor):
    """The third quarter of 2024's re-check campaign, due by the end of October."""
    from supervision import services as supervision

    return supervision.recheck_campaign_create(
        name="2024年三季度跟踪复查",
        period_start=dt.date(2024, 7, 1),
        period_end=dt.date(2024, 9, 30),
        due_on=dt.date(2024, 10, 31),
        actor=supervisor,
    )
