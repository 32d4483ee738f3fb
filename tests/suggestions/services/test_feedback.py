"""Feedback — 代表反馈 `feedback_record`, 办结 `suggestion_close`: the refusals word for word
and what an allowed call writes (who may call them from which state is in test_matrix.py).
"""

from __future__ import annotations

import datetime as dt

from suggestions import services
from suggestions.models import Satisfaction
from tests.conftest import at
from tests.suggestions.services.helpers import DRAFT
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import REPLIED
from tests.suggestions.services.helpers import REPLIED_ON
from tests.suggestions.services.helpers import REWORK
from tests.suggestions.services.helpers import assert_refused


def test_unsatisfied_feedback_without_a_comment_is_refused(journey):
    s = journey.to(REPLIED)
    assert_refused(
        lambda: services.feedback_record(
            suggestion=s,
            actor=journey.office,
            satisfaction=Satisfaction.UNSATISFIED,
            comment="  ",
            when=at(LATER),
        ),
        s.pk,
        "代表不满意时，请记录代表的具体意见",
    )


def test_feedback_dated_before_the_reply_is_refused(journey):
    s = journey.to(REPLIED)
    assert_refused(
        lambda: services.feedback_record(
            suggestion=s,
            actor=journey.office,
            satisfaction=Satisfaction.SATISFIED,
            received_on=REPLIED_ON - dt.timedelta(days=1),
            when=at(LATER),
        ),
        s.pk,
        "反馈日期不能早于2024-03-01",
    )


def test_unsatisfied_feedback_opens_rework_due_one_calendar_month_later(journey):
    s = journey.to(REPLIED)
    services.feedback_record(
        suggestion=s,
        actor=journey.office,
        satisfaction=Satisfaction.UNSATISFIED,
        comment="未见实际进展。",
        received_on=dt.date(2024, 3, 31),
        when=at(dt.date(2024, 4, 2)),
    )
    s.refresh_from_db()
    assert s.status == REWORK
    assert s.due_on == dt.date(2024, 4, 30)  # 31 March + 1 month clamps to 30 April


def test_a_wrong_state_names_the_states_allowed(journey):
    s = journey.to(DRAFT)
    assert_refused(
        lambda: services.suggestion_close(
            suggestion=s, actor=journey.office, reason="no_feedback", when=at(LATER)
        ),
        s.pk,
        "该建议当前状态为“待交办”，不能办结（仅限“已答复”状态）",
    )
