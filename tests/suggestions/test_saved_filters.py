"""我的筛选: saved per user, only the list's own parameters, refused with clear reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suggestions.models import SavedFilter
from suggestions.saved_filters import MAX_PER_USER
from tests.factories import office_user

pytestmark = pytest.mark.django_db

SAVE = reverse("suggestions:filter_save")
LIST = reverse("suggestions:list")


def test_saving_keeps_only_the_lists_parameters_and_lists_them_for_the_user(client, office):
    client.force_login(office)
    response = client.post(
        SAVE,
        {"name": "房管局超期", "query": "deadline=overdue&page=3&department=7&evil=1&o=-due_on"},
    )
    saved = SavedFilter.objects.get(user=office)
    assert saved.query == "department=7&deadline=overdue&o=-due_on"
    assert response["Location"] == f"{LIST}?{saved.query}"
    page = client.get(LIST).content.decode()
    assert f'href="{LIST}?department=7&amp;deadline=overdue&amp;o=-due_on">房管局超期</a>' in page

    someone_else = office_user(username="office2")
    client.force_login(someone_else)
    assert "房管局超期" not in client.get(LIST).content.decode()
    response = client.post(reverse("suggestions:filter_delete", args=[saved.pk]))
    assert response.status_code == 404  # not its own
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_refusals_say_why_and_keep_the_conditions(client, office):
    client.force_login(office)
    response = client.post(SAVE, {"name": " ", "query": "year=2023"}, follow=True)
    assert "未保存：请为筛选起一个名称。" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"{LIST}?year=2023"
    response = client.post(SAVE, {"name": "空的", "query": "page=2"}, follow=True)
    assert "未保存：当前没有任何筛选条件，无需保存。" in response.content.decode()
    client.post(SAVE, {"name": "本年", "query": "year=2026"})
    response = client.post(SAVE, {"name": "本年", "query": "year=2025"}, follow=True)
    assert "已有名为“本年”的筛选，请换一个名称。" in response.content.decode()
    for i in range(MAX_PER_USER - 1):
        SavedFilter.objects.create(user=office, name=f"f{i}", query="year=2020")
    response = client.post(SAVE, {"name": "再来一个", "query": "year=2021"}, follow=True)
    assert f"最多保存{MAX_PER_USER}个筛选" in response.content.decode()
    assert SavedFilter.objects.filter(user=office).count() == MAX_PER_USER


def test_deleting_returns_to_the_same_conditions(client, office):
    client.force_login(office)
    saved = SavedFilter.objects.create(user=office, name="本年", query="year=2026")
    response = client.post(
        reverse("suggestions:filter_delete", args=[saved.pk]), {"query": "year=2023&page=2"}
    )
    assert response["Location"] == f"{LIST}?year=2023"
    assert not SavedFilter.objects.exists()
