"""Every action through the API: what it does when allowed, what a refusal looks like, a
stale version, invalid input, and input that must never end in a server error."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from suggestions.deadlines import add_months
from suggestions.models import (
    Assignment,
    Event,
    ExtensionRequest,
    FollowUp,
    OutcomeChange,
    Reply,
    RequestStatus,
    ReturnRequest,
    Suggestion,
)
from tests.api.conftest import API, PDF, item_url
from tests.factories import DeputyFactory


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def act(client, pk, name: str, data: dict, status: int = 200) -> dict:
    """POST an action (multipart for the reply, JSON otherwise) and check the status."""
    fmt = "multipart" if name == "reply" else "json"
    response = client.post(item_url(pk, name), data, format=fmt)
    assert response.status_code == status, response.json()
    return response.json()


def letter(content: bytes = PDF, name: str = "dafuhan.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def snapshot(s: Suggestion) -> tuple:
    """What a refused request must leave unchanged."""
    fresh = Suggestion.objects.get(pk=s.pk)
    return (
        fresh.version,
        fresh.status,
        fresh.outcome,
        fresh.due_on,
        fresh.key_supervision,
        Event.objects.filter(suggestion=s).count(),
        Assignment.objects.filter(suggestion=s).count(),
    )


# ---------------------------------------------------------------------------------------
# A whole life, through the API only


def test_a_whole_life_through_the_api(clients, lead_department, co_department):
    office, lead, co, supervisor = (
        clients["office"],
        clients["lead"],
        clients["co"],
        clients["supervisor"],
    )
    today = timezone.localdate()
    deputy, cosigner = DeputyFactory(), DeputyFactory()

    # 登记
    response = office.post(
        f"{API}/suggestions/",
        {
            "kind": "suggestion",
            "source": "recess",
            "title": "关于增设公交站点的建议",
            "content": "建议在某路口增设公交站点。",
            "topic": "transport",
            "lead_deputy": deputy.pk,
            "co_signers": [cosigner.pk],
            "received_on": str(today),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    item = response.json()
    pk = item["id"]
    assert (item["status"], item["version"], item["year"]) == ("draft", 1, today.year)
    assert [d["id"] for d in item["co_signers"]] == [cosigner.pk]
    assert item["code"].startswith(f"{today.year}建")
    # A handler does not see a draft.
    assert lead.get(item_url(pk)).status_code == 404

    # 交办: 区房管局 leads, 区建设管理委 gives its opinion
    item = act(
        office,
        pk,
        "assign",
        {"version": 1, "lead": lead_department.pk, "co_departments": [co_department.pk]},
    )
    assert (item["status"], item["version"]) == ("assigned", 2)
    assert item["lead_department"] == "区房管局"
    assert item["assigned_on"] == str(today)
    assert item["reply_due_on"] == item["due_on"] == str(add_months(today, 3))
    roles = {a["department"]["name"]: a["role"] for a in item["assignments"] if a["is_active"]}
    assert roles == {"区房管局": "lead", "区建设管理委": "co"}

    # 会办意见 (counts as the co department signing for it)
    item = act(co, pk, "co_opinion", {"version": 2, "opinion": "同意主办单位意见。"})
    assert (item["status"], item["version"]) == ("assigned", 3)
    co_row = next(a for a in item["assignments"] if a["role"] == "co")
    assert co_row["opinion"] == "同意主办单位意见。"
    assert co_row["acknowledged_at"] is not None

    # 签收
    item = act(lead, pk, "acknowledge", {"version": 3})
    assert (item["status"], item["version"]) == ("in_progress", 4)

    # 答复, with the letter
    item = act(
        lead,
        pk,
        "reply",
        {
            "version": 4,
            "outcome": "planned",
            "text": "已列入明年计划。",
            "letter": letter(),
            "contact_person": "张三",
            "contact_phone": "021-12345678",
        },
    )
    assert (item["status"], item["version"], item["outcome"]) == ("replied", 5, "planned")
    assert item["first_replied_on"] == str(today)
    assert item["due_on"] is None
    [reply] = item["replies"]
    assert (reply["round"], reply["has_letter"], reply["letter_name"]) == (1, True, "dafuhan.pdf")
    assert reply["department"]["name"] == "区房管局"
    stored = Reply.objects.get(pk=reply["id"])
    with stored.letter.open("rb") as f:
        assert f.read() == PDF

    # 代表不满意: a second round
    item = act(
        office,
        pk,
        "feedback",
        {"version": 5, "satisfaction": "unsatisfied", "comment": "希望加快进度。"},
    )
    assert (item["status"], item["version"], item["satisfaction"]) == ("rework", 6, "unsatisfied")
    assert item["due_on"] is not None

    item = act(
        lead,
        pk,
        "reply",
        {"version": 6, "outcome": "resolved", "text": "站点已建成。"},
    )
    assert (item["status"], item["version"], item["outcome"]) == ("replied", 7, "resolved")
    assert sorted((r["round"], r["has_letter"]) for r in item["replies"]) == [
        (1, True),
        (2, False),
    ]
    assert item["first_replied_on"] == str(today)

    # 代表满意: closed
    item = act(office, pk, "feedback", {"version": 7, "satisfaction": "satisfied"})
    assert (item["status"], item["version"], item["satisfaction"]) == ("closed", 8, "satisfied")
    assert len(item["feedbacks"]) == 2

    # 跟踪复查 by the supervisor changes the outcome, with evidence
    item = act(
        supervisor,
        pk,
        "follow_up",
        {
            "version": 8,
            "kind": "recheck",
            "findings": "站点尚未投入使用。",
            "consistent_with_reply": False,
            "new_outcome": "in_progress",
        },
    )
    assert (item["status"], item["version"], item["outcome"]) == ("closed", 9, "in_progress")
    [follow_up] = item["follow_ups"]
    assert (follow_up["kind"], follow_up["consistent_with_reply"]) == ("recheck", False)
    change = OutcomeChange.objects.get(follow_up_id=follow_up["id"])
    assert (change.from_outcome, change.to_outcome) == ("resolved", "in_progress")

    # The timeline tells the whole story, newest first.
    actions = [e["action"] for e in item["events"]]
    assert actions == [
        "recheck",
        "feedback",
        "reply",
        "feedback",
        "reply",
        "acknowledge",
        "co_opinion",
        "assign",
        "create",
    ]
    # Everyone who held it still sees it; the list shows it once.
    for client in (lead, co, supervisor):
        assert client.get(item_url(pk)).json()["version"] == 9
    assert [r["id"] for r in office.get(f"{API}/suggestions/").json()["results"]] == [pk]


# ---------------------------------------------------------------------------------------
# The other actions


def test_return_request_approved_moves_the_item(clients, stages, other_department):
    s = stages.in_progress()
    item = act(
        clients["lead"],
        s.pk,
        "return_request",
        {
            "version": s.version,
            "reason": "不属于本单位职责。",
            "suggested_department": other_department.pk,
        },
    )
    assert (item["status"], item["version"]) == ("in_progress", s.version + 1)
    request = ReturnRequest.objects.get(assignment__suggestion=s)
    assert (request.status, request.suggested_department) == (
        RequestStatus.PENDING,
        other_department,
    )

    item = act(
        clients["office"],
        s.pk,
        "return_decide",
        {
            "version": item["version"],
            "decision": "approve",
            "lead": other_department.pk,
            "note": "同意。",
        },
    )
    assert item["status"] == "assigned"
    assert item["lead_department"] == "区绿化市容局"
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    # The new lead sees it; the old ones no longer do.
    assert clients["other"].get(item_url(s.pk)).status_code == 200
    assert clients["lead"].get(item_url(s.pk)).status_code == 404
    assert clients["co"].get(item_url(s.pk)).status_code == 404


def test_return_request_rejected_keeps_the_lead(clients, stages):
    s = stages.pending()
    item = act(
        clients["office"],
        s.pk,
        "return_decide",
        {"version": s.version, "decision": "reject", "note": "请继续办理。"},
    )
    assert (item["status"], item["lead_department"]) == ("in_progress", "区房管局")
    assert ReturnRequest.objects.get(assignment__suggestion=s).status == RequestStatus.REJECTED
    body = act(
        clients["office"],
        s.pk,
        "return_decide",
        {"version": item["version"], "decision": "reject"},
        status=400,
    )
    assert body == {"detail": "没有待审批的退办申请。", "code": "state"}


def test_approving_a_return_needs_the_new_lead(clients, stages):
    s = stages.pending()
    before = snapshot(s)
    body = act(
        clients["office"],
        s.pk,
        "return_decide",
        {"version": s.version, "decision": "approve"},
        status=400,
    )
    assert body["detail"] == "同意退办时须指定新的主办单位。"
    assert snapshot(s) == before


def test_extension_request_approved_moves_the_deadline(clients, stages):
    s = stages.in_progress()
    wanted = add_months(s.due_on, 1)
    item = act(
        clients["lead"],
        s.pk,
        "extension_request",
        {"version": s.version, "requested_due_on": str(wanted), "reason": "需要协调多个部门。"},
    )
    assert item["due_on"] == str(s.due_on)
    item = act(
        clients["office"],
        s.pk,
        "extension_decide",
        {"version": item["version"], "decision": "approve", "note": "同意延期。"},
    )
    assert item["reply_due_on"] == item["due_on"] == str(wanted)
    lead_row = next(a for a in item["assignments"] if a["role"] == "lead" and a["is_active"])
    assert lead_row["extended_due_on"] == str(wanted)
    assert ExtensionRequest.objects.get().status == RequestStatus.APPROVED


def test_extension_request_rejected_keeps_the_deadline(clients, stages):
    s = stages.pending()
    item = act(
        clients["office"],
        s.pk,
        "extension_decide",
        {"version": s.version, "decision": "reject", "note": "理由不充分。"},
    )
    assert item["due_on"] == str(s.due_on)
    assert ExtensionRequest.objects.get().status == RequestStatus.REJECTED


def test_an_extension_must_move_the_deadline_later(clients, stages):
    s = stages.in_progress()
    before = snapshot(s)
    body = act(
        clients["lead"],
        s.pk,
        "extension_request",
        {"version": s.version, "requested_due_on": str(s.due_on), "reason": "需要时间。"},
        status=400,
    )
    assert body["detail"] == f"申请延期的日期须晚于当前期限（{s.due_on:%Y-%m-%d}）。"
    assert snapshot(s) == before
    assert not ExtensionRequest.objects.exists()


def test_reassign(clients, stages, other_department):
    s = stages.in_progress()
    item = act(
        clients["office"],
        s.pk,
        "reassign",
        {"version": s.version, "lead": other_department.pk, "reason": "职责调整"},
    )
    assert (item["status"], item["lead_department"]) == ("assigned", "区绿化市容局")
    active = [a["department"]["name"] for a in item["assignments"] if a["is_active"]]
    assert active == ["区绿化市容局"]


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


def test_close_without_a_rating(clients, stages):
    s = stages.replied()
    item = act(clients["office"], s.pk, "close", {"version": s.version, "note": "代表未反馈。"})
    assert item["status"] == "closed"
    assert item["events"][0]["action"] == "close"
    assert item["events"][0]["note"] == "代表未反馈。"


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
# Refusals: 400 with the reason in Chinese, nothing changed


REFUSALS = [
    # (stage, role, action, body, code, detail — exact, or the start when it ends with "…")
    (
        "in_progress",
        "office",
        "feedback",
        {"satisfaction": "satisfied"},
        "state",
        "该建议当前状态为“办理中”，不能登记代表反馈（仅限“已答复”状态）。",
    ),
    (
        "in_progress",
        "lead",
        "reply",
        {"outcome": "resolved", "text": "已解决。"},
        "co_opinion",
        "会办单位区建设管理委尚未提交会办意见…",
    ),
    ("in_progress", "office", "close", {}, "state", "该建议当前状态为“办理中”，不能办结…"),
    (
        "draft",
        "office",
        "follow_up",
        {"kind": "visit", "findings": "x"},
        "state",
        "建议尚未交办，不能登记跟踪记录。",
    ),
    (
        "draft",
        "supervisor",
        "key_supervision",
        {"key_supervision": True},
        "state",
        "建议尚未交办，不能设为重点督办。",
    ),
    (
        "replied",
        "lead",
        "reply",
        {"outcome": "resolved", "text": "x"},
        "state",
        "该建议当前状态为“已答复”，不能答复代表…",
    ),
    (
        "replied",
        "co",
        "co_opinion",
        {"opinion": "x"},
        "state",
        "该建议当前状态为“已答复”，不能提交会办意见…",
    ),
    ("in_progress", "lead", "acknowledge", {}, "state", "区房管局已于…"),
    (
        "pending",
        "lead",
        "return_request",
        {"reason": "x"},
        "state",
        "已有一份退办申请正在审批，请等待区政府办公室处理。",
    ),
    (
        "replied",
        "office",
        "feedback",
        {"satisfaction": "unsatisfied"},
        "comment",
        "代表不满意时，请记录代表的具体意见，以便承办单位重新办理。",
    ),
    (
        "replied",
        "supervisor",
        "follow_up",
        {"kind": "supervision", "findings": "x", "new_outcome": "resolved"},
        "outcome",
        "只有跟踪复查可以变更办理结果。",
    ),
    (
        "replied",
        "supervisor",
        "follow_up",
        {"kind": "recheck", "findings": "x", "new_outcome": "planned"},
        "outcome",
        "办理结果已是“计划解决”，无需变更。",
    ),
]


@pytest.mark.parametrize(("stage", "role", "name", "body", "code", "detail"), REFUSALS)
def test_a_refused_action_is_400_in_chinese_and_changes_nothing(
    clients, stages, stage, role, name, body, code, detail
):
    s = stages.build(stage)
    before = snapshot(s)
    got = act(clients[role], s.pk, name, {"version": s.version, **body}, status=400)
    assert got["code"] == code
    if detail.endswith("…"):
        assert got["detail"].startswith(detail[:-1]), got["detail"]
    else:
        assert got["detail"] == detail
    assert snapshot(s) == before


def test_assigning_the_lead_as_co_department_too_is_refused(clients, stages, lead_department):
    s = stages.draft()
    before = snapshot(s)
    got = act(
        clients["office"],
        s.pk,
        "assign",
        {"version": s.version, "lead": lead_department.pk, "co_departments": [lead_department.pk]},
        status=400,
    )
    assert got["detail"] == "区房管局不能同时作为主办单位和会办单位。"
    assert snapshot(s) == before


@pytest.mark.parametrize(
    ("name", "role", "field", "what"),
    [
        ("assign", "office", "assigned_on", "交办日期"),
        ("feedback", "office", "received_on", "反馈日期"),
        ("follow_up", "supervisor", "happened_on", "跟踪日期"),
    ],
)
def test_a_date_in_the_future_is_refused(clients, stages, lead_department, name, role, field, what):
    s = stages.draft() if name == "assign" else stages.replied()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = {
        "version": s.version,
        "lead": lead_department.pk,
        "satisfaction": "satisfied",
        "kind": "supervision",
        "findings": "x",
        field: str(tomorrow),
    }
    before = snapshot(s)
    got = act(clients[role], s.pk, name, body, status=400)
    assert got["detail"] == f"{what}不能晚于今天（{timezone.localdate():%Y-%m-%d}）。"
    assert snapshot(s) == before


def test_a_reply_dated_in_the_future_is_refused(clients, stages, co_handler):
    s = stages.in_progress()
    act(clients["co"], s.pk, "co_opinion", {"version": s.version, "opinion": "同意。"})
    s.refresh_from_db()
    before = snapshot(s)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    got = act(
        clients["lead"],
        s.pk,
        "reply",
        {"version": s.version, "outcome": "resolved", "text": "x", "replied_on": str(tomorrow)},
        status=400,
    )
    assert got["detail"].startswith("答复日期不能晚于今天")
    assert snapshot(s) == before
    assert not Reply.objects.exists()


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


def test_an_action_the_state_no_longer_allows_on_a_stale_version_is_409(clients, stages):
    """Someone closed the item while the office was typing its feedback: say it changed,
    not merely that feedback does not fit a closed item."""
    s = stages.replied()
    act(clients["office"], s.pk, "close", {"version": s.version})
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


# ---------------------------------------------------------------------------------------
# Invalid input: 400, field by field, in Chinese


def assert_chinese_field_errors(body: dict, fields: set[str]) -> None:
    assert "detail" not in body, body
    assert set(body) == fields, body
    for field, messages in body.items():
        assert messages and all(has_chinese(m) for m in messages), (field, messages)


def test_wrong_types_are_field_errors(clients, stages):
    s = stages.draft()
    before = snapshot(s)
    response = clients["office"].post(
        item_url(s.pk, "assign"),
        {"version": "abc", "lead": 999999, "co_departments": "x", "assigned_on": "2024-13-45"},
        format="json",
    )
    assert response.status_code == 400
    assert_chinese_field_errors(
        response.json(), {"version", "lead", "co_departments", "assigned_on"}
    )
    assert snapshot(s) == before


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


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (letter(b"hello, not a pdf"), "文件内容不是有效的PDF文件，请检查后重新上传。"),
        (
            letter(PDF, "dafuhan.exe", "application/octet-stream"),
            "答复函只能上传 PDF、Word（.doc/.docx）或 OFD 文件，“dafuhan.exe”的格式不支持。",
        ),
        (letter(PDF, "dafuhan.pdf", "text/html"), "文件类型（text/html）与扩展名.pdf不符。"),
        (letter(b"", "dafuhan.pdf"), None),
    ],
)
def test_a_bad_letter_is_refused(clients, stages, upload, message):
    s = stages.in_progress()
    act(clients["co"], s.pk, "co_opinion", {"version": s.version, "opinion": "同意。"})
    s.refresh_from_db()
    before = snapshot(s)
    response = clients["lead"].post(
        item_url(s.pk, "reply"),
        {"version": s.version, "outcome": "resolved", "text": "已解决。", "letter": upload},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["letter"]
    assert has_chinese(body["letter"][0])
    if message:
        assert body["letter"] == [message]
    assert snapshot(s) == before
    assert not Reply.objects.exists()


def test_a_blank_text_is_a_field_error(clients, stages):
    s = stages.in_progress()
    before = snapshot(s)
    response = clients["co"].post(
        item_url(s.pk, "co_opinion"), {"version": s.version, "opinion": "   "}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"opinion": ["该字段不能为空。"]}
    assert snapshot(s) == before


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


def test_the_reply_takes_only_multipart(clients, stages):
    s = stages.in_progress()
    response = clients["lead"].post(
        item_url(s.pk, "reply"), {"version": s.version, "outcome": "resolved"}, format="json"
    )
    assert response.status_code == 415
    assert has_chinese(response.json()["detail"])


def test_an_unknown_choice_is_a_field_error(clients, stages):
    s = stages.replied()
    response = clients["supervisor"].post(
        item_url(s.pk, "follow_up"),
        {"version": s.version, "kind": "bogus", "findings": "x", "new_outcome": "bogus"},
        format="json",
    )
    assert response.status_code == 400
    assert_chinese_field_errors(response.json(), {"kind", "new_outcome"})


def test_malformed_json_is_400_in_chinese(clients, stages):
    """BUG (minor): a body that is not JSON gets DRF's untranslated "JSON parse error -
    Expecting property name…" (rest_framework/parsers.py does not mark it for translation,
    and config/api_auth.py api_exception_handler passes ParseError through). Every other
    answer of the API is in Chinese; expected e.g. "请求内容不是有效的JSON：…"."""
    s = stages.in_progress()
    response = clients["office"].post(
        item_url(s.pk, "key_supervision"), '{"version": 1,', content_type="application/json"
    )
    assert response.status_code == 400
    assert has_chinese(response.json()["detail"])


# ---------------------------------------------------------------------------------------
# No input ever ends in a server error


BIG = 10**30


def _json(**fields):
    """A JSON body builder; callables get the item and the lead department's id."""

    def build(s, dept):
        return json.dumps({k: v(s, dept) if callable(v) else v for k, v in fields.items()})

    return build


