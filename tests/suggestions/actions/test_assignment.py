"""Assignment through the HTML forms — 交办 (one item or a bulk of drafts), 重新交办, 签收,
退办 request and decision, 延期 request and decision.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from suggestions import services
from suggestions.deadlines import add_months
from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import ExtensionRequest
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from suggestions.models import Status
from tests.factories import SuggestionFactory
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import field_error
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import radio_checked
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today

# ---------------------------------------------------------------------------------------
# Assign


def test_assign(client, office, stages, lead_department, co_department):
    s = stages.draft()
    after = submit(
        client,
        office,
        s,
        "assign",
        {
            "lead": lead_department.pk,
            "co_departments": [co_department.pk],
            "assigned_on": iso(today()),
        },
        "已交办。",
    )
    assert after.status == Status.ASSIGNED
    assert after.assigned_on == today()
    assert after.due_on == add_months(today(), 3)
    roles = set(after.assignments.values_list("department__name", "role"))
    assert roles == {("区房管局", "lead"), ("区建设管理委", "co")}


def test_assign_lead_also_as_co_is_refused_beside_the_field(client, office, stages):
    s = stages.draft()
    client.force_login(office)
    lead = stages.lead_department
    response = client.post(
        action_url(s, "assign"),
        {
            "version": s.version,
            "lead": lead.pk,
            "co_departments": [lead.pk],
            "assigned_on": iso(today()),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能同时作为会办单位" in field_error(page, "co_departments")
    assert fresh(s).status == Status.DRAFT


# ---------------------------------------------------------------------------------------
# Bulk assign


def test_bulk_assign_refuses_a_non_draft_and_assigns_nothing(
    client, office, stages, lead_department
):
    drafts = SuggestionFactory.create_batch(2)
    assigned = stages.assigned()
    client.force_login(office)
    response = client.post(
        reverse("suggestions:bulk_assign"),
        {
            "ids": [drafts[0].pk, drafts[1].pk, assigned.pk],
            "lead": lead_department.pk,
            "assigned_on": iso(today()),
            "query": "status=draft",
        },
    )
    # The list as it was (status=draft), what was chosen kept, the reason said.
    assert response.status_code == 400
    assert response.context["filter"].data.urlencode() == "status=draft"
    page = response.content.decode()
    assert "未交办任何建议：" in page
    assert str(assigned.pk) in page
    for d in drafts:
        assert f'name="ids" value="{d.pk}" aria-label="选择{d.code}" checked' in page
    assert f'<option value="{lead_department.pk}" selected>' in page
    assert f'value="{iso(today())}"' in page
    for d in drafts:
        assert fresh(d).status == Status.DRAFT
    assert not Assignment.objects.filter(suggestion__in=drafts).exists()


def test_bulk_assign_two_drafts_keeps_the_filter(client, office, lead_department, co_department):
    drafts = SuggestionFactory.create_batch(2)
    other = SuggestionFactory()
    client.force_login(office)
    query = "status=draft&year=2024&o=-due_on"
    response = client.post(
        reverse("suggestions:bulk_assign"),
        {
            "ids": [d.pk for d in drafts],
            "lead": lead_department.pk,
            "co_departments": [co_department.pk],
            "assigned_on": iso(today()),
            "query": query,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/suggestions/?{query}"
    page = client.get(response["Location"]).content.decode()
    assert "已将2件建议交办给区房管局。" in page
    for d in drafts:
        after = fresh(d)
        assert (after.status, after.assigned_on) == (Status.ASSIGNED, today())
        assert set(after.assignments.values_list("role", flat=True)) == {"lead", "co"}
    assert fresh(other).status == Status.DRAFT


def test_bulk_assign_is_all_or_nothing_when_a_service_refuses(client, office, lead_department):
    early = SuggestionFactory(received_on=dt.date(2024, 1, 15))
    late = SuggestionFactory(received_on=dt.date(2024, 3, 1))
    client.force_login(office)
    response = client.post(
        reverse("suggestions:bulk_assign"),
        {"ids": [early.pk, late.pk], "lead": lead_department.pk, "assigned_on": "2024-02-01"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "未交办任何建议：交办日期不能早于2024-03-01。" in page
    assert 'value="2024-02-01"' in page  # the date typed, kept to be corrected
    assert fresh(early).status == Status.DRAFT
    assert fresh(late).status == Status.DRAFT
    assert not Assignment.objects.exists()


def test_bulk_assign_without_a_selection(client, office, lead_department):
    client.force_login(office)
    response = client.post(
        reverse("suggestions:bulk_assign"),
        {"lead": lead_department.pk, "assigned_on": iso(today())},
    )
    assert response.status_code == 400
    assert "未交办任何建议：请先勾选要交办的建议。" in response.content.decode()


def test_bulk_assign_lead_also_as_co_is_refused_beside_the_field(
    client, office, stages, lead_department
):
    """批量交办 shares 交办's fields and their check: the same error, beside 会办单位, with
    the rows still ticked and nothing assigned."""
    draft = stages.draft()
    client.force_login(office)
    response = client.post(
        reverse("suggestions:bulk_assign"),
        {
            "ids": [draft.pk],
            "lead": lead_department.pk,
            "co_departments": [lead_department.pk],
            "assigned_on": iso(today()),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "区房管局已是主办单位，不能同时作为会办单位。" in page
    assert f'name="ids" value="{draft.pk}" aria-label="选择{draft.code}" checked' in page
    assert fresh(draft).status == Status.DRAFT
    assert not Assignment.objects.exists()


def test_the_list_lets_the_office_tick_every_row_to_assign_drafts_or_print(client, office, stages):
    """Every row can be ticked (the print buttons take any item); bulk assign takes only
    drafts (test_bulk_assign_refuses_a_non_draft_and_assigns_nothing)."""
    draft = stages.draft()
    assigned = stages.assigned()
    client.force_login(office)
    page = client.get(reverse("suggestions:list")).content.decode()
    assert f'name="ids" value="{draft.pk}"' in page
    assert f'name="ids" value="{assigned.pk}"' in page
    assert "批量交办所选的待交办建议" in page
    assert "打印交办通知单（Word）" in page


def test_the_bulk_assign_fields_come_on_demand(client, office, stages, lead_department):
    """The list links to 批量交办's fields instead of rendering them: with JavaScript the
    link fetches them into the list's form, without it the link shows the same page with
    them (`bulk=1`), which the page's other links and the saved query do not keep."""
    stages.draft()
    client.force_login(office)
    page = client.get(reverse("suggestions:list"), {"status": "draft"}).content.decode()
    assert 'name="lead"' not in page
    assert f'hx-get="{reverse("suggestions:bulk_assign_form")}"' in page
    assert 'href="?status=draft&amp;bulk=1"' in page
    page = client.get(reverse("suggestions:list"), {"status": "draft", "bulk": "1"})
    body = page.content.decode()
    assert 'name="lead"' in body and f'<option value="{lead_department.pk}"' in body
    assert "交办所选建议" in body
    assert page.context["full_query"] == "status=draft"
    assert "bulk=1" not in page.context["query"]


