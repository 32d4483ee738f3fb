"""The demo publishes part of the 2023 replies, the same ones every time (DESIGN §10)."""

import io

import pytest
from django.core.management import call_command

from publication.models import Disclosure
from suggestions.models import Kind
from suggestions.models import Reply


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=io.StringIO())


def test_demo_publishes_part_of_the_2023_replies(demo, client):
    first_round = Reply.objects.filter(
        suggestion__year=2023, suggestion__kind=Kind.SUGGESTION, round=1
    )
    numbers = dict(first_round.values_list("pk", "suggestion__number"))
    public = set(
        Disclosure.objects.filter(decision=Disclosure.Decision.PUBLIC).values_list(
            "reply_id", flat=True
        )
    )
    withheld = Disclosure.objects.filter(decision=Disclosure.Decision.NOT_PUBLIC)
    assert public == {pk for pk, n in numbers.items() if n % 3 and n % 10}
    assert 0 < len(public) < len(numbers)
    assert {d.reply_id for d in withheld} == {pk for pk, n in numbers.items() if n % 10 == 0}
    assert {d.reason for d in withheld} == {Disclosure.Reason.PRIVACY}

    response = client.get("/public/", {"year": 2023})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == len(public)
    shown = response.context["page_obj"][0]
    page = client.get(f"/public/{shown.public_id}/")
    assert page.status_code == 200
    assert shown.reply.suggestion.title in page.content.decode()
