"""Deputies' phone numbers (DESIGN §13): in full only to the office and the departments
handling that deputy's items; masked elsewhere; every reveal audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from security.models import AuditEvent
from suggestions.models import Status
from tests.api.conftest import API
from tests.api.conftest import token_client

FULL = "13812345678"  # tests/factories.py DeputyFactory
MASKED = "138****5678"


@pytest.fixture
def item(journey):
    return journey.to(Status.ASSIGNED)


def reveal(client, item):
    return client.post(reverse("suggestions:deputy_phone", args=[item.pk]))


@pytest.mark.parametrize("who", ["office", "lead_handler", "co_handler"])
def test_office_and_handling_departments_reveal_and_it_is_audited(client, item, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("suggestions:detail", args=[item.pk])).content.decode()
    assert MASKED in page and FULL not in page
    assert "显示完整号码" in page
    response = reveal(client, item)
    assert response.status_code == 200 and response.content.decode() == FULL
    event = AuditEvent.objects.get(kind="phone_reveal")
    assert event.username == user.username and item.code in event.detail


def test_a_supervisor_sees_the_mask_and_may_not_reveal(client, item, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("suggestions:detail", args=[item.pk])).content.decode()
    assert "显示完整号码" not in page
    assert reveal(client, item).status_code == 403
    assert not AuditEvent.objects.filter(kind="phone_reveal").exists()
    assert AuditEvent.objects.filter(kind="permission_refused").exists()


def test_another_department_cannot_reach_the_item(client, item, other_handler):
    client.force_login(other_handler)
    assert reveal(client, item).status_code == 404
    assert not AuditEvent.objects.filter(kind="phone_reveal").exists()


def test_the_api_reveals_one_item_at_a_time_audited(item, office, supervisor, other_handler):
    url = f"{API}/suggestions/{item.pk}/deputy-phone/"
    assert token_client(office).get(url).json()["phone"] == FULL
    assert token_client(supervisor).get(url).status_code == 403
    assert token_client(other_handler).get(url).status_code == 404
    assert AuditEvent.objects.filter(kind="phone_reveal").count() == 1
    deputies = token_client(office).get(f"{API}/deputies/").json()["results"]
    assert all(d["phone"] != FULL for d in deputies)


def test_reaching_for_another_departments_item_is_audited(client, item, other_handler):
    client.force_login(other_handler)
    assert client.get(reverse("suggestions:detail", args=[item.pk])).status_code == 404
    assert token_client(other_handler).get(f"{API}/suggestions/{item.pk}/").status_code == 404
    events = AuditEvent.objects.filter(kind="permission_refused", username=other_handler.username)
    assert events.count() == 2 and all(item.code in e.object_repr for e in events)
    # A number that does not exist is an ordinary 404, not a refusal.
    client.get(reverse("suggestions:detail", args=[item.pk + 1000]))
    assert events.count() == 2
