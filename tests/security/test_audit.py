"""The security audit log (DESIGN §13): each event written by the action that causes it,
with time, user, address, user agent, object and outcome; append-only through the ORM, the
admin and (on PostgreSQL) raw SQL; kept at least 180 days; read by the 审计管理员 alone."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.db import connection
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from security import audit
from security.models import AuditEvent
from tests.factories import UserFactory
from tests.factories import office_user
from tests.security.conftest import PASSWORD

AGENT = "Mozilla/5.0 (审计测试)"


def kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


def test_login_logout_and_failure_carry_address_agent_and_outcome(client, db):
    office_user(username="clerk")
    client.post(
        reverse("login"),
        {"username": "clerk", "password": "wrong-password"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT=AGENT,
    )
    client.post(
        reverse("login"),
        {"username": "clerk", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT=AGENT,
    )
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT=AGENT)
    failed, login, logout = AuditEvent.objects.order_by("id")
    assert (failed.kind, failed.outcome, failed.username) == ("login_failed", "failure", "clerk")
    assert (login.kind, login.outcome) == ("login", "success")
    assert logout.kind == "logout"
    for event in (failed, login, logout):
        assert event.address == "10.1.2.3"
        assert event.user_agent == AGENT
        assert event.occurred_at is not None


def test_the_address_comes_through_the_configured_proxies(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client.post(
        reverse("login"),
        {"username": "x", "password": "y"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEvent.objects.get().address == "203.0.113.9"


def test_a_permission_refusal_is_recorded(client, lead_handler):
    client.force_login(lead_handler)
    assert client.get(reverse("reports:report")).status_code == 403
    event = AuditEvent.objects.get(kind="permission_refused")
    assert event.outcome == "refused"
    assert event.username == lead_handler.username
    assert reverse("reports:report") in event.object_repr


def test_token_issue_and_revoke(db):
    office_user(username="robot")
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "robot", "password": PASSWORD})
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert [t["id"] for t in api.get("/api/v1/auth/tokens/").json()]
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/auth/tokens/").status_code == 401
    assert kinds()[-2:] == ["token_issue", "token_revoke"]


def test_a_user_revokes_its_own_tokens_in_the_page(client, db):
    from config.api_auth import token_issue

    user = office_user(username="owner")
    other = office_user(username="other")
    _, mine = token_issue(user)
    _, theirs = token_issue(other)
    client.force_login(user)
    assert f"#{mine.pk}" in client.get(reverse("security:tokens")).content.decode()
    assert client.post(reverse("security:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("security:token_revoke", args=[mine.pk])).status_code == 302
    assert AuditEvent.objects.filter(kind="token_revoke", username="owner").exists()


def test_an_export_is_recorded(client, office):
    client.force_login(office)
    assert client.get(reverse("excel:export")).status_code == 200
    event = AuditEvent.objects.get(kind="export")
    assert event.username == office.username and "行" in event.detail


def test_the_superuser_is_break_glass_and_admin_actions_are_recorded(client, db):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.post(reverse("login"), {"username": "root", "password": PASSWORD})
    assert "break_glass" in kinds()
    response = client.post(
        reverse("admin:departments_department_add"),
        {"name": "区审计局", "kind": "bureau", "sort_order": 100, "is_active": "on"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind="admin_action")
    assert event.username == root.username and "区审计局" in event.object_repr


# ---------------------------------------------------------------------------------------
# Append-only


def test_the_orm_refuses_to_change_or_delete(db):
    event = audit.record(audit.Kind.LOGIN, username="someone")
    event.detail = "changed"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().detail == ""


def test_the_admin_has_no_page_for_it(client, db):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    with pytest.raises(NoReverseMatch):
        reverse("admin:security_auditevent_changelist")
    assert "审计" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_and_delete_in_raw_sql():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (DESIGN §13); SQLite has none by design")
    event = audit.record(audit.Kind.LOGIN, username="someone")
    for sql in (
        "UPDATE security_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM security_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_pruning_refuses_less_than_180_days(db):
    with pytest.raises(CommandError, match="180"):
        call_command("prune_audit", "--older-than-days", "179")


@pytest.mark.django_db(transaction=True)
def test_pruning_removes_only_rows_past_the_retention():
    old = audit.record(audit.Kind.LOGIN, username="old")
    new = audit.record(audit.Kind.LOGIN, username="new")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Backdating needs the owner to lift the trigger for a moment (a test set-up).
            cursor.execute("ALTER TABLE security_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE security_auditevent SET occurred_at = %s WHERE id = %s",
            [timezone.now() - dt.timedelta(days=200), old.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE security_auditevent ENABLE TRIGGER USER")
    call_command("prune_audit", "--older-than-days", "180", stdout=io.StringIO())
    remaining = set(AuditEvent.objects.values_list("username", flat=True))
    assert "old" not in remaining and "new" in remaining
    assert AuditEvent.objects.filter(kind="audit_prune").exists()
    assert new.pk in set(AuditEvent.objects.values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------
# /audit/


def test_only_the_auditor_reads_the_log(client, auditor, secadmin, sysadmin, office):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    for user in (secadmin, sysadmin, office, root):
        client.force_login(user)
        assert client.get(reverse("security:audit")).status_code == 403, user
        assert client.get(reverse("security:audit_export")).status_code == 403, user
    client.force_login(auditor)
    assert client.get(reverse("security:audit")).status_code == 200


def test_the_auditor_filters_and_exports(client, auditor):
    audit.record(audit.Kind.LOGIN_FAILED, username="mallory", outcome=audit.Outcome.FAILURE)
    audit.record(audit.Kind.LOGIN, username="alice")
    client.force_login(auditor)
    page = client.get(reverse("security:audit"), {"username": "mallory"}).content.decode()
    assert "mallory" in page and "alice" not in page
    # The dates are picked from a calendar, as the other pages' dates are.
    assert 'type="date" name="since"' in page and 'type="date" name="until"' in page
    response = client.get(reverse("security:audit_export"), {"kind": "login_failed"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "事件", "结果", "用户名")
    assert [r[3] for r in rows[1:]] == ["mallory"]
    assert rows[1][1] == "登录失败"
    assert AuditEvent.objects.filter(kind="audit_export", username="auditor").exists()


@pytest.mark.parametrize(
    "query",
    [
        {"since": "2023-13-45"},
        {"address": "not-an-address"},
        {"kind": "zzz"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"username": "x" * 5000},
        {"since": "2024-05-01", "until": "2024-01-01"},
    ],
)
def test_bad_filters_never_answer_500(client, auditor, query):
    client.force_login(auditor)
    assert client.get(reverse("security:audit"), query).status_code == 200


def test_audit_pages_are_refused_to_anonymous_users(db):
    response = Client().get(reverse("security:audit"))
    assert response.status_code == 302
