"""Feedback through the API — 办结 without a rating; feedback on an item closed meanwhile is a
conflict (409); a role that may not close is refused (403) before its version is looked at.
"""

from __future__ import annotations

from tests.api.actions.helpers import act
from tests.api.actions.helpers import snapshot
from tests.api.conftest import item_url


def test_close_without_a_rating(clients, stages):
    s = stages.replied()
    item = act(
        clients["office"],
        s.pk,
        "close",
        {"version": s.version, "reason": "no_feedback", "note": "代表未反馈。"},
    )
    assert item["status"] == "closed"
    assert item["events"][0]["action"] == "close"
    assert item["events"][0]["note"] == "代表未反馈。"


# ---------------------------------------------------------------------------------------
# A stale version: 409


def test_an_action_the_state_no_longer_allows_on_a_stale_version_is_409(clients, stages):
    """Someone closed the item while the office was typing its feedback: say it changed,
    not merely that feedback does not fit a closed item."""
    s = stages.replied()
    act(clients["office"], s.pk, "close", {"version": s.version, "reason": "no_feedback"})
    before = snapshot(s)
    response = clients["office"].post(
        item_url(s.pk, "feedback"),
        {"version": s.version, "satisfaction": "satisfied"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(s) == before


def test_a_permission_refusal_wins_over_a_stale_version(clients, stages):
    s = stages.in_progress()
    response = clients["supervisor"].post(
        item_url(s.pk, "close"), {"version": s.version - 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission"
