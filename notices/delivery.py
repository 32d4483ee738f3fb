"""Sending the deliveries: what the worker's task (and `send_reminders --sync`) runs.

A delivery is claimed by a conditional update (status and attempt count unchanged), so two
workers never send the same one; it is sent outside any transaction; a failure is kept
(`last_error`) and retried after an exponential back-off, until MAX_ATTEMPTS, when it is
marked failed for the admin to see.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import F
from django.utils import timezone

from notices import channels
from notices.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60
LONGEST_RETRY_SECONDS = 6 * 3600
# While one worker sends, the row waits this long before another may claim it again.
LEASE_SECONDS = 300
BATCH = 200


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return dt.timedelta(
        seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS)
    )


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS))
    delivery.attempts += 1
    return claimed == 1


def attempt(delivery: Delivery, *, now: dt.datetime | None = None) -> bool:
    """Send one delivery; True when sent."""
    now = now or timezone.now()
    if not _claim(delivery, now):
        return False
    try:
        channels.send(delivery)
    except Exception as exc:
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            next_attempt_at=timezone.now() + backoff(delivery.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def deliver_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> dict:
    """Send the pending deliveries whose time has come; returns counts and the earliest
    time a retry waits for (None when nothing waits)."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .select_related("notification__suggestion", "notification__draft")
        .order_by("next_attempt_at", "id")[:limit]
    )
    sent = failed = 0
    for delivery in due:
        if attempt(delivery, now=now):
            sent += 1
        else:
            failed += 1
    waiting = (
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return {"sent": sent, "failed": failed, "next_attempt_at": waiting}
