"""The bell, the list, opening a notice through the read gate, marking read."""

from __future__ import annotations

import re

from django.urls import reverse

from notices.models import Kind
from notices.models import NoticePreference
from notices.models import Notification
from suggestions import services
from suggestions.models import Status
from tests.conftest import at

LIST = reverse("notices:list")


def bell(response) -> str:
    match = re.search(r'<a class="bell"[^>]*>.*?</a>', response.content.decode(), re.S)
    assert match, "the bell is in the user box"
    return match.group(0)


def test_the_bell_counts_unread_notices(client, journey, co_handler, other_handler):
    journey.to(Status.ASSIGNED)
    client.force_login(co_handler)
    assert '<span class="badge danger">2</span>' in bell(client.get(LIST))
    client.force_login(other_handler)
    assert "badge" not in bell(client.get(LIST))


def test_the_list_newest_first_and_mark_read(client, journey, co_handler):
    s = journey.to(Status.ASSIGNED)
    client.force_login(co_handler)
    page = client.get(LIST)
    kinds = [n.kind for n in page.context["page"]]
    assert set(kinds) == {Kind.ASSIGNED, Kind.CO_OPINION_DUE}
    ids = [n.pk for n in page.context["page"]]
    assert ids == sorted(ids, reverse=True)
    assert s.code in page.content.decode()
    assert "<script>" not in page.content.decode() and "style=" not in page.content.decode()

    client.post(reverse("notices:read", args=[ids[0]]))
    assert Notification.objects.filter(read_at__isnull=True, recipient=co_handler).count() == 1
    client.post(reverse("notices:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True, recipient=co_handler).exists()
    assert "badge" not in bell(client.get(LIST))


def test_the_list_is_paginated(client, journey, lead_handler):
    for _ in range(12):
        journey.to(Status.ASSIGNED, with_co=False)
    client.force_login(lead_handler)
    first = client.get(LIST)
    assert len(first.context["page"]) == 12
    for _ in range(10):
        journey.to(Status.ASSIGNED, with_co=False)
    assert len(client.get(LIST).context["page"]) == 20
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 2


def test_opening_goes_to_the_item_through_the_read_gate(
    client, journey, office, lead_handler, new_department
):
    s = journey.to(Status.ASSIGNED, with_co=False)
    notice = Notification.objects.get(recipient=lead_handler)
    client.force_login(lead_handler)
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions:detail", args=[s.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Re-assigned elsewhere: the old notice no longer opens the item.
    services.suggestion_reassign(
        suggestion=s, lead=new_department, actor=office, when=at(s.assigned_on)
    )
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404


def test_someone_elses_notice_is_a_404(client, journey, lead_handler, other_handler):
    journey.to(Status.ASSIGNED, with_co=False)
    notice = Notification.objects.get(recipient=lead_handler)
    client.force_login(other_handler)
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    client.post(reverse("notices:read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_preferences_need_an_address(client, lead_handler):
    client.force_login(lead_handler)
    url = reverse("notices:preferences")
    response = client.post(url, {"by_email": "on"})
    assert response.status_code == 200 and "没有电子邮件地址" in response.content.decode()
    lead_handler.email = "fg@example.cn"
    lead_handler.save()
    assert client.post(url, {"by_email": "on"}).status_code == 302
    pref = NoticePreference.objects.get(user=lead_handler)
    assert pref.by_email and not pref.by_sms


def test_anonymous_pages_have_no_bell(client):
    response = client.get(reverse("login"))
    assert 'class="bell"' not in response.content.decode()
