"""The office makes deputies' accounts in bulk: one-time passwords on a printable sheet,
shown once, audited; the first login forces a new password (security's own mechanism)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from departments import roles
from departments.models import Deputy
from security.models import AuditEvent
from tests.factories import DeputyFactory
from tests.factories import deputy_user

ACCOUNTS = reverse("deputies:accounts")


@pytest.fixture
def deputies(db):
    return [DeputyFactory(name=n) for n in ("王代表", "张代表", "刘代表")]


def sheet_rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<tr><td>([^<]+)</td><td class="password">([^<]+)</td><td class="password">([^<]+)</td>',
        html,
    )


def test_the_office_makes_accounts_and_reads_the_sheet_once(client, office, deputies):
    DeputyFactory(name="离任代表", is_active=False)
    has_one = DeputyFactory(name="已有账号")
    deputy_user(has_one, username="old1")
    client.force_login(office)
    page = client.get(ACCOUNTS).content.decode()
    assert "王代表" in page and "离任代表" not in page and "old1" in page

    chosen = deputies[:2]
    response = client.post(ACCOUNTS, {"deputies": [d.pk for d in chosen]})
    assert response.status_code == 200
    rows = sheet_rows(response.content.decode())
    assert [r[0] for r in rows] == [
        d.name
        for d in Deputy.objects.filter(pk__in=[d.pk for d in chosen]).order_by("level", "name")
    ]
    assert len({r[2] for r in rows}) == 2
    for name, username, password in rows:
        deputy = Deputy.objects.select_related("user").get(name=name)
        user = deputy.user
        assert user.username == username
        assert user.check_password(password)
        assert user.must_change_password
        assert roles.is_deputy(user)
        # Shown once: the page shows the usernames afterwards, never a password.
        later = client.get(ACCOUNTS).content.decode()
        assert username in later and password not in later
    audited = AuditEvent.objects.filter(kind=AuditEvent.Kind.ADMIN_ACTION, user=office)
    assert audited.count() == 2
    assert all("一次性初始密码" in e.detail for e in audited)
    # The third has none still.
    assert Deputy.objects.get(pk=deputies[2].pk).user is None


def test_the_first_login_forces_a_new_password_then_lands_on_the_portal(client, office, deputies):
    client.force_login(office)
    ((name, username, password),) = sheet_rows(
        client.post(ACCOUNTS, {"deputies": [deputies[0].pk]}).content.decode()
    )
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("deputies:home")).url.startswith(reverse("password_change"))
    new = "Xin-mima-2024!"
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get(reverse("deputies:home")).status_code == 200


def test_choosing_nobody_is_a_clear_error(client, office, deputies):
    client.force_login(office)
    response = client.post(ACCOUNTS, {})
    assert response.status_code == 200
    assert "请至少选择一位代表" in response.content.decode()
    response = client.post(ACCOUNTS, {"deputies": ["x"]})
    assert response.status_code == 200
    assert not Deputy.objects.filter(user__isnull=False).exists()


@pytest.mark.parametrize("who", ["supervisor", "lead_handler"])
def test_only_the_office_makes_accounts(client, request, deputies, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(ACCOUNTS).status_code == 403
    assert client.post(ACCOUNTS, {"deputies": [deputies[0].pk]}).status_code == 403
    assert not Deputy.objects.filter(user__isnull=False).exists()