# ---------------------------------------------------------------------------------------
# Re-assign, acknowledge


def test_reassign(client, office, stages, other_department):
    s = stages.in_progress()
    after = submit(
        client,
        office,
        s,
        "reassign",
        {"lead": other_department.pk, "assigned_on": iso(today()), "reason": "职责调整。"},
        "已重新交办。",
    )
    assert after.status == Status.ASSIGNED
    active = after.assignments.filter(is_active=True)
    assert [(a.department.name, a.role) for a in active] == [("区绿化市容局", "lead")]
    assert "职责调整" in Event.objects.filter(suggestion=s).latest("id").note


def test_acknowledge_by_the_lead(client, lead_handler, stages):
    s = stages.assigned()
    after = submit(client, lead_handler, s, "acknowledge", {}, "已签收。")
    assert after.status == Status.IN_PROGRESS
    lead = after.assignments.get(role=Assignment.Role.LEAD)
    assert lead.acknowledged_by == lead_handler


def test_acknowledge_by_the_co_department(client, co_handler, stages):
    s = stages.in_progress()
    after = submit(client, co_handler, s, "acknowledge", {}, "已签收。")
    assert after.status == Status.IN_PROGRESS
    assert after.assignments.get(role=Assignment.Role.CO).acknowledged_by == co_handler


