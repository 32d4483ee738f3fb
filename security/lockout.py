"""Failed-login counting and locks (DESIGN §13), in the database so every server process
sees the same counts: LOGIN_MAX_FAILURES for one account within LOGIN_FAILURE_WINDOW_MINUTES
lock it for LOGIN_LOCKOUT_MINUTES; ADDRESS_MAX_FAILURES from one address block the address
for as long."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from security import audit
from security.models import AccessLock
from security.models import LoginFailure

Lock = AccessLock.Kind


def _normal(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def is_locked(username: str, address: str | None) -> bool:
    """Is the account locked or the address blocked now?"""
    held = Q(kind=Lock.ACCOUNT, key=_normal(username))
    if address:
        held |= Q(kind=Lock.ADDRESS, key=address)
    return AccessLock.objects.filter(held, until__gt=timezone.now()).exists()


def _lock(kind: str, key: str, now: dt.datetime, request) -> None:
    until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    try:
        with transaction.atomic():
            lock, created = AccessLock.objects.get_or_create(
                kind=kind, key=key, defaults={"until": until}
            )
            if not created and lock.until > now:
                return  # already locked by a concurrent failure
            if not created:
                lock.until, lock.locked_at = until, now
                lock.save(update_fields=["until", "locked_at"])
    except IntegrityError:
        return  # another process created the same lock a moment ago
    event = audit.Kind.LOCKOUT if kind == Lock.ACCOUNT else audit.Kind.ADDRESS_BLOCK
    audit.record(
        event,
        request=request,
        username=key if kind == Lock.ACCOUNT else "",
        obj=f"{AccessLock.Kind(kind).label}{key}",
        outcome=audit.Outcome.REFUSED,
        detail=f"锁定至{timezone.localtime(until):%Y-%m-%d %H:%M}",
    )


def record_failure(username: str, address: str | None, request=None) -> None:
    """Count one failure; lock the account or block the address when it reaches the limit."""
    username = _normal(username)
    LoginFailure.objects.create(username=username, address=address)
    now = timezone.now()
    since = _window_start(now)
    recent = LoginFailure.objects.filter(occurred_at__gte=since)
    if username and recent.filter(username=username).count() >= settings.LOGIN_MAX_FAILURES:
        _lock(Lock.ACCOUNT, username, now, request)
    if address and recent.filter(address=address).count() >= settings.ADDRESS_MAX_FAILURES:
        _lock(Lock.ADDRESS, address, now, request)


def clear_failures(username: str) -> None:
    """A successful login starts the account's count again."""
    LoginFailure.objects.filter(username=_normal(username)).delete()


def unlock(lock: AccessLock, *, actor, request=None) -> None:
    """The 安全管理员 lifts a lock; the account's (or address's) failures are forgotten."""
    if lock.kind == Lock.ACCOUNT:
        LoginFailure.objects.filter(username=lock.key).delete()
    else:
        LoginFailure.objects.filter(address=lock.key).delete()
    description = str(lock)
    lock.delete()
    audit.record(audit.Kind.UNLOCK, request=request, user=actor, obj=description)


def active_locks():
    return AccessLock.objects.filter(until__gt=timezone.now()).order_by("-locked_at")
