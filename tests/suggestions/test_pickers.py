"""The type-ahead pickers: the server's matches, the chosen-only rendering of the deputy
select, and who may ask."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suggestions.filters import SuggestionFilter
from suggestions.forms import SuggestionForm
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory
from tests.factories import deputy_user
from tests.factories import handler_user

pytestmark = pytest.mark.django_db

DEPUTIES = reverse("suggestions:picker", args=["deputies"])
DEPARTMENTS = reverse("suggestions:picker", args=["departments"])


def texts(response) -> list[str]:
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return [r["text"] for r in response.json()["results"]]


def test_deputies_match_by_name_delegation_or_workplace_and_every_word(client, office):
    DeputyFactory(name="陈建华", delegation="南京西路街道代表组")
    DeputyFactory(name="陈建国", delegation="静安寺街道代表组")
    DeputyFactory(name="王建华", workplace="区教育局")
    DeputyFactory(name="陈建军", is_active=False)
    client.force_login(office)
    assert sorted(texts(client.get(DEPUTIES, {"q": "陈建"}))) == sorted(
        ["陈建国（静安寺街道代表组）", "陈建华（南京西路街道代表组）"]
    )
    assert texts(client.get(DEPUTIES, {"q": "建华 南京西路"})) == ["陈建华（南京西路街道代表组）"]
    assert texts(client.get(DEPUTIES, {"q": "教育局"})) == ["王建华（区人大代表）"]
    assert texts(client.get(DEPUTIES, {"q": ""})) == []


def test_at_most_twenty_matches(client, office):
    for i in range(25):
        DeputyFactory(name=f"李{i:02d}")
    client.force_login(office)
    assert len(texts(client.get(DEPUTIES, {"q": "李"}))) == 20


def test_departments_match_by_name_or_short_name(client):
    DepartmentFactory(name="区住房保障和房屋管理局", short_name="区房管局")
    DepartmentFactory(name="区绿化和市容管理局", short_name="区绿化市容局")
    client.force_login(handler_user(DepartmentFactory(name="区民政局")))
    assert texts(client.get(DEPARTMENTS, {"q": "房管"})) == ["区住房保障和房屋管理局"]


def test_only_role_users_ask_and_unknown_sources_are_404(client, office):
    deputy = DeputyFactory(name="陈建华")
    client.force_login(deputy_user(DeputyFactory(name="赵强")))
    assert client.get(DEPUTIES, {"q": "陈"}).status_code == 404  # the deputy fence
    client.force_login(office)
    assert client.get(reverse("suggestions:picker", args=["users"]), {"q": "a"}).status_code == 404
    for q in ("%", "_", "'\\", "\x00", "陈" * 500):
        assert client.get(DEPUTIES, {"q": q}).status_code == 200, q
    found = texts(client.get(DEPUTIES, {"q": "\x00陈"}))
    assert found == [f"陈建华（{deputy.get_level_display()}）"]


def test_the_deputy_select_renders_only_the_chosen_deputy(db):
    chosen = DeputyFactory(name="陈建华")
    DeputyFactory.create_batch(30)
    html = str(SuggestionFilter({"deputy": str(chosen.pk)}).form["deputy"])
    assert html.count("<option") == 2  # （全部） and the chosen one
    assert f'value="{chosen.pk}" selected' in html
    assert 'data-typeahead="/suggestions/pick/deputies/"' in html
    form = SuggestionForm(data={"lead_deputy": "999999", "title": "x"})
    assert not form.is_valid()
    assert "lead_deputy" in form.errors  # validated against every deputy, not the rendered