def _version(s, dept):
    return s.version


def _deputy(s, dept):
    return s.lead_deputy_id


def _dept(s, dept):
    return dept


JSON = "application/json"
NEW = "create"  # POST /suggestions/
EDIT = "update"  # PUT /suggestions/{id}/

# (id, action, body — a string or a builder, content type): what a confused or hostile
# client sends to an in-progress item, as the office.
GARBAGE_BODIES = [
    ("not-json", "key_supervision", "not json at all", JSON),
    ("empty", "key_supervision", "", JSON),
    ("null", "key_supervision", "null", JSON),
    ("string", "key_supervision", '"a string"', JSON),
    ("number", "key_supervision", "42", JSON),
    ("array", "key_supervision", "[]", JSON),
    ("array-of-objects", "key_supervision", '[{"version": 1}]', JSON),
    ("version-1e400", "key_supervision", '{"version": 1e400, "key_supervision": true}', JSON),
    ("version-nan", "key_supervision", '{"version": NaN, "key_supervision": true}', JSON),
    ("version-huge", "key_supervision", _json(version=BIG, key_supervision=True), JSON),
    ("version-negative", "key_supervision", _json(version=-BIG, key_supervision="maybe"), JSON),
    ("nested-types", "key_supervision", _json(version=[1], key_supervision={"a": 1}), JSON),
    ("nul-char", "key_supervision", _json(version=_version, note="\x00"), JSON),
    ("not-utf8", "key_supervision", b"\xff\xfe\x00garbage", JSON),
    (
        "form",
        "key_supervision",
        "version=1&key_supervision=true",
        "application/x-www-form-urlencoded",
    ),
    ("xml", "key_supervision", "<xml/>", "application/xml"),
    ("lead-huge", "reassign", _json(version=_version, lead=BIG), JSON),
    ("lead-negative", "reassign", _json(version=_version, lead=-1), JSON),
    ("lead-sql", "reassign", _json(version=_version, lead="1 OR 1=1"), JSON),
    (
        "co-garbage",
        "reassign",
        _json(version=_version, lead=_dept, co_departments=[BIG, "x", None]),
        JSON,
    ),
    (
        "date-5-digits",
        "reassign",
        _json(version=_version, lead=_dept, assigned_on="99999-01-01"),
        JSON,
    ),
    (
        "date-year-1",
        "reassign",
        _json(version=_version, lead=_dept, assigned_on="0001-01-01"),
        JSON,
    ),
    (
        "extension-9999",
        "extension_request",
        _json(version=_version, requested_due_on="9999-12-31", reason="x"),
        JSON,
    ),
    (
        "text-100k",
        "follow_up",
        _json(version=_version, kind="visit", findings="长" * 100_000),
        JSON,
    ),
    ("multipart-garbage", "reply", "garbage", "multipart/form-data; boundary=xyz"),
    ("multipart-no-boundary", "reply", "garbage", "multipart/form-data"),
    ("edit-array", EDIT, "[]", JSON),
    ("edit-huge-ids", EDIT, _json(version=BIG, lead_deputy=BIG), JSON),
    ("create-array", NEW, "[]", JSON),
    (
        "create-huge-ids",
        NEW,
        _json(title="x", lead_deputy=_deputy, received_on="2024-01-15", session=BIG, year=BIG),
        JSON,
    ),
    (
        "create-number-2**63",
        NEW,
        _json(
            title="x", source="recess", lead_deputy=_deputy, received_on="2024-01-15", number=2**63
        ),
        JSON,
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [pytest.param(*row[1:], id=row[0]) for row in GARBAGE_BODIES],
)
def test_garbage_input_never_ends_in_a_server_error(
    clients, stages, lead_department, name, body, content_type
):
    s = stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    data = body(s, lead_department.pk) if callable(body) else body
    if name == NEW:
        response = client.post(f"{API}/suggestions/", data, content_type=content_type)
    elif name == EDIT:
        response = client.put(item_url(s.pk), data, content_type=content_type)
    else:
        response = client.post(item_url(s.pk, name), data, content_type=content_type)
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        fresh = Suggestion.objects.get(pk=s.pk)
        assert (fresh.version, fresh.status) == (s.version, s.status)


GARBAGE_URLS = [
    "/suggestions/99999999999999999999999999/",
    "/suggestions/-1/",
    "/suggestions/0/",
    "/suggestions/1.5/",
    "/suggestions/%C2%B2/",  # "²": a digit to str.isdigit(), not to int()
    "/suggestions/%EF%BC%91/",  # a full-width "１"
    "/suggestions/?year=99999999999999999999999",
    "/suggestions/?year=1e400",
    "/suggestions/?year=abc",
    "/suggestions/?number=-1",
    "/suggestions/?department=99999999999999999999999",
    "/suggestions/?department=abc&department_role=bogus",
    "/suggestions/?deputy=-5",
    "/suggestions/?session=1.5",
    "/suggestions/?status=bogus&outcome=bogus",
    "/suggestions/?deadline=bogus",
    "/suggestions/?key_supervision=maybe",
    "/suggestions/?o=bogus",
    "/suggestions/?o=-due_on,title,-bogus",
    "/suggestions/?q=%00",
    "/suggestions/?q=2023%E5%BB%BA99999999999999999999999",
    "/suggestions/?page=0",
    "/suggestions/?page=99999999999999999999",
    "/suggestions/?page=abc",
    "/departments/99999999999999999999999/",
    "/departments/?is_active=maybe&kind=bogus",
    "/deputies/abc/",
    "/deputies/?level=bogus&page=-1",
    "/sessions/?year=99999999999999999999999",
    "/reports/?quarter=2023Q5",
    "/reports/?quarter=99999Q1",
    "/reports/?as_of=9999-12-31",
    "/reports/?as_of=0001-01-01",
    "/reports/?as_of=2024-02-30",
    "/reports/?year=99999999999999999999999",
    "/reports/?department=99999999999999999999999",
    "/reports/?kind=bogus&source=bogus",
]


@pytest.mark.parametrize("path", GARBAGE_URLS)
def test_garbage_urls_never_end_in_a_server_error(clients, stages, path):
    stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    response = client.get(f"{API}{path}")
    assert response.status_code < 500, response.status_code
    assert response.status_code in (200, 400, 404), response.status_code


def test_a_non_ascii_digit_id_is_404_not_500(clients, stages):
    """BUG: suggestions/api/views.py SuggestionViewSet.get_object checks the id with
    str.isdigit(), which is true for "²" (and other Unicode digits) that int() refuses:
    GET /api/v1/suggestions/²/ raises ValueError → 500. Same for every action URL."""
    stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    assert client.get(f"{API}/suggestions/%C2%B2/").status_code == 404
    response = client.post(f"{API}/suggestions/%C2%B2/close/", {"version": 1}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"text"', "7", "null"])
def test_a_json_body_that_is_not_an_object_is_400_not_500(clients, stages, body):
    """BUG: suggestions/api/views.py SuggestionViewSet.act reads `request.data.get("version")`
    before any validation; when the JSON body is an array, a string or a number,
    request.data has no .get → AttributeError → 500 on every action of an item the user
    sees. Expected: 400 (the serializer's "无效数据。期待为字典类型…")."""
    s = stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    response = client.post(item_url(s.pk, "key_supervision"), body, content_type="application/json")
    assert response.status_code == 400
    assert Suggestion.objects.get(pk=s.pk).version == s.version


def test_an_overflowing_version_is_400_not_500(clients, stages):
    """BUG: suggestions/api/views.py _int_or_none catches TypeError and ValueError but not
    OverflowError; JSON `1e400` parses to float('inf') and int(inf) raises OverflowError →
    500 on every action. Expected: 400 with a field error on `version`."""
    s = stages.in_progress()
    client = clients["office"]
    client.raise_request_exception = False
    response = client.post(
        item_url(s.pk, "key_supervision"),
        '{"version": 1e400, "key_supervision": true}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_report_as_of_year_one_is_400_not_500(clients):
    """BUG: reports/api.py ReportView → reports/forms.py ReportScopeForm.clean →
    reports/selectors.py previous_quarter_end(date(1, 1, 1)) builds date(0, 12, 31):
    ValueError "year 0 is out of range" → 500 for GET /api/v1/reports/?as_of=0001-01-01
    (any as_of in the first quarter of year 1). Expected: 400 with an `as_of` error."""
    client = clients["office"]
    client.raise_request_exception = False
    response = client.get(f"{API}/reports/", {"as_of": "0001-01-01"})
    assert response.status_code == 400
    assert "as_of" in response.json()
