"""Starting states for the service tests, and the check that a refusal changes nothing.

The states are built through the services (see `build`), on the journey's dates:
assigned 2024-02-01 (lead + one co department), lead acknowledged 2024-02-02, co opinion
2024-02-20, reply (outcome 计划解决) 2024-03-01, feedback 2024-03-10.

    draft        registered, not assigned
    assigned     assigned, nobody has signed for it
    in_progress  the lead has signed for it and the co department has sent its opinion
                 (so it is ready for the reply; the opinion also signs the co assignment)
    replied      first reply given
    rework       the deputy was 不满意
    closed       the deputy was 满意
    voided       作废 by the office on 2024-03-15, while in progress (its pending requests
                 lapsed with it)

The calls under test happen on 2024-03-20 (LATER), except return requests, which must be
within the return window (5 working days after 2024-02-01 = 2024-02-07), so on 2024-02-05.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import Assignment
from suggestions.models import Countersign
from suggestions.models import Event
from suggestions.models import ExtensionRequest
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import ReplyDraft
from suggestions.models import ReturnRequest
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.conftest import ASSIGNED_ON
from tests.conftest import at
from tests.conftest import promise

ACK_ON = dt.date(2024, 2, 2)
IN_WINDOW = dt.date(2024, 2, 5)  # inside the return window (ends 2024-02-07)
CO_OPINION_ON = dt.date(2024, 2, 20)
REPLIED_ON = dt.date(2024, 3, 1)
FEEDBACK_ON = dt.date(2024, 3, 10)
LATER = dt.date(2024, 3, 20)
EXTEND_TO = dt.date(2024, 6, 1)  # current due 2024-05-01; the limit is 2024-08-01

DRAFT = Status.DRAFT
ASSIGNED = Status.ASSIGNED
IN_PROGRESS = Status.IN_PROGRESS
REPLIED = Status.REPLIED
REWORK = Status.REWORK
CLOSED = Status.CLOSED
VOIDED = Status.VOIDED
VOIDED_ON = dt.date(2024, 3, 15)


# ---------------------------------------------------------------------------------------
# Building a starting state through the services


def _make_request(kind: str, s: Suggestion, lead_handler, when_day: dt.date):
    if kind == "return":
        return services.return_request(
            suggestion=s, actor=lead_handler, reason="不属于本单位职责。", when=at(when_day)
        )
    return services.extension_request(
        suggestion=s,
        actor=lead_handler,
        requested_due_on=EXTEND_TO,
        reason="涉及多部门协调。",
        when=at(when_day),
    )


def build(journey, status: str, *, pending: str | None = None):
    """An item in `status`, and a pending return/extension request when asked for one.

    The request is made by the lead on an assigned or in-progress item (2024-02-05) and
    stays pending while the item moves on.
    """
    s = journey.draft()
    request = None
    if status == DRAFT:
        assert pending is None
        return s, None
    services.suggestion_assign(
        suggestion=s,
        lead=journey.lead_department,
        co_departments=[journey.co_department],
        actor=journey.office,
        assigned_on=ASSIGNED_ON,
        when=at(ASSIGNED_ON),
    )
    if status == ASSIGNED:
        if pending:
            request = _make_request(pending, s, journey.lead_handler, IN_WINDOW)
        return Suggestion.objects.get(pk=s.pk), request
    services.assignment_acknowledge(suggestion=s, actor=journey.lead_handler, when=at(ACK_ON))
    if pending:
        request = _make_request(pending, s, journey.lead_handler, IN_WINDOW)
    services.co_opinion_submit(
        suggestion=s, actor=journey.co_handler, opinion="同意主办单位意见。", when=at(CO_OPINION_ON)
    )
    if status == IN_PROGRESS:
        return Suggestion.objects.get(pk=s.pk), request
    if status == VOIDED:
        services.suggestion_void(
            suggestion=s, actor=journey.office, reason="重复登记。", when=at(VOIDED_ON)
        )
        return Suggestion.objects.get(pk=s.pk), request
    services.reply_submit(
        suggestion=s,
        actor=journey.lead_handler,
        outcome=Outcome.PLANNED,
        text="已列入明年计划。",
        replied_on=REPLIED_ON,
        promised_on=promise(Outcome.PLANNED, REPLIED_ON),
        when=at(REPLIED_ON),
    )
    if status == REPLIED:
        return Suggestion.objects.get(pk=s.pk), request
    unsatisfied = status == REWORK
    services.feedback_record(
        suggestion=s,
        actor=journey.office,
        satisfaction=Satisfaction.UNSATISFIED if unsatisfied else Satisfaction.SATISFIED,
        comment="希望加快进度。" if unsatisfied else "",
        received_on=FEEDBACK_ON,
        when=at(FEEDBACK_ON),
    )
    s = Suggestion.objects.get(pk=s.pk)
    assert s.status == status
    return s, request


def reply_resolved(journey, s: Suggestion, replied_on: dt.date = LATER):
    """The lead's plain 已经解决 reply, called on LATER."""
    return services.reply_submit(
        suggestion=s,
        actor=journey.lead_handler,
        outcome=Outcome.RESOLVED,
        text="已解决。",
        replied_on=replied_on,
        when=at(LATER),
    )


# ---------------------------------------------------------------------------------------
# What a service may write, and a refusal that must leave it unchanged


def snapshot(pk: int) -> dict:
    """Everything a service may write, read back from the database."""
    s = Suggestion.objects.get(pk=pk)
    return {
        "status": s.status,
        "version": s.version,
        "title": s.title,
        "key_supervision": s.key_supervision,
        "due_on": s.due_on,
        "reply_due_on": s.reply_due_on,
        "outcome": s.outcome,
        "satisfaction": s.satisfaction,
        "events": Event.objects.filter(suggestion_id=pk).count(),
        "history": Suggestion.history.filter(id=pk).count(),
        "suggestions": Suggestion.objects.count(),
        "assignments": list(
            Assignment.objects.filter(suggestion_id=pk)
            .order_by("pk")
            .values_list(
                "department_id",
                "role",
                "is_active",
                "acknowledged_at",
                "opinion",
                "extended_due_on",
            )
        ),
        "assignment_history": Assignment.history.count(),
        "replies": Reply.objects.count(),
        "reply_drafts": list(ReplyDraft.objects.order_by("pk").values_list("pk", "stage")),
        "countersigns": Countersign.objects.count(),
        "feedbacks": Feedback.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "outcome_changes": OutcomeChange.objects.count(),
        "return_requests": list(ReturnRequest.objects.order_by("pk").values_list("pk", "status")),
        "extension_requests": list(
            ExtensionRequest.objects.order_by("pk").values_list("pk", "status")
        ),
    }


def assert_refused(fn, pk: int, message: str) -> ValidationError:
    before = snapshot(pk)
    with pytest.raises(ValidationError) as info:
        fn()
    assert message in " ".join(info.value.messages)
    assert snapshot(pk) == before
    return info.value
