"""The handling domain of DESIGN §2–4, in four rooms; everything is importable from here.

    items.py     the item (Suggestion) and its vocabulary: kinds, states, outcomes, ratings
    handling.py  assignments and the return / extension requests with their decisions
    records.py   reply rounds, follow-ups, the outcome ledger, feedback, the timeline, exports
    calendar.py  the working-day calendar and the deadline policy

Rules live in suggestions/services/; these models hold fields, choices, constraints and
properties of their own row.
"""

from suggestions.models.calendar import CalendarDay, DeadlinePolicy
from suggestions.models.handling import (
    Assignment,
    ExtensionRequest,
    HandlingRequest,
    RequestStatus,
    ReturnRequest,
)
from suggestions.models.items import (
    ENDED_STATUSES,
    FOLLOW_UP_OUTCOMES,
    OPEN_STATUSES,
    Kind,
    Outcome,
    Satisfaction,
    Source,
    Status,
    Suggestion,
    Topic,
    suggestion_code,
)
from suggestions.models.records import Event, ExportLog, Feedback, FollowUp, OutcomeChange, Reply

__all__ = [
    "ENDED_STATUSES",
    "FOLLOW_UP_OUTCOMES",
    "OPEN_STATUSES",
    "Assignment",
    "CalendarDay",
    "DeadlinePolicy",
    "Event",
    "ExportLog",
    "ExtensionRequest",
    "Feedback",
    "FollowUp",
    "HandlingRequest",
    "Kind",
    "Outcome",
    "OutcomeChange",
    "Reply",
    "RequestStatus",
    "ReturnRequest",
    "Satisfaction",
    "Source",
    "Status",
    "Suggestion",
    "Topic",
    "suggestion_code",
]
