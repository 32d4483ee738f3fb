"""Supervision — 跟踪记录 `follow_up_record`, 重点督办 `suggestion_set_key_supervision`: the
refusals word for word (who may call them from which state is in test_matrix.py).
"""

from __future__ import annotations

import datetime as dt

from suggestions import services
from suggestions.models import FollowUp
from suggestions.models import Outcome
from tests.conftest import at
from tests.suggestions.services.helpers import ASSIGNED
from tests.suggestions.services.helpers import IN_PROGRESS
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import REPLIED
from tests.suggestions.services.helpers import assert_refused


def test_follow_up_kinds_are_limited_by_role(journey):
    s = journey.to(REPLIED)
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=journey.lead_handler,
            kind=FollowUp.Kind.SUPERVISION,
            findings="督办。",
            when=at(LATER),
        ),
        s.pk,
        "承办单位不能登记“督办”记录",
    )
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=journey.lead_handler,
            kind=FollowUp.Kind.VISIT,
            findings="走访。",
            new_outcome=Outcome.RESOLVED,
            when=at(LATER),
        ),
        s.pk,
        "只有跟踪复查可以变更办理结果",
    )


def test_a_follow_up_on_a_draft_is_refused(journey):
    s = journey.draft()
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=journey.office,
            kind=FollowUp.Kind.SUPERVISION,
            findings="督办。",
            when=at(LATER),
        ),
        s.pk,
        "建议尚未交办，不能登记跟踪记录",
    )


def test_a_recheck_before_any_reply_is_refused(journey, supervisor):
    s = journey.to(IN_PROGRESS)
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=supervisor,
            kind=FollowUp.Kind.RECHECK,
            findings="复查。",
            when=at(LATER),
        ),
        s.pk,
        "建议尚未办复，不能跟踪复查",
    )


def test_a_recheck_to_the_same_outcome_or_dated_before_the_reply_is_refused(journey, supervisor):
    s = journey.to(REPLIED)  # outcome 计划解决, replied 2024-03-01
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=supervisor,
            kind=FollowUp.Kind.RECHECK,
            findings="复查。",
            new_outcome=Outcome.PLANNED,
            when=at(LATER),
        ),
        s.pk,
        "办理结果已是“计划解决”，无需变更",
    )
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=supervisor,
            kind=FollowUp.Kind.RECHECK,
            findings="复查。",
            new_outcome=Outcome.RESOLVED,
            happened_on=dt.date(2024, 2, 29),
            when=at(LATER),
        ),
        s.pk,
        "复查日期不能早于最近一次办理结果的日期（2024-03-01）",
    )


def test_setting_key_supervision_twice_is_refused(journey, supervisor):
    s = journey.to(ASSIGNED)
    services.suggestion_set_key_supervision(
        suggestion=s, actor=supervisor, key_supervision=True, when=at(LATER)
    )
    assert_refused(
        lambda: services.suggestion_set_key_supervision(
            suggestion=s, actor=supervisor, key_supervision=True, when=at(LATER)
        ),
        s.pk,
        "该建议已是重点督办件",
    )
