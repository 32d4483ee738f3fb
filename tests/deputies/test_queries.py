"""The portal's pages run a fixed number of queries, for 1 item or 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SuggestionFactory

# Every request: 1 session, 2 user, 3 its groups (the fence and every role question
# afterwards read them once), 4 its linked deputy, 5 the bell's unread count.
REQUEST = 5
# The list: 6 deadline policy, 7 calendar slice (the deadline state), 8 the rows with
# their lead deputy, their part and whether they await a rating, 9 their active
# assignments with departments.
PORTAL_LIST = 4
# The item: 6 deadline policy, 7 calendar slice, 8 the item, 9 co-signers, 10 merged
# items, 11 parts, 12 assignments, 13 replies, 14 co-signers' ratings, 15 feedbacks,
# 16 follow-ups, 17 events, and for the lead's rating form (the rule table's ItemState)
# 18 the active assignments, 19 pending return and 20 pending extension requests.
PORTAL_DETAIL = 15


def count(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("n", [1, 50])
def test_the_portal_list_costs_the_same_for_1_and_50_items(client, portal, n):
    SuggestionFactory.create_batch(n, lead_deputy=portal.lead_deputy)
    client.force_login(portal.lead)
    queries = count(client, reverse("deputies:home"))
    assert len(queries) == REQUEST + PORTAL_LIST, queries


@pytest.mark.parametrize("n", [1, 50])
def test_the_portal_item_costs_the_same_whatever_else_there_is(client, portal, stages, n):
    SuggestionFactory.create_batch(n, lead_deputy=portal.lead_deputy)
    for _ in range(min(n, 3)):
        stages.replied(lead_deputy=portal.lead_deputy)
    client.force_login(portal.lead)
    queries = count(client, reverse("deputies:detail", args=[portal.replied.pk]))
    assert len(queries) == REQUEST + PORTAL_DETAIL, queries
