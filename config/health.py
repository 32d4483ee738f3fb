"""`/healthz` for load balancers and monitoring (DESIGN §14): 200 when this server can do its
work, 503 with the failing checks otherwise. No login, no session, nothing personal.

- database: a round trip (`SELECT 1`);
- migrations: none of the code's migrations is missing from the database (answered from
  the migration graph once per process after it has passed: migrations only change with a
  deploy, which restarts the process);
- queue: the task queue is being drained — no task has waited longer than
  HEALTH_QUEUE_MAX_WAIT seconds (a stopped worker leaves notices unsent).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
_migrated = False


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return ""


def _migrations() -> str:
    global _migrated
    if _migrated:
        return ""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"有{len(plan)}个数据库迁移尚未执行（python manage.py migrate）"
    _migrated = True
    return ""


def _queue() -> str:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.models import get_date_max

    now = timezone.now()
    limit = now - dt.timedelta(seconds=settings.HEALTH_QUEUE_MAX_WAIT)
    # Ready to run for longer than the limit (a retry waiting for its back-off is not late).
    # (django-tasks-db writes the largest date as run_after for "as soon as possible".)
    asap = get_date_max()
    late = DBTaskResult.objects.filter(
        Q(run_after=asap, enqueued_at__lt=limit) | Q(run_after__lt=limit),
        status=TaskResultStatus.READY,
    )
    oldest = late.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if oldest is None:
        return ""
    waiting_since = oldest[0] if oldest[1] == asap else max(oldest)
    minutes = int((now - waiting_since).total_seconds() // 60)
    return f"任务队列无人处理：最早的任务已等待{minutes}分钟（检查 db_worker 是否在运行）"


CHECKS = {"database": _database, "migrations": _migrations, "queue": _queue}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    failed = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:  # a check that cannot run is a failed check
            logger.exception("health check %s failed", name)
            problem = f"检查失败：{exc.__class__.__name__}"
        if problem:
            failed[name] = problem
            if name == "database":
                break
    body = {"status": "fail" if failed else "ok", "checks": dict.fromkeys(CHECKS, "ok") | failed}
    return JsonResponse(
        body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False}
    )
