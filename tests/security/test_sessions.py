"""Sessions (DESIGN §13): 30 idle minutes, 12 hours in any case, a warning in the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from security import sessions
from security.models import AuditEvent
from tests.factories import office_user


@pytest.fixture
def logged_in(client, db):
    client.force_login(office_user(username="idle"))
    return client


def shift(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] -= seconds
    session.save()


def test_a_session_ends_after_the_idle_time(logged_in, settings):
    assert logged_in.get(reverse("suggestions:home")).status_code == 200
    shift(logged_in, sessions.SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    response = logged_in.get(reverse("suggestions:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in logged_in.session
    assert AuditEvent.objects.filter(kind="session_expired", username="idle").exists()


def test_activity_keeps_the_session(logged_in, settings):
    shift(logged_in, sessions.SEEN_AT, settings.SESSION_IDLE_SECONDS - 60)
    assert logged_in.get(reverse("suggestions:home")).status_code == 200
    assert logged_in.get(reverse("suggestions:home")).status_code == 200


def test_a_session_ends_after_twelve_hours_whatever_the_activity(logged_in, settings):
    shift(logged_in, sessions.LOGIN_AT, settings.SESSION_MAX_HOURS * 3600 + 1)
    assert logged_in.get(reverse("suggestions:home")).status_code == 302


def test_the_page_carries_the_warning_and_keepalive(logged_in, settings):
    body = logged_in.get(reverse("suggestions:home")).content.decode()
    assert f'data-idle-seconds="{settings.SESSION_IDLE_SECONDS}"' in body
    assert "js/session.js" in body
    assert logged_in.post(reverse("security:keepalive")).status_code == 200


def test_an_expired_api_session_gets_401_not_a_redirect(logged_in, settings):
    shift(logged_in, sessions.SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    assert logged_in.get("/api/v1/suggestions/").status_code == 401
