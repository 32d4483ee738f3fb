"""A deputy's phone number in full (DESIGN §13): only for the office and for the
departments handling that deputy's items, one item at a time, and every reveal audited.
Everywhere else (lists, the API's deputies, the supervisor's pages) it is masked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from departments import roles
from departments.models import User
from security import audit
from suggestions.models import Suggestion

REFUSED = "只有区政府办公室和承办该代表建议的单位可以查看完整电话号码。"


def lead_deputy_phone_reveal(*, suggestion: Suggestion, actor: User, request=None) -> str:
    """The full number of the item's lead deputy, recorded in the audit log."""
    if not roles.may_reveal_phone_numbers(actor):
        raise PermissionDenied(REFUSED)
    deputy = suggestion.lead_deputy
    audit.record(
        audit.Kind.PHONE_REVEAL,
        request=request,
        user=actor,
        obj=deputy,
        detail=f"经由建议{suggestion.code}查看领衔代表电话",
    )
    return deputy.phone
