"""The private calendar feed (DESIGN §9): an iCalendar URL per user, holding only the due
dates that user owes, readable by calendar programs without a login, replaceable."""

from __future__ import annotations

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from notices.models import CalendarFeed
from suggestions.models import Status


def feed_url(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("notices:calendar"))
    assert page.status_code == 200
    return page.context["url"].removeprefix("http://testserver")


def events(body: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def items(journey, other_department):
    mine = journey.to(Status.IN_PROGRESS)  # lead 区房管局, co 区建设管理委
    replied = journey.to(Status.REPLIED)
    return mine, replied


def test_a_handler_sees_only_what_its_department_owes(client, items, lead_handler):
    mine, replied = items
    url = feed_url(client, lead_handler)
    response = Client().get(url)  # a calendar program: no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    found = events(response.content)
    assert [str(e["summary"]) for e in found] == [f"【答复到期】{mine.code} {mine.title}"]
    assert found[0].decoded("dtstart") == mine.due_on
    assert str(found[0]["url"]).endswith(f"/suggestions/{mine.pk}/")


def test_a_co_department_sees_its_opinion_due_date(client, items, co_handler):
    mine, _ = items
    found = events(Client().get(feed_url(client, co_handler)).content)
    assert [str(e["summary"]) for e in found] == [f"【会办意见到期】{mine.code} {mine.title}"]
    assert found[0].decoded("dtstart") == mine.assignments.get(role="co").opinion_due_on


def test_another_department_sees_nothing(client, items, other_handler):
    assert events(Client().get(feed_url(client, other_handler)).content) == []


def test_the_office_sees_every_open_item(client, items, office):
    mine, replied = items
    found = events(Client().get(feed_url(client, office)).content)
    assert [str(e["uid"]).split("@")[0] for e in found] == [f"suggestion-{mine.pk}-答复"]


def test_a_new_address_retires_the_old_one(client, items, lead_handler):
    old = feed_url(client, lead_handler)
    client.post(reverse("notices:calendar_renew"))
    new = feed_url(client, lead_handler)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_an_inactive_users_feed_is_gone(client, items, lead_handler):
    url = feed_url(client, lead_handler)
    lead_handler.is_active = False
    lead_handler.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404
