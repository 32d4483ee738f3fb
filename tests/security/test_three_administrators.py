"""三员分立 (DESIGN §1, §13): 系统管理员 keeps accounts and reference data, 安全管理员 roles,
locks and resets, 审计管理员 the audit log; no account holds two of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from departments.models import Role
from security.models import AuditEvent
from suggestions.selectors import suggestions_visible_to
from tests.factories import UserFactory
from tests.factories import office_user
from tests.security.conftest import PASSWORD


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_security_administrator_sets_roles_and_it_is_recorded(client, secadmin):
    clerk = UserFactory(username="clerk")
    elsewhere = Client()
    elsewhere.force_login(clerk)
    client.force_login(secadmin)
    response = client.post(reverse("security:user", args=[clerk.pk]), {"roles": ["office"]})
    assert response.status_code == 302
    assert roles_of(clerk) == {"office"}
    event = AuditEvent.objects.get(kind="role_change")
    assert event.username == "secadmin" and "区政府办公室" in event.detail
    # The user's sessions end, so the new role applies from its next login.
    assert elsewhere.get(reverse("suggestions:list")).status_code == 302


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["sysadmin", "auditor"], "三者互相分离"),
        (["secadmin", "office"], "不能同时担任业务角色"),
        (["handler"], "所属承办单位"),
    ],
)
def test_refused_role_combinations_keep_the_form(client, secadmin, roles, message):
    clerk = UserFactory(username="clerk")
    client.force_login(secadmin)
    response = client.post(reverse("security:user", args=[clerk.pk]), {"roles": roles})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert roles_of(clerk) == set()
    assert not AuditEvent.objects.filter(kind="role_change").exists()


def test_no_one_changes_their_own_roles(client, secadmin):
    client.force_login(secadmin)
    response = client.post(reverse("security:user", args=[secadmin.pk]), {"roles": ["office"]})
    assert "不能修改自己的角色" in response.content.decode()
    assert roles_of(secadmin) == {Role.SECADMIN}


def test_a_password_reset_is_one_time(client, secadmin):
    clerk = office_user(username="clerk")
    client.force_login(secadmin)
    response = client.post(reverse("security:password_reset", args=[clerk.pk]))
    password = response.context["password"]
    assert password != PASSWORD
    user_client = Client()
    user_client.post(reverse("login"), {"username": "clerk", "password": password})
    landing = user_client.get(reverse("suggestions:list"))
    assert landing["Location"].startswith(reverse("password_change"))
    assert AuditEvent.objects.filter(kind="password_reset", username="secadmin").exists()


def test_the_system_administrator_keeps_reference_data_not_roles_or_the_log(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:departments_department_changelist")).status_code == 200
    assert client.get(reverse("admin:suggestions_calendarday_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("security:audit")).status_code == 403
    assert client.get(reverse("security:users")).status_code == 403
    clerk = UserFactory(username="clerk")
    page = client.get(reverse("admin:departments_user_change", args=[clerk.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="role"' not in body and 'name="is_superuser"' not in body


def test_an_account_made_by_the_system_administrator_starts_one_time(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:departments_user_add"),
        {"username": "newbie", "password1": "Fresh-start-42", "password2": "Fresh-start-42"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from departments.models import User

    newbie = User.objects.get(username="newbie")
    assert newbie.must_change_password and roles_of(newbie) == set()


@pytest.mark.parametrize(
    ("role", "home"),
    [("sysadmin", "admin:index"), ("secadmin", "security:users"), ("auditor", "security:audit")],
)
def test_each_administrator_starts_in_its_own_area_and_sees_no_items(client, db, role, home):
    user = UserFactory(username=role, role=role, is_staff=role == "sysadmin")
    client.force_login(user)
    assert client.get(reverse("suggestions:home"))["Location"] == reverse(home)
    assert client.get(reverse("suggestions:workspace"))["Location"] == reverse(home)
    assert client.get(reverse("suggestions:list"))["Location"] == reverse(home)
    # The read gate, under the pages, gives them nothing either.
    assert not suggestions_visible_to(user).exists()
    # Nor does the navigation offer them the items' pages.
    nav = client.get(reverse("notices:list")).content.decode().split("</nav>")[0]
    for label in ("首页", "我的待办", "建议列表"):
        assert f">{label}" not in nav


def test_the_demo_has_the_three_administrators(db):
    from suggestions.demo import data

    logins = {username: role for username, *_, role, _ in data.DEMO_USERS}
    assert {logins["sysadmin"], logins["secadmin"], logins["auditor"]} == {
        "sysadmin",
        "secadmin",
        "auditor",
    }
