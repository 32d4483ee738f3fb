"""Writing the security audit log (DESIGN §13): `record` is the one way in.

Every event carries time, user, the client's address (through the configured number of
proxies, as the API's throttles count it), user agent, object and outcome.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db import connection
from django.db import transaction
from django.utils import timezone

from security.models import AuditEvent

Kind = AuditEvent.Kind
Outcome = AuditEvent.Outcome
MIN_RETENTION_DAYS = 180


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with N trusted proxies in front
    (`API_NUM_PROXIES`), the address the nearest trusted proxy saw. A forged
    X-Forwarded-For cannot choose the address a lockout or the log records."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        remote = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return None


def _describe(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, str):
        return "", "", obj[:300]
    meta = getattr(obj, "_meta", None)
    kind = f"{meta.app_label}.{meta.model_name}" if meta else type(obj).__name__
    return kind, str(getattr(obj, "pk", "") or ""), str(obj)[:300]


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    obj=None,
    outcome: str = Outcome.SUCCESS,
    detail: str = "",
) -> AuditEvent:
    """Write one event. Callers record after the action's own transaction has ended, so a
    refused action (rolled back) is still recorded."""
    if request is None:
        # Code without a request at hand (a signal from the admin) reads the one the
        # history middleware keeps for the current thread.
        from simple_history.models import HistoricalRecords

        request = getattr(HistoricalRecords.context, "request", None)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    object_type, object_id, object_repr = _describe(obj)
    event = AuditEvent(
        kind=kind,
        outcome=outcome,
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        detail=detail[:1000],
    )
    event.save()
    return event


def prune(*, older_than_days: int) -> int:
    """Delete events older than `older_than_days` (at least 180). On PostgreSQL the trigger
    lets a DELETE through only in a transaction that declares it is pruning, and only for
    rows past the minimum retention."""
    if older_than_days < MIN_RETENTION_DAYS:
        raise ValueError(f"审计日志至少保存{MIN_RETENTION_DAYS}天，不能清理更近的记录。")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL suggestions.audit_prune = 'on'")
        deleted, _ = AuditEvent.objects.filter(occurred_at__lt=cutoff)._prune()
    return deleted
