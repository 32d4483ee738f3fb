"""Lockout (DESIGN §13): 5 failures for one account in 15 minutes lock it for 30; 20 from
one address block the address; the same answer whatever the reason; both doors alike; the
安全管理员 unlocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from security.models import AccessLock
from security.models import AuditEvent
from security.models import LoginFailure
from tests.factories import office_user
from tests.security.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
SAME_ANSWER = "正确的用户名和密码"  # Django's own wording, in Chinese


def browser_login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def token_login(username, password, address="10.0.0.1"):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def login_error(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


@pytest.fixture
def clerk(db):
    return office_user(username="clerk")


def test_five_failures_lock_the_account_and_the_right_password_is_then_refused(client, clerk):
    for _ in range(5):
        assert browser_login(client, "clerk", "wrong-password-1").status_code == 200
    assert AccessLock.objects.filter(kind="account", key="clerk").exists()

    refused = browser_login(client, "clerk", PASSWORD)
    assert refused.status_code == 200  # the form again, not a redirect into the app
    assert "_auth_user_id" not in client.session
    assert token_login("clerk", PASSWORD).status_code == 400
    assert AuditEvent.objects.filter(kind="lockout", username="clerk").count() == 1


def test_four_failures_then_the_right_password_logs_in_and_starts_the_count_again(client, clerk):
    for _ in range(4):
        browser_login(client, "clerk", "wrong-password-1")
    assert browser_login(client, "clerk", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="clerk").exists()


def test_failures_through_both_doors_count_together(client, clerk):
    for _ in range(3):
        token_login("clerk", "wrong-password-1")
    for _ in range(2):
        browser_login(client, "clerk", "wrong-password-1")
    assert token_login("clerk", PASSWORD).status_code == 400
    assert browser_login(client, "clerk", PASSWORD).status_code == 200


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(client, clerk):
    unknown = browser_login(client, "nobody", "wrong-password-1")
    wrong = browser_login(client, "clerk", "wrong-password-1")
    for _ in range(4):
        browser_login(client, "clerk", "wrong-password-1")
    locked = browser_login(client, "clerk", PASSWORD)
    assert SAME_ANSWER in login_error(unknown)
    assert login_error(unknown) == login_error(wrong) == login_error(locked)

    api_unknown = token_login("nobody", "x")
    api_locked = token_login("clerk", PASSWORD)
    assert api_unknown.status_code == api_locked.status_code == 400
    assert api_unknown.json() == api_locked.json() == {"detail": "用户名或密码错误。"}


def test_old_failures_do_not_count(client, clerk, settings):
    for _ in range(4):
        browser_login(client, "clerk", "wrong-password-1")
    window = dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1)
    LoginFailure.objects.update(occurred_at=timezone.now() - window)
    browser_login(client, "clerk", "wrong-password-1")
    assert browser_login(client, "clerk", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_lockout_minutes(client, clerk):
    for _ in range(5):
        browser_login(client, "clerk", "wrong-password-1")
    AccessLock.objects.update(until=timezone.now() - dt.timedelta(seconds=1))
    LoginFailure.objects.update(occurred_at=timezone.now() - dt.timedelta(hours=1))
    assert browser_login(client, "clerk", PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_block_it_for_every_account(client, clerk):
    for n in range(20):
        browser_login(client, f"guess{n}", "wrong-password-1", address="10.9.9.9")
    assert AccessLock.objects.filter(kind="address", key="10.9.9.9").exists()
    assert browser_login(client, "clerk", PASSWORD, address="10.9.9.9").status_code == 200
    assert browser_login(client, "clerk", PASSWORD, address="10.0.0.2").status_code == 302
    assert AuditEvent.objects.filter(kind="address_block").exists()


def test_a_forged_forwarded_for_does_not_change_the_counted_address(client, clerk):
    for n in range(20):
        client.post(
            reverse("login"),
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="10.8.8.8",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert AccessLock.objects.filter(kind="address", key="10.8.8.8").exists()


def test_the_security_administrator_unlocks(client, clerk, secadmin):
    for _ in range(5):
        browser_login(client, "clerk", "wrong-password-1")
    lock = AccessLock.objects.get(kind="account", key="clerk")
    admin_client = type(client)()
    admin_client.force_login(secadmin)
    page = admin_client.get(reverse("security:locks"))
    assert "clerk" in page.content.decode()
    response = admin_client.post(reverse("security:lock_release", args=[lock.pk]))
    assert response.status_code == 302
    assert not AccessLock.objects.exists()
    assert AuditEvent.objects.filter(kind="unlock", username="secadmin").exists()
    assert browser_login(client, "clerk", PASSWORD).status_code == 302


def test_only_the_security_administrator_sees_the_lock_pages(client, clerk, auditor):
    for user in (clerk, auditor):
        client.force_login(user)
        assert client.get(reverse("security:locks")).status_code == 403
