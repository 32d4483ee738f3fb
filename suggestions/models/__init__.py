"""The handling domain of DESIGN §2–4, in four rooms; everything is importable from here.

    items.py     the item (Suggestion) and its vocabulary: kinds, states, outcomes, ratings
    handling.py  assignments and the return / extension requests with their decisions
    records.py   reply rounds, follow-ups and their evidence files, the outcome ledger,
                 feedback, the timeline, exports
    calendar.py  the working-day calendar and the deadline policy
    preferences.py  what a user keeps for itself (its saved list filters)
    review.py    the handling switches, the reply draft under countersign / review (§11)

Rules live in suggestions/services/; these models hold fields, choices, constraints and
properties of their own row.
"""

from suggestions.models.calendar import CalendarDay
from suggestions.models.calendar import DeadlinePolicy
from suggestions.models.handling import Assignment
from suggestions.models.handling import ExtensionRequest
from suggestions.models.handling import HandlingRequest
from suggestions.models.handling import RequestStatus
from suggestions.models.handling import ReturnRequest
from suggestions.models.items import ENDED_STATUSES
from suggestions.models.items import FOLLOW_UP_OUTCOMES
from suggestions.models.items import OPEN_STATUSES
from suggestions.models.items import TO_ASSIGN
from suggestions.models.items import TO_RATE
from suggestions.models.items import WORKED
from suggestions.models.items import Kind
from suggestions.models.items import Outcome
from suggestions.models.items import Satisfaction
from suggestions.models.items import Source
from suggestions.models.items import Status
from suggestions.models.items import Suggestion
from suggestions.models.items import Topic
from suggestions.models.items import suggestion_code
from suggestions.models.preferences import SavedFilter
from suggestions.models.records import CloseReason
from suggestions.models.records import Event
from suggestions.models.records import ExportLog
from suggestions.models.records import Feedback
from suggestions.models.records import FollowUp
from suggestions.models.records import FollowUpEvidence
from suggestions.models.records import OutcomeChange
from suggestions.models.records import Reply
from suggestions.models.records import replies_answering
from suggestions.models.review import Countersign
from suggestions.models.review import HandlingPolicy
from suggestions.models.review import ReplyDraft

__all__ = [
    "replies_answering",
    "SavedFilter",
    "CloseReason",
    "ENDED_STATUSES",
    "FOLLOW_UP_OUTCOMES",
    "OPEN_STATUSES",
    "TO_ASSIGN",
    "TO_RATE",
    "WORKED",
    "Assignment",
    "CalendarDay",
    "Countersign",
    "DeadlinePolicy",
    "Event",
    "ExportLog",
    "ExtensionRequest",
    "Feedback",
    "FollowUp",
    "HandlingPolicy",
    "FollowUpEvidence",
    "HandlingRequest",
    "Kind",
    "Outcome",
    "OutcomeChange",
    "Reply",
    "ReplyDraft",
    "RequestStatus",
    "ReturnRequest",
    "Satisfaction",
    "Source",
    "Status",
    "Suggestion",
    "Topic",
    "suggestion_code",
]