# ---------------------------------------------------------------------------------------
# Return: request and decision


def test_return_request(client, lead_handler, stages, other_department):
    s = stages.in_progress()
    after = submit(
        client,
        lead_handler,
        s,
        "return_request",
        {"reason": "不属于本单位职责。", "suggested_department": other_department.pk},
        "退办申请已提交，请等待区政府办公室审批。",
    )
    request = ReturnRequest.objects.get(assignment__suggestion=s)
    assert request.status == RequestStatus.PENDING
    assert request.suggested_department == other_department
    assert after.status == Status.IN_PROGRESS


def test_return_decide_approve(client, office, lead_handler, stages, other_department):
    s = stages.in_progress()
    services.return_request(suggestion=s, actor=lead_handler, reason="不属于本单位职责。")
    s = fresh(s)
    after = submit(
        client,
        office,
        s,
        "return_decide",
        {"decision": "approve", "note": "同意。", "lead": other_department.pk},
        "退办申请已审批。",
    )
    assert ReturnRequest.objects.get(assignment__suggestion=s).status == RequestStatus.APPROVED
    assert after.status == Status.ASSIGNED
    lead = after.assignments.get(is_active=True, role=Assignment.Role.LEAD)
    assert lead.department == other_department


def test_return_decide_reject(client, office, lead_handler, stages):
    s = stages.in_progress()
    services.return_request(suggestion=s, actor=lead_handler, reason="不属于本单位职责。")
    s = fresh(s)
    after = submit(
        client, office, s, "return_decide", {"decision": "reject", "note": ""}, "退办申请已审批。"
    )
    assert ReturnRequest.objects.get(assignment__suggestion=s).status == RequestStatus.REJECTED
    assert after.status == Status.IN_PROGRESS


def test_return_decide_approve_without_a_new_lead_is_refused(client, office, lead_handler, stages):
    s = stages.in_progress()
    services.return_request(suggestion=s, actor=lead_handler, reason="不属于本单位职责。")
    s = fresh(s)
    client.force_login(office)
    response = client.post(
        action_url(s, "return_decide"), {"version": s.version, "decision": "approve"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "lead") == "同意退办时须指定新的主办单位。"
    assert radio_checked(page, "decision", "approve")
    assert ReturnRequest.objects.get(assignment__suggestion=s).status == RequestStatus.PENDING


# ---------------------------------------------------------------------------------------
# Extension: request and decision


def test_extension_request(client, lead_handler, stages):
    s = stages.in_progress()
    wanted = add_months(s.due_on, 1)
    after = submit(
        client,
        lead_handler,
        s,
        "extension_request",
        {"requested_due_on": iso(wanted), "reason": "需要协调多个部门。"},
        "延期申请已提交，请等待区政府办公室审批。",
    )
    request = ExtensionRequest.objects.get(assignment__suggestion=s)
    assert (request.status, request.requested_due_on) == (RequestStatus.PENDING, wanted)
    assert after.due_on == s.due_on


def test_extension_request_too_far_is_refused_beside_the_date(client, lead_handler, stages):
    s = stages.in_progress()
    client.force_login(lead_handler)
    too_far = add_months(s.due_on, 4)
    response = client.post(
        action_url(s, "extension_request"),
        {"version": s.version, "requested_due_on": iso(too_far), "reason": "需要协调。"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "requested_due_on").startswith("延期最长至")
    assert "需要协调。" in page
    assert not ExtensionRequest.objects.exists()


def test_extension_decide(client, office, lead_handler, stages):
    s = stages.in_progress()
    wanted = add_months(s.due_on, 1)
    services.extension_request(
        suggestion=s, actor=lead_handler, requested_due_on=wanted, reason="需要协调。"
    )
    s = fresh(s)
    after = submit(
        client,
        office,
        s,
        "extension_decide",
        {"decision": "approve", "note": "同意。"},
        "延期申请已审批。",
    )
    assert ExtensionRequest.objects.get(assignment__suggestion=s).status == RequestStatus.APPROVED
    assert (after.due_on, after.reply_due_on) == (wanted, wanted)
