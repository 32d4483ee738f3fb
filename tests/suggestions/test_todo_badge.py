"""我的待办's count in the navigation is kept in the session for TODO_COUNT_SECONDS
(suggestions.todo_badge): counted again when older, or after the user's own POST."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import todo_badge

LIST = reverse("suggestions:list")


def badge(client) -> tuple[int, bool]:
    """The count the navigation shows, and whether the page counted."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST).content.decode()
    shown = re.search(r'>我的待办 <span class="badge"[^>]*>(\d+)</span>', page)
    counted = any("UNION ALL" in q["sql"] for q in queries.captured_queries)
    return (int(shown.group(1)) if shown else 0), counted


@pytest.fixture
def kept_30_seconds(settings, monkeypatch):
    settings.TODO_COUNT_SECONDS = 30
    clock = {"now": 1_000_000}
    monkeypatch.setattr(todo_badge.time, "time", lambda: clock["now"])
    return clock


def test_the_count_is_kept_then_counted_again_when_old(
    client, stages, lead_handler, kept_30_seconds
):
    stages.assigned()
    client.force_login(lead_handler)
    assert badge(client) == (1, True)
    stages.assigned()  # the office assigns another item to the department
    kept_30_seconds["now"] += 29
    assert badge(client) == (1, False)  # kept: no count ran
    kept_30_seconds["now"] += 1
    assert badge(client) == (2, True)


def test_the_users_own_post_counts_again_on_the_next_page(
    client, stages, lead_handler, kept_30_seconds
):
    s = stages.assigned()
    stages.assigned()
    client.force_login(lead_handler)
    assert badge(client) == (2, True)
    done = client.post(
        reverse("suggestions:action", args=[s.pk, "acknowledge"]), {"version": s.version}
    )
    assert done.status_code == 302
    # 签收 moves the item from 待签收 to 办理中, where it still waits: the count is what
    # the selector says now, taken afresh.
    shown, counted = badge(client)
    assert counted
    assert shown == todo_badge.todo_count(lead_handler)


def test_with_zero_seconds_every_page_counts_and_nothing_is_kept(client, stages, lead_handler):
    from django.conf import settings

    assert settings.TODO_COUNT_SECONDS == 0  # the tests' setting (config/settings_test.py)
    stages.assigned()
    client.force_login(lead_handler)
    assert badge(client) == (1, True)
    assert badge(client) == (1, True)
    assert todo_badge.KEY not in client.session
