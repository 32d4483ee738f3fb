"""Intake through the API — 登记 (POST /suggestions/) and 修改 (PUT /suggestions/{id}/): what
they write, a stale edit (409), and invalid input (400, field by field, in Chinese).
"""

from __future__ import annotations

from suggestions.models import Suggestion
from tests.api.actions.helpers import act
from tests.api.actions.helpers import assert_chinese_field_errors
from tests.api.actions.helpers import snapshot
from tests.api.conftest import API
from tests.api.conftest import item_url
from tests.factories import DeputyFactory


def test_the_office_updates_the_registered_facts(clients, stages):
    s = stages.draft()
    deputy = DeputyFactory()
    response = clients["office"].put(
        item_url(s.pk),
        {
            "version": s.version,
            "kind": "suggestion",
            "source": "session",
            "session": s.session_id,
            "title": "关于改善停车条件的建议（修订）",
            "topic": "transport",
            "lead_deputy": deputy.pk,
            "received_on": str(s.received_on),
            "number": 42,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    item = response.json()
    assert (item["title"], item["lead_deputy"]["id"], item["number"]) == (
        "关于改善停车条件的建议（修订）",
        deputy.pk,
        42,
    )
    assert item["version"] == s.version + 1
    assert item["events"][0]["action"] == "update"


# ---------------------------------------------------------------------------------------
# A stale version: 409


def test_a_stale_edit_is_409(clients, stages):
    s = stages.draft()
    act(
        clients["office"], s.pk, "assign", {"version": s.version, "lead": stages.lead_department.pk}
    )
    before = snapshot(s)
    response = clients["office"].put(
        item_url(s.pk),
        {
            "version": s.version,
            "kind": "suggestion",
            "source": "session",
            "session": s.session_id,
            "title": "覆盖他人修改",
            "topic": "transport",
            "lead_deputy": s.lead_deputy_id,
            "received_on": str(s.received_on),
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert snapshot(s) == before
    assert Suggestion.objects.get(pk=s.pk).title != "覆盖他人修改"


# ---------------------------------------------------------------------------------------
# Invalid input: 400, field by field, in Chinese


def test_registering_without_the_required_fields(clients):
    response = clients["office"].post(f"{API}/suggestions/", {}, format="json")
    assert response.status_code == 400
    assert_chinese_field_errors(response.json(), {"title", "lead_deputy", "received_on"})
    assert response.json()["title"] == ["该字段是必填项。"]
    assert not Suggestion.objects.exists()


def test_registering_with_bad_values(clients):
    response = clients["office"].post(
        f"{API}/suggestions/",
        {
            "kind": "bogus",
            "title": "长" * 201,
            "lead_deputy": "abc",
            "received_on": "yesterday",
            "year": 1999,
            "number": 0,
            "co_signers": [123456],
        },
        format="json",
    )
    assert response.status_code == 400
    assert_chinese_field_errors(
        response.json(),
        {"kind", "title", "lead_deputy", "received_on", "year", "number", "co_signers"},
    )


def test_a_session_item_without_its_session_is_refused_by_the_service(clients):
    deputy = DeputyFactory()
    response = clients["office"].post(
        f"{API}/suggestions/",
        {"title": "关于x的建议", "lead_deputy": deputy.pk, "received_on": "2024-01-15"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "大会期间提出的建议须选择所属会议。", "code": "session"}


def test_an_item_number_beyond_the_database_integer_is_400_not_500(clients):
    """BUG: suggestions/api/serializers.py SuggestionWriteSerializer.number (and `year` of
    SuggestionUpdateSerializer… only `number` is unbounded) has min_value=1 and no
    max_value, but Suggestion.number is a PositiveIntegerField. POST /api/v1/suggestions/
    with "number": 9223372036854775808 (2**63) passes validation and the INSERT raises
    OverflowError on SQLite → 500 (on PostgreSQL, whose column is a 32-bit integer, any
    number above 2147483647 fails the same way with DataError). Expected: 400 with a
    `number` field error."""
    client = clients["office"]
    client.raise_request_exception = False
    deputy = DeputyFactory()
    response = client.post(
        f"{API}/suggestions/",
        {
            "title": "关于x的建议",
            "source": "recess",
            "lead_deputy": deputy.pk,
            "received_on": "2024-01-15",
            "number": 2**63,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "number" in response.json()
    assert not Suggestion.objects.exists()
