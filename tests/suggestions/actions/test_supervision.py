"""Supervision through the HTML forms — 跟踪记录 (the kinds offered depend on the role) and
重点督办, which also shows that a post without the hidden `version` is refused.
"""

from __future__ import annotations

from suggestions.models import FollowUp
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today


def test_follow_up_by_the_supervisor(client, supervisor, stages):
    s = stages.replied()
    submit(
        client,
        supervisor,
        s,
        "follow_up",
        {
            "kind": "supervision",
            "happened_on": iso(today()),
            "participants": "督查室",
            "findings": "已落实资金。",
            "consistent_with_reply": "true",
            "new_outcome": "",
        },
        "跟踪记录已保存。",
    )
    record = FollowUp.objects.get(suggestion=s)
    assert (record.kind, record.findings, record.consistent_with_reply) == (
        "supervision",
        "已落实资金。",
        True,
    )


def test_follow_up_form_offers_only_the_kinds_of_the_role(client, lead_handler, stages):
    s = stages.replied()
    client.force_login(lead_handler)
    response = client.get(action_url(s, "follow_up"))
    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert set(kinds) == {"visit", "callback", "meeting"}


def test_key_supervision(client, supervisor, stages):
    s = stages.in_progress()
    after = submit(
        client,
        supervisor,
        s,
        "key_supervision",
        {"key_supervision": "true", "note": "群众反映强烈。"},
        "重点督办设置已保存。",
    )
    assert after.key_supervision is True


def test_missing_version_is_refused(client, supervisor, stages):
    s = stages.in_progress()
    client.force_login(supervisor)
    response = client.post(action_url(s, "key_supervision"), {"key_supervision": "true"})
    assert response.status_code == 200
    assert fresh(s).key_supervision is False
