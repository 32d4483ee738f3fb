"""/healthz: what a load balancer asks before it sends users to this server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.models import get_date_max

from config import health
from notices.tasks import deliver_pending


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


def test_healthy_without_login_and_over_plain_http(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "queue": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_the_migration_graph_is_read_once_per_process(client, db):
    client.get("/healthz")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/healthz").status_code == 200
    assert len(ctx.captured_queries) == 2  # SELECT 1, the late tasks


def test_a_missing_migration_fails(client, db, monkeypatch):
    class Executor:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

        def migration_plan(self, targets):
            return [("notices", False), ("suggestions", False)]

    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == (
        "有2个数据库迁移尚未执行（python manage.py migrate）"
    )


def test_a_queue_nobody_drains_fails_a_retry_waiting_its_turn_does_not(client, settings, db):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = deliver_pending.enqueue()
    row = DBTaskResult.objects.get(id=result.id)
    assert client.get("/healthz").status_code == 200
    now = timezone.now()
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=now - dt.timedelta(minutes=30), run_after=now + dt.timedelta(minutes=5)
    )
    assert client.get("/healthz").status_code == 200
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=get_date_max())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == (
        "任务队列无人处理：最早的任务已等待30分钟（检查 db_worker 是否在运行）"
    )


def test_a_database_that_cannot_answer_fails(client, db, monkeypatch):
    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "检查失败：OSError"
