"""Password policy (DESIGN §13): 10+ characters of three classes, not one of the last 5,
90 days, one-time initial passwords, Chinese messages; a change ends other sessions and
revokes the user's API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from config.api_auth import token_issue
from departments.models import ApiToken
from security.models import AuditEvent
from tests.factories import office_user
from tests.security.conftest import PASSWORD


def messages_for(password, user=None) -> list[str]:
    # As in a request, where LocaleMiddleware activates the site's language.
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return [str(m) for m in refused.value.messages]


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("abcdwxyz", "太短"),
        ("Password123", "太常见"),  # Django's own validator, in Chinese
        ("73915842061", "只包含数字"),
        ("abcdwxyzab", "至少3类"),
        ("ABCDEFGH12", "至少3类"),
        ("1234567890", "至少3类"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(db, password, expected):
    found = messages_for(password)
    assert any(expected in m for m in found), found


def test_a_strong_password_passes(db):
    validate_password("Harbour-lights-7")


def test_none_of_the_last_five_passwords(db):
    user = office_user(username="rotator")
    used = [f"Rotate-{n}-password" for n in range(6)]
    for password in used:
        user.set_password(password)
        user.save()
    for password in used[1:]:
        assert any("最近5次" in m for m in messages_for(password, user)), password
    validate_password(used[0], user)  # the sixth back is allowed again


def test_the_change_page_answers_in_chinese(client, db):
    client.force_login(office_user(username="typist"))
    body = change(client, PASSWORD, "abcdwxyz").content.decode()
    assert "密码太短" in body or "太短" in body
    assert "至少3类" in body
    assert "This password" not in body


def change(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_a_change_ends_other_sessions_and_revokes_tokens(db):
    user = office_user(username="changer")
    token_issue(user)
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert change(here, PASSWORD, "Brand-new-pass-9").status_code == 302
    assert here.get(reverse("suggestions:home")).status_code == 200
    assert elsewhere.get(reverse("suggestions:home")).status_code == 302  # to the login
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(kind="password_change", username="changer").exists()
    assert AuditEvent.objects.filter(kind="token_revoke", username="changer").exists()
    user.refresh_from_db()
    assert user.password_changed_at is not None


def test_a_one_time_password_must_be_changed_before_anything_else(client, db):
    user = office_user(username="newcomer", must_change_password=True)
    client.force_login(user)
    response = client.get(reverse("suggestions:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password_change"))
    assert change(client, PASSWORD, "My-own-secret-4").status_code == 302
    assert client.get(reverse("suggestions:list")).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_a_password_older_than_90_days_must_be_changed(client, db, settings):
    user = office_user(username="old")
    user.password_changed_at = timezone.now() - dt.timedelta(
        days=settings.PASSWORD_MAX_AGE_DAYS + 1
    )
    user.save(update_fields=["password_changed_at"])
    client.force_login(user)
    response = client.get(reverse("suggestions:home"))
    assert response["Location"].startswith(reverse("password_change"))


def test_an_expired_password_gets_no_api_token(client, db):
    office_user(username="stale", must_change_password=True)
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "stale", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "修改密码" in response.json()["detail"]
