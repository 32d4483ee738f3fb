"""Assignment through the API — 交办, 重新交办, 退办 request and decision, 延期 request and
decision: what they do, and their refusals.
"""

from __future__ import annotations

from suggestions.deadlines import add_months
from suggestions.models import ExtensionRequest
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from tests.api.actions.helpers import act
from tests.api.actions.helpers import assert_chinese_field_errors
from tests.api.actions.helpers import snapshot
from tests.api.conftest import item_url


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


# ---------------------------------------------------------------------------------------
# Refusals and invalid input: 400, in Chinese, nothing changed


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
