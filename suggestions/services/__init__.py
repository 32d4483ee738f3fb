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
    grouping.py     并案 and 分办: merge, un-merge, split, and `keeps_groups`, which
                    wraps every handling service below so merged and split items follow

A service imported from its module directly is not wrapped: call them through this package.
"""

from suggestions.services._steps import ItemState as ItemState
from suggestions.services._steps import VersionConflict
from suggestions.services._steps import version_conflict as version_conflict
from suggestions.services.assignment import assignment_acknowledge as _assignment_acknowledge
from suggestions.services.assignment import extension_decide as _extension_decide
from suggestions.services.assignment import extension_request as _extension_request
from suggestions.services.assignment import return_decide as _return_decide
from suggestions.services.assignment import return_request as _return_request
from suggestions.services.assignment import suggestion_assign as _suggestion_assign
from suggestions.services.assignment import suggestion_reassign as _suggestion_reassign
from suggestions.services.feedback import feedback_record as _feedback_record
from suggestions.services.feedback import suggestion_close as _suggestion_close
from suggestions.services.grouping import SplitPart as SplitPart
from suggestions.services.grouping import keeps_groups
from suggestions.services.grouping import suggestion_split
from suggestions.services.grouping import suggestion_unmerge
from suggestions.services.grouping import suggestions_merge
from suggestions.services.intake import EDITABLE_FIELDS as EDITABLE_FIELDS
from suggestions.services.intake import NewSuggestion as NewSuggestion
from suggestions.services.intake import suggestion_create
from suggestions.services.intake import suggestion_update
from suggestions.services.intake import suggestion_void
from suggestions.services.intake import suggestions_bulk_create
from suggestions.services.intake import validate_suggestion_fields as validate_suggestion_fields
from suggestions.services.reply import co_opinion_submit as _co_opinion_submit
from suggestions.services.reply import reply_submit as _reply_submit
from suggestions.services.review import reply_countersign as _reply_countersign
from suggestions.services.review import reply_countersigned_submit as _reply_countersigned_submit
from suggestions.services.review import reply_draft_submit as _reply_draft_submit
from suggestions.services.review import reply_review as _reply_review
from suggestions.services.rules import ACTION_CHECKS as ACTION_CHECKS
from suggestions.services.rules import available_actions as available_actions
from suggestions.services.rules import follow_up_kinds as follow_up_kinds
from suggestions.services.supervision import follow_up_record as _follow_up_record
from suggestions.services.supervision import (
    suggestion_set_key_supervision as _suggestion_set_key_supervision,
)

assignment_acknowledge = keeps_groups(_assignment_acknowledge)
extension_decide = keeps_groups(_extension_decide)
extension_request = keeps_groups(_extension_request)
return_decide = keeps_groups(_return_decide)
return_request = keeps_groups(_return_request)
suggestion_assign = keeps_groups(_suggestion_assign)
suggestion_reassign = keeps_groups(_suggestion_reassign)
feedback_record = keeps_groups(_feedback_record)
suggestion_close = keeps_groups(_suggestion_close)
co_opinion_submit = keeps_groups(_co_opinion_submit)
reply_submit = keeps_groups(_reply_submit)
reply_countersign = keeps_groups(_reply_countersign)
reply_countersigned_submit = keeps_groups(_reply_countersigned_submit)
reply_draft_submit = keeps_groups(_reply_draft_submit)
reply_review = keeps_groups(_reply_review)
follow_up_record = keeps_groups(_follow_up_record)
suggestion_set_key_supervision = keeps_groups(_suggestion_set_key_supervision)

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
    "suggestion_split",
    "suggestion_unmerge",
    "suggestion_update",
    "suggestion_void",
    "suggestions_bulk_create",
    "suggestions_merge",
]
