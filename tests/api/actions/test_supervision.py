"""Supervision through the API — 重点督办 on and off, 跟踪记录 by handlers and the
supervisor: what they write, a stale version (409), an unknown choice (400).
"""

from __future__ import annotations

from suggestions.models import FollowUp
from tests.api.actions.helpers import act
from tests.api.actions.helpers import assert_chinese_field_errors
from tests.api.actions.helpers import snapshot
from tests.api.conftest import item_url


def test_key_supervision_on_and_off(clients, stages):
    s = stages.in_progress()
    item = act(
        clients["office"], s.pk, "key_supervision", {"version": s.version, "key_supervision": True}
    )
    assert item["key_supervision"] is True
    before = snapshot(s)
    body = act(
        clients["supervisor"],
        s.pk,
        "key_supervision",
        {"version": item["version"], "key_supervision": True},
        status=400,
    )
    assert body == {"detail": "该建议已是重点督办件。", "code": "state"}
    assert snapshot(s) == before
    item = act(
        clients["supervisor"],
        s.pk,
        "key_supervision",
        {"version": item["version"], "key_supervision": False, "note": "已落实。"},
    )
    assert item["key_supervision"] is False


def test_handlers_record_their_own_follow_ups(clients, stages):
    s = stages.replied()
    item = act(
        clients["lead"],
        s.pk,
        "follow_up",
        {"version": s.version, "kind": "visit", "findings": "已走访代表。", "participants": "张三"},
    )
    [follow_up] = item["follow_ups"]
    assert follow_up["department"]["name"] == "区房管局"
    assert FollowUp.objects.get().created_by.username == "fangguan1"


# ---------------------------------------------------------------------------------------
# A stale version: 409


def test_a_stale_version_is_409_with_who_changed_it(clients, stages):
    s = stages.in_progress()
    act(
        clients["supervisor"],
        s.pk,
        "key_supervision",
        {"version": s.version, "key_supervision": True},
    )
    before = snapshot(s)
    response = clients["office"].post(
        item_url(s.pk, "follow_up"),
        {"version": s.version, "kind": "supervision", "findings": "已督促。"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["detail"].startswith("该建议已被supervisor1于")
    assert "修改" in body["detail"]
    assert snapshot(s) == before
    assert not FollowUp.objects.exists()


# ---------------------------------------------------------------------------------------
# Invalid input: 400, field by field, in Chinese


def test_an_unknown_choice_is_a_field_error(clients, stages):
    s = stages.replied()
    response = clients["supervisor"].post(
        item_url(s.pk, "follow_up"),
        {"version": s.version, "kind": "bogus", "findings": "x", "new_outcome": "bogus"},
        format="json",
    )
    assert response.status_code == 400
    assert_chinese_field_errors(response.json(), {"kind", "new_outcome"})
