"""The drafting demo, as `daibiao` and the office find it after `load_demo`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from departments.models import User
from drafts.models import DraftStatus
from drafts.models import InvitationStatus


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=io.StringIO())


def test_daibiao_gathers_names_answers_an_invitation_and_the_office_has_one_to_accept(demo, client):
    daibiao = User.objects.get(username="daibiao")
    mine = daibiao.deputy.drafts.get()
    assert mine.status == DraftStatus.COSIGNING
    assert sorted(mine.invitations.values_list("status", flat=True)) == [
        InvitationStatus.ACCEPTED,
        InvitationStatus.PENDING,
    ]
    assert client.login(username="daibiao", password="Jingan-2023")
    page = client.get(reverse("drafts:home")).content.decode()
    assert "待您答复" in page  # daibiao2's invitation
    assert mine.title in page

    assert client.login(username="daibiao2", password="Jingan-2023")
    assert client.get(reverse("drafts:detail", args=[mine.pk])).status_code == 200

    assert client.login(username="office", password="Jingan-2023")
    page = client.get(reverse("drafts:review")).content.decode()
    assert "关于在地铁站出入口增设非机动车停放点的建议" in page
    assert mine.title not in page  # still the deputy's
