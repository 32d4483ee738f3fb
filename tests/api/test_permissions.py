"""Who may do what through the API: role × endpoint × method, the same answers as the pages.

The tables below are written by hand from the rules in DESIGN / services.py (the same as
tests/suggestions/test_views_permissions.py); one test also asks the browser app the same
questions and compares the answers one by one.

An action is probed with an empty body: when the rules let the user act, the request gets as
far as the input check and is refused for the missing fields (400 with field errors, nothing
changes); when they do not, the refusal names the reason — 403 when it is about who acts,
400 when it is about the item's state — and an item the user does not see is 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from suggestions.models import FollowUp
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import ROLES
from tests.api.conftest import item_url
from tests.api.conftest import token_client
from tests.factories import CongressSessionFactory
from tests.factories import DeputyFactory
from tests.permission_table import ALL_ACTIONS
from tests.permission_table import ALLOWED
from tests.permission_table import STAGES
from tests.permission_table import SUPERVISOR_REASONS

# With both §11 switches off there is no draft: the office's review and the co department's
# countersign are refused for the state (nothing to review or sign), the lead's draft as
# the direct reply is.
REVIEW = {"reply_review"}
LEAD_DRAFT = {"reply_draft", "countersigned_submit"}

# Of the refused actions, those refused because of the item's state (400); every other
# refusal is about who acts (403).
# 并案 / 分办 (DESIGN §11): only before assignment; 撤销并案 only on a merged item.
GROUPING = {"merge", "split", "unmerge"}
STATE_REFUSALS = {
    "draft": {
        "office": {
            "reassign",
            "return_decide",
            "extension_decide",
            "feedback",
            "follow_up",
            "key_supervision",
            "close",
            "reply_review",
            "unmerge",
        },
        "supervisor": {"follow_up", "key_supervision"},
    },
    "in_progress": {
        "office": {"assign", "return_decide", "extension_decide", "feedback", "close"}
        | REVIEW
        | GROUPING,
        "supervisor": set(),
        "lead": {"acknowledge", "reply"} | LEAD_DRAFT,
        "co": {"countersign"},
    },
    "replied": {
        "office": {"assign", "reassign", "return_decide", "extension_decide"} | REVIEW | GROUPING,
        "supervisor": set(),
        "lead": {"acknowledge", "reply", "return_request", "extension_request"} | LEAD_DRAFT,
        "co": {"acknowledge", "co_opinion", "countersign"},
    },
    "pending": {
        "office": {"assign", "feedback", "close"} | REVIEW | GROUPING,
        "supervisor": set(),
        "lead": {"acknowledge", "reply", "return_request", "extension_request"} | LEAD_DRAFT,
        "co": {"countersign"},
    },
}


NOT_FOUND = "未找到该建议，或您无权查看。"


def test_the_tables_cover_every_action_and_stage():
    from suggestions import services

    assert set(ALL_ACTIONS) == set(services.ACTION_CHECKS)
    for stage, roles in ALLOWED.items():
        assert set(STATE_REFUSALS[stage]) == set(roles)
        for role, allowed in roles.items():
            assert not allowed & STATE_REFUSALS[stage][role], (stage, role)


def probe(client, pk, name: str):
    """Ask for an action with an empty body."""
    if name == "update":
        return client.put(item_url(pk), {}, format="json")
    # The reply endpoints take the letter, so only multipart.
    fmt = "multipart" if name in ("reply", "reply_draft") else "json"
    return client.post(item_url(pk, name), {}, format=fmt)


def expected_status(stage: str, role: str, name: str) -> int:
    if role not in ALLOWED[stage]:
        return 404
    if name in ALLOWED[stage][role]:
        return 400  # allowed: refused only for the empty input
    return 400 if name in STATE_REFUSALS[stage][role] else 403


# ---------------------------------------------------------------------------------------
# Suggestions: retrieve and every action, for every role at every stage


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", STAGES)
def test_retrieve_and_every_action(clients, stages, stage, role):
    s = stages.build(stage)
    client = clients[role]
    detail = client.get(item_url(s.pk))
    assert detail.status_code == (200 if role in ALLOWED[stage] else 404)

    got, expected = {}, {}
    for name in ALL_ACTIONS:
        response = probe(client, s.pk, name)
        got[name] = response.status_code
        expected[name] = expected_status(stage, role, name)
        body = response.json()
        if response.status_code == 404:
            assert body == {"detail": NOT_FOUND}, name
        elif response.status_code == 403:
            assert body["code"] == "permission", name
            assert body["detail"], name
        elif name in ALLOWED[stage].get(role, ()):
            # Past the rules: the missing input is named field by field.
            assert "detail" not in body, (name, body)
            assert "version" in body, (name, body)
        else:
            assert body["code"] != "permission", (name, body)
            assert body["detail"], name
    assert got == expected

    if role == "supervisor" and stage == "in_progress":
        for name, reason in SUPERVISOR_REASONS.items():
            assert probe(client, s.pk, name).json()["detail"] == reason, name

    fresh = Suggestion.objects.get(pk=s.pk)
    assert (fresh.version, fresh.status) == (s.version, s.status)


@pytest.mark.parametrize("stage", STAGES)
def test_the_api_answers_as_the_pages_do(client, clients, users, stages, stage):
    """For each role and action: the page opens (200) exactly when the API lets the user act,
    the page refuses (403) exactly when the API refuses, with the same reason word for word,
    and the page is 404 exactly when the API is."""
    s = stages.build(stage)
    for role in ROLES:
        client.force_login(users[role])
        page_detail = client.get(reverse("suggestions:detail", args=[s.pk])).status_code
        api_detail = clients[role].get(item_url(s.pk)).status_code
        assert page_detail == api_detail, role
        for name in ALL_ACTIONS:
            page = client.get(reverse("suggestions:action", args=[s.pk, name]))
            api = probe(clients[role], s.pk, name)
            where = (role, name, page.status_code, api.status_code)
            if page.status_code == 200:
                assert api.status_code == 400 and "detail" not in api.json(), where
            elif page.status_code == 404:
                assert api.status_code == 404, where
            else:
                assert page.status_code == 403, where
                assert api.status_code in (400, 403), where
                assert api.json()["detail"] == page.context["reason"], where


@pytest.mark.parametrize("stage", STAGES)
def test_a_handler_of_another_department_is_404_everywhere(clients, stages, stage):
    s = stages.build(stage)
    client = clients["other"]
    assert client.get(item_url(s.pk)).json() == {"detail": NOT_FOUND}
    full = {
        "version": s.version,
        "note": "x",
        "reason": "x",
        "opinion": "x",
        "text": "x",
        "findings": "x",
        "kind": "visit",
        "outcome": "resolved",
    }
    for name in ALL_ACTIONS:
        if name == "update":
            response = client.put(item_url(s.pk), full, format="json")
        else:
            fmt = "multipart" if name in ("reply", "reply_draft") else "json"
            response = client.post(item_url(s.pk, name), full, format=fmt)
        assert response.status_code == 404, name
    fresh = Suggestion.objects.get(pk=s.pk)
    assert (fresh.version, fresh.status) == (s.version, s.status)


@pytest.mark.parametrize("role", ROLES)
def test_a_missing_item_is_404(clients, role):
    client = clients[role]
    assert client.get(item_url(999999)).status_code == 404
    assert client.post(item_url(999999, "follow_up"), {}, format="json").status_code == 404
    assert client.get(f"{API}/suggestions/abc/").status_code == 404


@pytest.mark.parametrize("role", ["lead", "co", "other"])
def test_handlers_see_only_the_items_their_department_holds(clients, stages, role):
    draft = stages.draft()
    held = [stages.in_progress(), stages.replied()]
    response = clients[role].get(f"{API}/suggestions/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert draft.pk not in ids
    assert ids == ({s.pk for s in held} if role in ("lead", "co") else set())


@pytest.mark.parametrize("role", ["office", "supervisor"])
def test_office_and_supervisor_see_every_item(clients, stages, role):
    items = [stages.draft(), stages.in_progress(), stages.replied()]
    response = clients[role].get(f"{API}/suggestions/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {s.pk for s in items}


# ---------------------------------------------------------------------------------------
# Suggestions: create and update


def new_item(deputy) -> dict:
    return {
        "kind": "suggestion",
        "source": "recess",
        "title": "关于增设公交站点的建议",
        "topic": "transport",
        "lead_deputy": deputy.pk,
        "received_on": "2024-01-15",
    }


@pytest.mark.parametrize("role", ["supervisor", "lead", "co", "other"])
def test_only_the_office_may_register(clients, role):
    response = clients[role].post(f"{API}/suggestions/", new_item(DeputyFactory()), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有区政府办公室工作人员可以登记建议。"
    assert not Suggestion.objects.exists()


def test_the_office_registers(clients):
    response = clients["office"].post(
        f"{API}/suggestions/", new_item(DeputyFactory()), format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == Status.DRAFT


@pytest.mark.parametrize("role", ["supervisor", "lead", "co"])
def test_only_the_office_may_edit(clients, stages, role):
    s = stages.in_progress()
    other_deputy = DeputyFactory()
    body = {**new_item(other_deputy), "version": s.version, "source": "session"}
    body["session"] = s.session_id
    response = clients[role].put(item_url(s.pk), body, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有区政府办公室工作人员可以修改建议。"
    fresh = Suggestion.objects.get(pk=s.pk)
    assert fresh.lead_deputy_id == s.lead_deputy_id
    assert fresh.version == s.version


@pytest.mark.parametrize("role", ROLES)
def test_there_is_no_partial_update_or_delete_of_an_item(clients, stages, role):
    s = stages.in_progress()
    client = clients[role]
    patch = client.patch(item_url(s.pk), {"reply_due_on": "2030-01-01"}, format="json")
    assert patch.status_code == 405
    assert client.delete(item_url(s.pk)).status_code == 405
    assert Suggestion.objects.get(pk=s.pk).due_on == s.due_on


@pytest.mark.parametrize("name", ["assign", "reassign", "return_decide", "extension_decide"])
def test_handlers_cannot_move_an_item_between_departments_or_dates(
    clients, stages, other_department, name
):
    s = stages.pending()
    body = {
        "version": s.version,
        "lead": other_department.pk,
        "co_departments": [],
        "decision": "approve",
    }
    for role in ("lead", "co"):
        response = clients[role].post(item_url(s.pk, name), body, format="json")
        assert response.status_code == 403, (role, name)
        assert response.json()["code"] == "permission"
    fresh = Suggestion.objects.get(pk=s.pk)
    assert (fresh.version, fresh.due_on, fresh.reply_due_on) == (
        s.version,
        s.due_on,
        s.reply_due_on,
    )


def test_the_office_edit_ignores_read_only_fields(clients, stages):
    s = stages.in_progress()
    body = {
        **new_item(s.lead_deputy),
        "source": "session",
        "session": s.session_id,
        "received_on": str(s.received_on),
        "title": "新标题",
        "version": s.version,
        "status": "closed",
        "due_on": "2030-01-01",
        "reply_due_on": "2030-01-01",
        "key_supervision": True,
    }
    response = clients["office"].put(item_url(s.pk), body, format="json")
    assert response.status_code == 200, response.json()
    fresh = Suggestion.objects.get(pk=s.pk)
    assert fresh.title == "新标题"
    assert (fresh.status, fresh.due_on, fresh.reply_due_on, fresh.key_supervision) == (
        s.status,
        s.due_on,
        s.reply_due_on,
        False,
    )


# ---------------------------------------------------------------------------------------
# Supervisor: watches and presses, does not handle


@pytest.mark.parametrize("name", ["assign", "reply", "feedback", "close", "reassign"])
def test_the_supervisor_cannot_handle_items(clients, stages, lead_department, name):
    s = stages.replied() if name in ("feedback", "close") else stages.in_progress()
    if name == "assign":
        s = stages.draft()
    body = {
        "version": s.version,
        "lead": lead_department.pk,
        "outcome": "resolved",
        "text": "已解决。",
        "satisfaction": "satisfied",
    }
    fmt = "multipart" if name in ("reply", "reply_draft") else "json"
    response = clients["supervisor"].post(item_url(s.pk, name), body, format=fmt)
    assert response.status_code == 403
    assert response.json()["detail"] == SUPERVISOR_REASONS[name]
    assert Suggestion.objects.get(pk=s.pk).version == s.version


def test_the_supervisor_records_a_supervision_and_sets_key_supervision(clients, stages):
    s = stages.in_progress()
    client = clients["supervisor"]
    response = client.post(
        item_url(s.pk, "follow_up"),
        {"version": s.version, "kind": "supervision", "findings": "已督促加快办理。"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [f["kind"] for f in body["follow_ups"]] == ["supervision"]
    response = client.post(
        item_url(s.pk, "key_supervision"),
        {"version": body["version"], "key_supervision": True, "note": "列入年度重点。"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["key_supervision"] is True
    assert Suggestion.objects.get(pk=s.pk).key_supervision is True


@pytest.mark.parametrize(
    ("role", "kind", "reason"),
    [
        ("supervisor", FollowUp.Kind.MEETING, "督查室不能登记“面商”记录。"),
        ("lead", FollowUp.Kind.SUPERVISION, "承办单位不能登记“督办”记录。"),
        ("co", FollowUp.Kind.RECHECK, "承办单位不能登记“跟踪复查”记录。"),
    ],
)
def test_each_role_records_only_its_kinds_of_follow_up(clients, stages, role, kind, reason):
    s = stages.replied()
    response = clients[role].post(
        item_url(s.pk, "follow_up"),
        {"version": s.version, "kind": kind, "findings": "情况属实。"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == reason
    assert not FollowUp.objects.filter(suggestion=s).exists()


# ---------------------------------------------------------------------------------------
# Reference data: every role reads, only admins write


REFERENCE = ["departments", "deputies", "sessions"]


@pytest.fixture
def reference_rows(db):
    return {
        "departments": Department.objects.create(name="区教育局", contact_phone="021-1234"),
        "deputies": DeputyFactory(name="王代表", phone="13812345678"),
        "sessions": CongressSessionFactory(),
    }


def new_reference(kind: str, n: int = 1) -> dict:
    return {
        "departments": {"name": f"区卫健委{n}", "kind": "bureau"},
        "deputies": {"name": f"李代表{n}", "level": "district", "phone": "13900001111"},
        "sessions": {
            "name": f"区二届人大第{n}次会议",
            "year": 2025,
            "starts_on": "2025-01-06",
            "ends_on": "2025-01-09",
        },
    }[kind]


def model_of(kind: str):
    return {"departments": Department, "deputies": Deputy, "sessions": CongressSession}[kind]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", REFERENCE)
def test_every_role_reads_reference_data_and_none_writes_it(clients, reference_rows, kind, role):
    client = clients[role]
    row = reference_rows[kind]
    url, detail = f"{API}/{kind}/", f"{API}/{kind}/{row.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(detail).status_code == 200
    before = model_of(kind).objects.count()
    refused = [
        client.post(url, new_reference(kind), format="json"),
        client.put(detail, new_reference(kind), format="json"),
        client.patch(detail, {"name": "改名"}, format="json"),
        client.delete(detail),
    ]
    for response in refused:
        assert response.status_code == 403, response.request["REQUEST_METHOD"]
        assert response.json()["detail"] == "只有系统管理员可以修改基础数据。"
    assert model_of(kind).objects.count() == before
    row.refresh_from_db()
    assert row.name != "改名"


@pytest.mark.parametrize("kind", REFERENCE)
def test_anonymous_cannot_read_reference_data(db, reference_rows, kind):
    client = token_client(None)
    assert client.get(f"{API}/{kind}/").status_code == 401
    assert client.get(f"{API}/{kind}/{reference_rows[kind].pk}/").status_code == 401


@pytest.mark.parametrize("kind", REFERENCE)
def test_an_admin_writes_reference_data(staff_user, kind):
    client = token_client(staff_user)
    url = f"{API}/{kind}/"
    created = client.post(url, new_reference(kind, 1), format="json")
    assert created.status_code == 201, created.json()
    detail = f"{url}{created.json()['id']}/"
    assert client.put(detail, new_reference(kind, 2), format="json").status_code == 200
    assert client.patch(detail, {"name": "新名称"}, format="json").status_code == 200
    assert model_of(kind).objects.get(pk=created.json()["id"]).name == "新名称"
    assert client.delete(detail).status_code == 204
    assert not model_of(kind).objects.filter(pk=created.json()["id"]).exists()


@pytest.mark.parametrize("kind", REFERENCE)
def test_deleting_reference_data_in_use_is_refused_not_a_500(staff_user, stages, kind):
    """BUG: departments/api.py — the ModelViewSets delete with `instance.delete()`, and the
    rows are PROTECTed by the items that use them (Suggestion.lead_deputy, Suggestion.session,
    Assignment.department, User.department…). DELETE /api/v1/{kind}/{id}/ of a row in use
    raises ProtectedError, which nothing turns into an answer: 500. Expected: a 4xx (400 or
    409) with a Chinese `detail`, and the row kept."""
    s = stages.in_progress()
    row = {
        "departments": stages.lead_department,
        "deputies": s.lead_deputy,
        "sessions": s.session,
    }[kind]
    client = token_client(staff_user)
    client.raise_request_exception = False
    response = client.delete(f"{API}/{kind}/{row.pk}/")
    assert response.status_code in (400, 409), response.status_code
    assert response.json()["detail"]
    assert model_of(kind).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_deputies_phones_are_masked_for_everyone(clients, reference_rows, role):
    deputy = reference_rows["deputies"]
    rows = clients[role].get(f"{API}/deputies/").json()["results"]
    assert [r["phone"] for r in rows if r["id"] == deputy.pk] == ["138****5678"]
    one = clients[role].get(f"{API}/deputies/{deputy.pk}/").json()
    assert one["phone"] == "138****5678"


def test_admins_see_masked_phones_too(staff_user, reference_rows):
    # DESIGN §13: in full only to the office and the handling departments, item by item
    # (tests/security/test_phones.py).
    deputy = reference_rows["deputies"]
    client = token_client(staff_user)
    assert client.get(f"{API}/deputies/{deputy.pk}/").json()["phone"] == "138****5678"


# ---------------------------------------------------------------------------------------
# Reports: the office and the supervisor only


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("office", 200),
        ("supervisor", 200),
        ("lead", 403),
        ("co", 403),
        ("other", 403),
    ],
)
def test_reports_by_role(clients, stages, role, expected):
    stages.replied()
    response = clients[role].get(f"{API}/reports/")
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["detail"] == "统计报告仅供区政府办公室和督查室使用。"
    if expected == 200:
        assert "suggestions" in response.json()
    # The report is read-only.
    posted = clients[role].post(f"{API}/reports/", {}, format="json")
    assert posted.status_code == (405 if expected == 200 else expected)
