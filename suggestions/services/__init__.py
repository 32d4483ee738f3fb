"""Every transition of an item's life (DESIGN §3), one function each, by stage.

Each service is keyword-only and atomic: it locks the item, refuses a stale version,
checks who may act and from which state, changes the records, writes the timeline event
and leaves a history row with the actor. A refusal raises ValidationError with a Chinese
message and changes nothing. Views, the API, the admin, imports and commands all call these
as `services.<name>`.

    _steps.py       the shared steps: _lock with the version check, refusals, ItemState,
                    _save (version, timeline event, history)
    rules.py        one _check_* per action, ACTION_CHECKS and available_actions: what
                    the services enforce and what the pages and the API offer
    intake.py       register (one, or many in bulk), edit, void
    assignment.py   assign, re-assign, acknowledge, return and extension requests
    reply.py        co-handling opinions, replies and the outcome ledger
    review.py       the reply draft under countersign and the office's review (§11)
    feedback.py     the deputy's rating, closing
    supervision.py  follow-up records, re-checks, key supervision
"""

from suggestions.services._steps import ItemState as ItemState
from suggestions.services._steps import VersionConflict
from suggestions.services._steps import version_conflict as version_conflict
from suggestions.services.assignment import assignment_acknowledge
from suggestions.services.assignment import extension_decide
from suggestions.services.assignment import extension_request
from suggestions.services.assignment import return_decide
from suggestions.services.assignment import return_request
from suggestions.services.assignment import suggestion_assign
from suggestions.services.assignment import suggestion_reassign
from suggestions.services.feedback import feedback_record
from suggestions.services.feedback import suggestion_close
from suggestions.services.intake import EDITABLE_FIELDS as EDITABLE_FIELDS
from suggestions.services.intake import NewSuggestion as NewSuggestion
from suggestions.services.intake import suggestion_create
from suggestions.services.intake import suggestion_update
from suggestions.services.intake import suggestion_void
from suggestions.services.intake import suggestions_bulk_create
from suggestions.services.intake import validate_suggestion_fields as validate_suggestion_fields
from suggestions.services.reply import co_opinion_submit
from suggestions.services.reply import reply_submit
from suggestions.services.review import reply_countersign
from suggestions.services.review import reply_countersigned_submit
from suggestions.services.review import reply_draft_submit
from suggestions.services.review import reply_review
from suggestions.services.rules import ACTION_CHECKS as ACTION_CHECKS
from suggestions.services.rules import available_actions as available_actions
from suggestions.services.rules import follow_up_kinds as follow_up_kinds
from suggestions.services.supervision import follow_up_record
from suggestions.services.supervision import suggestion_set_key_supervision

__all__ = [
    "VersionConflict",
    "assignment_acknowledge",
    "co_opinion_submit",
    "extension_decide",
    "extension_request",
    "feedback_record",
    "follow_up_record",
    "reply_countersign",
    "reply_countersigned_submit",
    "reply_draft_submit",
    "reply_review",
    "reply_submit",
    "return_decide",
    "return_request",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_create",
    "suggestion_reassign",
    "suggestion_set_key_supervision",
    "suggestion_update",
    "suggestion_void",
    "suggestions_bulk_create",
]
