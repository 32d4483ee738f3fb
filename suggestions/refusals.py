"""An item asked for by someone who may not see it answers 404, as if it did not exist
(DESIGN §1); the attempt is still a permission refusal for the security audit log (§13)."""

from __future__ import annotations

from security import audit
from suggestions.models import Suggestion


def record_hidden_item(request, pk) -> None:
    """Audit a request for an existing item outside the user's read gate (a missing one
    is an ordinary 404, not recorded)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return
    item = Suggestion.objects.filter(pk=pk).only("pk", "year", "kind", "number", "part_no").first()
    if item is None:
        return
    audit.record(
        audit.Kind.PERMISSION_REFUSED,
        request=request,
        obj=f"建议{item.code}",
        outcome=audit.Outcome.REFUSED,
        detail=f"请求不可见的建议：{request.method} {request.get_full_path()[:800]}",
    )
