"""The queue (django-tasks, database backend): one task drains the pending deliveries and,
when some wait for a retry, schedules itself again for then."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks import task

from notices.delivery import deliver_due

logger = logging.getLogger(__name__)


@task()
def deliver_pending() -> dict:
    result = deliver_due()
    waiting = result["next_attempt_at"]
    if waiting is not None and result["failed"] and default_task_backend.supports_defer:
        deliver_pending.using(run_after=max(waiting, timezone.now())).enqueue()
    return {"sent": result["sent"], "failed": result["failed"]}
