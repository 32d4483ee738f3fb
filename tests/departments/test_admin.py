import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from departments.models import Department
from departments.models import Deputy
from departments.models import Role
from departments.models import User
from suggestions.models import CalendarDay
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_every_admin_page_opens_in_chinese(admin_client, journey):
    journey.to(Status.REPLIED)
    index = admin_client.get(reverse("admin:index"))
    assert "系统管理" in index.content.decode()
    for model in site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert str(opts.verbose_name_plural) in response.content.decode(), url
    suggestion = Suggestion.objects.get()
    change = admin_client.get(reverse("admin:suggestions_suggestion_change", args=[suggestion.pk]))
    assert change.status_code == 200
    assert "计划解决" in change.content.decode()


def test_suggestions_are_not_edited_in_the_admin(admin_client):
    model_admin = site._registry[Suggestion]
    assert not model_admin.list_editable
    assert admin_client.get(reverse("admin:suggestions_suggestion_add")).status_code == 403


def test_deputy_phone_is_masked_in_the_list(admin_client):
    Deputy.objects.create(name="测试代表", level=Deputy.Level.DISTRICT, phone="13812345678")
    body = admin_client.get(reverse("admin:departments_deputy_changelist")).content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body


def test_admin_creates_a_handler_only_with_a_department(admin_client):
    url = reverse("admin:departments_user_add")
    form = {
        "username": "newhandler",
        "password1": "Xq7-long-pass",
        "password2": "Xq7-long-pass",
        "role": Role.HANDLER,
        "department": "",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "承办单位经办人必须选择所属承办单位" in response.content.decode()
    assert not User.objects.filter(username="newhandler").exists()
    department = Department.objects.create(name="区房管局")
    form["department"] = department.pk
    response = admin_client.post(url, form)
    assert response.status_code == 302
    user = User.objects.get(username="newhandler")
    assert user.is_handler and user.department == department
    assert list(user.groups.values_list("name", flat=True)) == [Role.HANDLER]


def test_changing_role_replaces_the_group(admin_client):
    user = UserFactory(username="someone")
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    url = reverse("admin:departments_user_change", args=[user.pk])
    page = admin_client.get(url)
    assert page.context["adminform"].form.fields["role"].initial == Role.SUPERVISOR
    data = {
        "username": "someone",
        "last_name": "",
        "first_name": "",
        "email": "",
        "phone": "",
        "role": Role.OFFICE,
        "department": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "09:00:00",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(user.groups.values_list("name", flat=True)) == [Role.OFFICE]


def test_calendar_warns_when_it_ends_within_a_year(admin_client):
    today = timezone.localdate()
    CalendarDay.objects.filter(date__gt=today).delete()
    response = admin_client.get(reverse("admin:suggestions_calendarday_changelist"))
    assert "工作日历仅维护至" in response.content.decode()
    CalendarDay.objects.create(date=today + dt.timedelta(days=400), is_working_day=True)
    response = admin_client.get(reverse("admin:suggestions_calendarday_changelist"))
    assert "工作日历仅维护至" not in response.content.decode()


def test_calendar_edit_in_admin_is_marked_manual(admin_client):
    day = CalendarDay.objects.get(date=dt.date(2024, 2, 4))
    url = reverse("admin:suggestions_calendarday_change", args=[day.pk])
    response = admin_client.post(
        url, {"date": "2024-02-04", "is_working_day": "", "name": "测试", "source": "package"}
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.is_working_day, day.source) == (False, CalendarDay.Source.MANUAL)
