"""The API serves deputies too: its token lists only its items, every other item is a
404, and the feedback action takes the lead deputy's rating."""

from __future__ import annotations

import pytest

from suggestions.models import Feedback
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import item_url
from tests.api.conftest import token_client
from tests.api.test_permissions import probe
from tests.factories import DeputyFactory
from tests.factories import deputy_user
from tests.permission_table import ALL_ACTIONS
from tests.permission_table import STAGES


def test_a_deputys_token_lists_only_its_items(portal):
    client = token_client(portal.lead)
    response = client.get(f"{API}/suggestions/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        portal.replied.pk,
        portal.led_draft.pk,
        portal.cosigned.pk,
    }
    assert client.get(item_url(portal.replied.pk)).status_code == 200
    assert client.get(item_url(portal.others.pk)).status_code == 404
    assert client.get(item_url(999_999)).status_code == 404

    cosigner = token_client(portal.cosigner)
    rows = cosigner.get(f"{API}/suggestions/").json()["results"]
    assert [row["id"] for row in rows] == [portal.replied.pk]
    for s in (portal.led_draft, portal.cosigned, portal.others):
        assert cosigner.get(item_url(s.pk)).status_code == 404


def test_a_deputy_reads_no_reports_nor_reference_data_and_registers_nothing(portal):
    client = token_client(portal.lead)
    for url in ("reports/", "departments/", "deputies/", "sessions/"):
        assert client.get(f"{API}/{url}").status_code in (403, 404), url
    assert client.post(f"{API}/suggestions/", {}, format="json").status_code == 403
    assert client.get(item_url(portal.replied.pk, "deputy_phone")).status_code == 403
    assert client.post(item_url(portal.others.pk, "feedback"), {}, format="json").status_code == 404


def test_the_feedback_action_takes_the_lead_deputys_rating(portal):
    s = portal.replied
    cosigner = token_client(portal.cosigner)
    refused = cosigner.post(
        item_url(s.pk, "feedback"),
        {"satisfaction": "satisfied", "version": s.version},
        format="json",
    )
    assert refused.status_code == 403
    assert not Feedback.objects.exists()

    lead = token_client(portal.lead)
    response = lead.post(
        item_url(s.pk, "feedback"),
        {"satisfaction": "unsatisfied", "comment": "还没有解决", "version": s.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.REWORK
    assert response.json()["feedbacks"][0]["entered_by_deputy"] is True
    assert Suggestion.objects.get(pk=s.pk).status == Status.REWORK
    # Other actions stay the office's and the handlers'.
    closing = lead.post(item_url(s.pk, "close"), {"version": s.version + 1}, format="json")
    assert closing.status_code == 403


@pytest.mark.parametrize("stage", STAGES)
def test_every_action_for_deputies_at_every_stage(stages, stage):
    """The lead deputy may only rate (past the rules at 已答复, a state refusal before);
    a co-signer may take no action; a stranger finds nothing."""
    lead, cosigner = DeputyFactory(name="领衔代表"), DeputyFactory(name="联名代表")
    s = stages.build(stage, lead_deputy=lead)
    s.co_signers.add(cosigner)
    clients = {
        "lead": token_client(deputy_user(lead, username="daibiao1")),
        "cosigner": token_client(deputy_user(cosigner, username="daibiao2")),
        "stranger": token_client(deputy_user(DeputyFactory(name="无关"), username="daibiao3")),
    }
    for who, client in clients.items():
        assert client.get(item_url(s.pk)).status_code == (404 if who == "stranger" else 200)
        for name in ALL_ACTIONS:
            response = probe(client, s.pk, name)
            body = response.json()
            if who == "stranger":
                assert response.status_code == 404, name
            elif who == "lead" and name == "feedback":
                assert response.status_code == 400, (stage, body)
                if stage == "replied":
                    assert "version" in body and "detail" not in body, body
                else:
                    assert body["code"] == "state", body
            else:
                assert (response.status_code, body["code"]) == (403, "permission"), (who, name)
    fresh = Suggestion.objects.get(pk=s.pk)
    assert (fresh.version, fresh.status) == (s.version, s.status)
