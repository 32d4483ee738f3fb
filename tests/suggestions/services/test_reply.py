"""Reply — 会办意见 `co_opinion_submit`, 办复 `reply_submit`: the refusals word for word (who
may call them from which state is in test_matrix.py).
"""

from __future__ import annotations

import datetime as dt

from suggestions import services
from suggestions.models import Outcome
from tests.conftest import ASSIGNED_ON
from tests.conftest import at
from tests.suggestions.services.helpers import ASSIGNED
from tests.suggestions.services.helpers import IN_PROGRESS
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import REWORK
from tests.suggestions.services.helpers import assert_refused
from tests.suggestions.services.helpers import build
from tests.suggestions.services.helpers import reply_resolved


def test_empty_co_opinion_is_refused(journey):
    s = journey.to(ASSIGNED)
    assert_refused(
        lambda: services.co_opinion_submit(
            suggestion=s, actor=journey.co_handler, opinion="  ", when=at(LATER)
        ),
        s.pk,
        "请填写会办意见",
    )


def test_reply_before_the_co_opinion_is_refused(journey):
    s = journey.to(IN_PROGRESS)  # the journey's in-progress item has no co opinion yet
    assert_refused(
        lambda: reply_resolved(journey, s, LATER),
        s.pk,
        f"会办单位{journey.co_department.name}尚未提交会办意见",
    )


def test_reply_before_acknowledging_is_refused(journey):
    s = journey.to(ASSIGNED)
    assert_refused(
        lambda: reply_resolved(journey, s, LATER),
        s.pk,
        "请先签收该建议，再答复代表",
    )


def test_reply_dated_in_the_future_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: reply_resolved(journey, s, LATER + dt.timedelta(days=1)),
        s.pk,
        "答复日期不能晚于今天（2024-03-20）",
    )


def test_reply_dated_before_the_assignment_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: reply_resolved(journey, s, ASSIGNED_ON - dt.timedelta(days=1)),
        s.pk,
        "答复日期不能早于2024-02-01",
    )


def test_reply_without_an_outcome_or_text_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s, actor=journey.lead_handler, outcome="", text="已解决。", when=at(LATER)
        ),
        s.pk,
        "请选择办理结果",
    )
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="   ",
            when=at(LATER),
        ),
        s.pk,
        "请填写答复内容",
    )


def test_reply_by_the_co_department_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.co_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            when=at(LATER),
        ),
        s.pk,
        "您所在单位不是该建议的主办单位，不能答复代表",
    )


def test_a_rework_reply_cannot_be_dated_before_the_feedback_that_opened_the_rework(journey):
    """Feedback (不满意) is dated 2024-03-10, after the first reply of 2024-03-01.

    The second-round reply answers that feedback, so it cannot be dated before it (every
    other date in the life is checked against the record it follows: feedback ≥ reply,
    reply ≥ previous reply or assignment, re-check ≥ last outcome). Otherwise the outcome
    ledger shows the round-2 outcome in force on 2024-03-05, before the deputy had rated
    round 1.
    """
    s = journey.to(REWORK)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已重新办理。",
            replied_on=dt.date(2024, 3, 5),
            when=at(LATER),
        ),
        s.pk,
        "答复日期不能早于",
    )
