"""Every action through its HTML form, as a browser posts it (with the hidden `version`).

Items are built through the services, dated today (no `when=`), so that the forms' default
dates (today) are valid and the return window is open.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from suggestions import services
from suggestions.deadlines import add_months
from suggestions.models import (
    Assignment,
    Event,
    ExtensionRequest,
    Feedback,
    FollowUp,
    Outcome,
    Reply,
    RequestStatus,
    ReturnRequest,
    Satisfaction,
    Status,
    Suggestion,
)
from tests.factories import DeputyFactory, SuggestionFactory, office_user

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# Django's (or DRF's) Chinese "This field is required." (这个字段/该字段是必填项。)
REQUIRED = "字段是必填项。"


def today() -> dt.date:
    return timezone.localdate()


def iso(day: dt.date) -> str:
    return day.isoformat()


def action_url(s: Suggestion, name: str) -> str:
    return reverse("suggestions:action", args=[s.pk, name])


def detail_url(s: Suggestion) -> str:
    return reverse("suggestions:detail", args=[s.pk])


def fresh(s: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=s.pk)


def field_error(page: str, field: str) -> str:
    """The text of the error paragraph rendered beside `field` (see includes/field.html)."""
    match = re.search(rf'<p class="error" id="id_{field}_error" role="alert">(.*?)</p>', page)
    return match.group(1) if match else ""


def radio_checked(page: str, name: str, value: str) -> bool:
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no radio {name}={value}")


def hidden_version(page: str) -> int:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert match, "no hidden version field"
    return int(match.group(1))


class _FormParser(HTMLParser):
    """What a browser submits for a form as rendered: inputs, checked radios and boxes,
    selected options, textareas (without the newline Django puts after the tag)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []
        self._textarea = None
        self._text: list[str] = []

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, a.get("value") or "")
        elif tag == "select":
            self._select, self._multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]  # a single select submits its first option
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def browser_data(page: str) -> dict[str, list[str]]:
    """The fields of the page's action form, as a browser would post them unchanged."""
    start = page.index('<form method="post" novalidate')
    parser = _FormParser()
    parser.feed(page[start : page.index("</form>", start)])
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


class Stages:
    def __init__(self, office, lead_handler, co_handler, lead_department, co_department):
        self.office = office
        self.lead_handler = lead_handler
        self.co_handler = co_handler
        self.lead_department = lead_department
        self.co_department = co_department

    def draft(self, **kwargs) -> Suggestion:
        return SuggestionFactory(**kwargs)

    def assigned(self) -> Suggestion:
        s = services.suggestion_assign(
            suggestion=self.draft(),
            lead=self.lead_department,
            co_departments=[self.co_department],
            actor=self.office,
        )
        return fresh(s)

    def in_progress(self) -> Suggestion:
        s = self.assigned()
        services.assignment_acknowledge(suggestion=s, actor=self.lead_handler)
        return fresh(s)

    def ready(self) -> Suggestion:
        """In progress with the co opinion in: the lead may reply."""
        s = self.in_progress()
        services.co_opinion_submit(suggestion=s, actor=self.co_handler, opinion="同意主办意见。")
        return fresh(s)

    def replied(self) -> Suggestion:
        s = self.ready()
        services.reply_submit(
            suggestion=s, actor=self.lead_handler, outcome=Outcome.PLANNED, text="已列入计划。"
        )
        return fresh(s)


@pytest.fixture
def stages(office, lead_handler, co_handler, lead_department, co_department):
    return Stages(office, lead_handler, co_handler, lead_department, co_department)


def submit(client, user, s: Suggestion, name: str, data: dict, message: str):
    """Open the form, post it with the version it carries; expect the redirect to the
    detail page with the success message."""
    client.force_login(user)
    form = client.get(action_url(s, name))
    assert form.status_code == 200
    assert hidden_version(form.content.decode()) == s.version
    response = client.post(action_url(s, name), {"version": s.version, **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == detail_url(s)
    page = client.get(response["Location"])
    assert message in page.content.decode()
    after = fresh(s)
    assert after.version == s.version + 1
    return after


# ---------------------------------------------------------------------------------------
# Each action succeeds


def test_update(client, office, stages):
    s = stages.draft()
    cosigner = DeputyFactory()
    after = submit(
        client,
        office,
        s,
        "update",
        {
            "kind": "suggestion",
            "source": "session",
            "session": s.session_id,
            "year": "",
            "number": "",
            "title": "关于增设社区食堂的建议",
            "content": "新的内容。",
            "topic": "elderly",
            "lead_deputy": s.lead_deputy_id,
            "co_signers": [cosigner.pk],
            "received_on": "2024-01-16",
        },
        "已保存修改。",
    )
    assert after.title == "关于增设社区食堂的建议"
    assert after.topic == "elderly"
    assert after.received_on == dt.date(2024, 1, 16)
    assert list(after.co_signers.all()) == [cosigner]
    assert (after.year, after.number, after.status) == (s.year, s.number, Status.DRAFT)


def test_update_form_is_filled_with_the_current_values(client, office, stages):
    s = stages.draft()
    client.force_login(office)
    page = client.get(action_url(s, "update")).content.decode()
    assert f'value="{s.title}"' in page
    assert 'value="2024-01-15"' in page


def test_update_form_submitted_unchanged_but_the_title_keeps_everything_else(
    client, office, stages
):
    s = stages.in_progress()
    cosigners = DeputyFactory.create_batch(2)
    s.co_signers.set(cosigners)
    client.force_login(office)
    data = browser_data(client.get(action_url(s, "update")).content.decode())
    assert data["version"] == [str(s.version)]
    data["title"] = ["关于改善停车条件的建议（修订）"]
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 302, field_error(response.content.decode(), "lead_deputy")
    after = fresh(s)
    assert after.title == "关于改善停车条件的建议（修订）"
    assert (after.lead_deputy_id, after.received_on, after.year, after.number) == (
        s.lead_deputy_id,
        s.received_on,
        s.year,
        s.number,
    )
    assert set(after.co_signers.all()) == set(cosigners)
    assert Event.objects.filter(suggestion=s).latest("id").note == "修改了：标题"


def test_an_item_whose_lead_deputy_left_office_can_still_be_edited(client, office, stages):
    """Deputies leave office (在任 = False) while their items live on. Fixing a typo in the
    title must not require replacing the lead deputy."""
    s = stages.in_progress()
    s.lead_deputy.is_active = False
    s.lead_deputy.save()
    client.force_login(office)
    data = browser_data(client.get(action_url(s, "update")).content.decode())
    data["title"] = ["关于改善停车条件的建议（修订）"]
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 302, field_error(response.content.decode(), "lead_deputy")
    after = fresh(s)
    assert after.title == "关于改善停车条件的建议（修订）"
    assert after.lead_deputy_id == s.lead_deputy_id


def test_editing_keeps_a_co_signer_who_left_office(client, office, stages):
    """Submitting the edit form unchanged (but the title) must not drop a co-signer who is
    no longer in office from the item."""
    s = stages.in_progress()
    stays, left = DeputyFactory.create_batch(2)
    s.co_signers.set([stays, left])
    left.is_active = False
    left.save()
    client.force_login(office)
    data = browser_data(client.get(action_url(s, "update")).content.decode())
    data["title"] = ["关于改善停车条件的建议（修订）"]
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 302
    assert set(fresh(s).co_signers.all()) == {stays, left}


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


def test_co_opinion(client, co_handler, stages):
    s = stages.in_progress()
    submit(
        client,
        co_handler,
        s,
        "co_opinion",
        {"opinion": "建议与交通部门协调。"},
        "会办意见已提交主办单位。",
    )
    co = Assignment.objects.get(suggestion=s, role=Assignment.Role.CO)
    assert co.opinion == "建议与交通部门协调。"
    assert co.opinion_by == co_handler


def test_reply(client, lead_handler, stages):
    s = stages.ready()
    after = submit(
        client,
        lead_handler,
        s,
        "reply",
        {
            "outcome": "resolved",
            "text": "已完成改造。",
            "replied_on": iso(today()),
            "contact_person": "张三",
            "contact_phone": "021-12345678",
        },
        "已答复代表。",
    )
    assert (after.status, after.outcome, after.first_replied_on) == (
        Status.REPLIED,
        Outcome.RESOLVED,
        today(),
    )
    reply = Reply.objects.get(suggestion=s)
    assert (reply.text, reply.contact_person, reply.letter.name) == ("已完成改造。", "张三", "")


def test_reply_form_suggests_the_handler_as_contact(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    page = client.get(action_url(s, "reply")).content.decode()
    assert 'name="contact_person"' in page
    assert f'value="{lead_handler}"' in page
    assert 'enctype="multipart/form-data"' in page


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


def test_feedback_satisfied_closes(client, office, stages):
    s = stages.replied()
    after = submit(
        client,
        office,
        s,
        "feedback",
        {"satisfaction": "satisfied", "received_on": iso(today()), "comment": ""},
        "已登记代表意见。",
    )
    assert (after.status, after.satisfaction) == (Status.CLOSED, Satisfaction.SATISFIED)


def test_feedback_unsatisfied_opens_rework_in_the_lead_workspace(
    client, office, lead_handler, stages
):
    s = stages.replied()
    after = submit(
        client,
        office,
        s,
        "feedback",
        {"satisfaction": "unsatisfied", "received_on": iso(today()), "comment": "进度太慢。"},
        "已登记代表意见。",
    )
    assert after.status == Status.REWORK
    assert after.due_on == add_months(today(), 1)
    assert Feedback.objects.get(suggestion=s).comment == "进度太慢。"

    client.force_login(lead_handler)
    response = client.get(reverse("suggestions:workspace"))
    sections = {key: items for key, _, items in response.context["sections"]}
    assert [x.pk for x in sections["rework"]] == [s.pk]
    page = response.content.decode()
    rework = page[page.index('id="section-rework"') :]
    rework = rework[: rework.index("</section>")]
    assert s.code in rework
    assert after.due_on.isoformat() in rework
    # The lead may now reply again.
    assert client.get(action_url(s, "reply")).status_code == 200


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


def test_close(client, office, stages):
    s = stages.replied()
    after = submit(client, office, s, "close", {"note": "代表未反馈。"}, "已办结。")
    assert after.status == Status.CLOSED


# ---------------------------------------------------------------------------------------
# Browser round trip: open the form, fill in only what is required, submit what the page
# holds. The defaults the page renders (dates, the version, the contact person) must be
# accepted as they are.

ROUND_TRIPS = {
    # name: (stage, actor, fields the user fills in, status after)
    "update": ("draft", "office", {"title": "关于增设社区食堂的建议"}, Status.DRAFT),
    "assign": ("draft", "office", {"lead": "LEAD"}, Status.ASSIGNED),
    "reassign": ("in_progress", "office", {"lead": "OTHER"}, Status.ASSIGNED),
    "acknowledge": ("assigned", "lead", {}, Status.IN_PROGRESS),
    "co_opinion": ("in_progress", "co", {"opinion": "同意。"}, Status.IN_PROGRESS),
    "reply": ("ready", "lead", {"outcome": "resolved", "text": "已完成。"}, Status.REPLIED),
    "return_request": ("in_progress", "lead", {"reason": "不属于本单位。"}, Status.IN_PROGRESS),
    "extension_request": (
        "in_progress",
        "lead",
        {"requested_due_on": "DUE+20", "reason": "需要协调。"},
        Status.IN_PROGRESS,
    ),
    "feedback": ("replied", "office", {"satisfaction": "basically_satisfied"}, Status.CLOSED),
    "follow_up": ("replied", "supervisor", {"findings": "已落实。"}, Status.REPLIED),
    "key_supervision": ("in_progress", "supervisor", {"key_supervision": "true"}, None),
    "close": ("replied", "office", {}, Status.CLOSED),
}


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_browser_round_trip(client, users, stages, other_department, name):
    stage, role, fills, status = ROUND_TRIPS[name]
    s = getattr(stages, stage)()
    client.force_login(users[role])
    data = browser_data(client.get(action_url(s, name)).content.decode())
    for field, value in fills.items():
        if value == "LEAD":
            value = str(stages.lead_department.pk)
        elif value == "OTHER":
            value = str(other_department.pk)
        elif value == "DUE+20":
            value = iso(s.due_on + dt.timedelta(days=20))
        data[field] = [value]
    response = client.post(action_url(s, name), data)
    assert response.status_code == 302, re.findall(
        r'role="alert">(.*?)<', response.content.decode()
    )
    after = fresh(s)
    assert after.version == s.version + 1
    if status:
        assert after.status == status


@pytest.fixture
def users(office, supervisor, lead_handler, co_handler):
    return {"office": office, "supervisor": supervisor, "lead": lead_handler, "co": co_handler}


# ---------------------------------------------------------------------------------------
# Invalid input: the form comes back with the error beside the field and what was typed


def test_reply_without_text_keeps_what_was_typed(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "planned",
            "text": "",
            "replied_on": iso(today()),
            "contact_person": "李四",
            "contact_phone": "13900001111",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "text").endswith(REQUIRED)
    assert radio_checked(page, "outcome", "planned")
    assert not radio_checked(page, "outcome", "resolved")
    assert 'value="李四"' in page
    assert 'value="13900001111"' in page
    assert fresh(s).status == Status.IN_PROGRESS
    assert not Reply.objects.exists()


def test_reply_dated_tomorrow_is_refused_beside_the_date(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "planned",
            "text": "已列入计划。",
            "replied_on": iso(tomorrow),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "replied_on") == f"答复日期不能晚于今天（{iso(today())}）。"
    assert "已列入计划。" in page
    assert not Reply.objects.exists()


def test_unsatisfied_feedback_without_comment(client, office, stages):
    s = stages.replied()
    client.force_login(office)
    response = client.post(
        action_url(s, "feedback"),
        {
            "version": s.version,
            "satisfaction": "unsatisfied",
            "received_on": iso(today()),
            "comment": "  ",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请记录代表的具体意见" in field_error(page, "comment")
    assert radio_checked(page, "satisfaction", "unsatisfied")
    after = fresh(s)
    assert (after.status, after.version) == (Status.REPLIED, s.version)
    assert not Feedback.objects.exists()


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


def test_co_opinion_blank_is_refused(client, co_handler, stages):
    s = stages.in_progress()
    client.force_login(co_handler)
    response = client.post(action_url(s, "co_opinion"), {"version": s.version, "opinion": ""})
    assert response.status_code == 200
    assert field_error(response.content.decode(), "opinion").endswith(REQUIRED)
    assert Assignment.objects.get(suggestion=s, role=Assignment.Role.CO).opinion == ""


def test_missing_version_is_refused(client, supervisor, stages):
    s = stages.in_progress()
    client.force_login(supervisor)
    response = client.post(action_url(s, "key_supervision"), {"key_supervision": "true"})
    assert response.status_code == 200
    assert fresh(s).key_supervision is False


# ---------------------------------------------------------------------------------------
# Stale version: the second writer is told who changed the item; nothing of theirs is saved


@pytest.fixture
def office2(db):
    return office_user(username="office2", last_name="王", first_name="芳")


def test_stale_edit_is_refused_naming_who_changed_it(client, office, office2, stages):
    s = stages.draft()
    seen = s.version
    services.suggestion_update(
        suggestion=s, actor=office2, expected_version=seen, title="王芳改过的标题"
    )
    client.force_login(office)
    data = {
        "version": seen,
        "kind": "suggestion",
        "source": "session",
        "session": s.session_id,
        "title": "我改的标题",
        "content": "我写的内容。",
        "topic": "transport",
        "lead_deputy": s.lead_deputy_id,
        "received_on": "2024-01-15",
    }
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该建议已被王芳于" in page
    assert "您的修改未保存" in page
    assert 'value="我改的标题"' in page
    assert "我写的内容。" in page
    after = fresh(s)
    assert (after.title, after.version) == ("王芳改过的标题", seen + 1)
    # The form now carries the current version: a deliberate second submit goes through.
    assert hidden_version(page) == seen + 1
    again = client.post(action_url(s, "update"), {**data, "version": seen + 1})
    assert again.status_code == 302
    assert fresh(s).title == "我改的标题"


def test_saving_again_after_a_conflict_does_not_undo_the_other_edit(
    client, office, office2, stages
):
    """王芳 renames the item while 我 (office1) edit its content on the old form. After the
    conflict the form carries the current version; submitting it again, as the browser
    holds it, must save my content without putting the old title back."""
    s = stages.draft()
    old_title = s.title
    client.force_login(office)
    form = browser_data(client.get(action_url(s, "update")).content.decode())
    services.suggestion_update(
        suggestion=s, actor=office2, expected_version=s.version, title="王芳改过的标题"
    )
    form["content"] = ["我补充的内容。"]
    conflict = client.post(action_url(s, "update"), form)
    assert conflict.status_code == 200
    assert "该建议已被王芳于" in conflict.content.decode()

    again = browser_data(conflict.content.decode())
    assert again["content"] == ["我补充的内容。"]
    response = client.post(action_url(s, "update"), again)
    assert response.status_code == 302
    after = fresh(s)
    assert after.content == "我补充的内容。"
    assert after.title == "王芳改过的标题", f"the other edit was undone (title {old_title!r})"


def test_stale_reply_with_a_letter_asks_to_choose_the_file_again(
    client, lead_handler, supervisor, stages, media
):
    s = stages.ready()
    seen = s.version
    services.suggestion_set_key_supervision(
        suggestion=s, actor=supervisor, key_supervision=True, expected_version=seen
    )
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": seen,
            "outcome": "in_progress",
            "text": "正在推进。",
            "replied_on": iso(today()),
            "contact_person": "张三",
            "letter": SimpleUploadedFile("dafuhan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"该建议已被{supervisor}于" in page
    assert "浏览器不会保留已选择的文件，请重新选择答复函。" in page
    assert "正在推进。" in page
    assert radio_checked(page, "outcome", "in_progress")
    assert not Reply.objects.exists()
    assert stored_files(media) == []
    after = fresh(s)
    assert (after.status, after.version, after.key_supervision) == (
        Status.IN_PROGRESS,
        seen + 1,
        True,
    )


# ---------------------------------------------------------------------------------------
# Reply letters


def test_reply_with_a_pdf_letter_is_stored_and_downloadable(
    client, lead_handler, office, supervisor, co_handler, other_handler, stages, media
):
    s = stages.ready()
    submit(
        client,
        lead_handler,
        s,
        "reply",
        {
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf"),
        },
        "已答复代表。",
    )
    reply = Reply.objects.get(suggestion=s)
    assert reply.letter_name == "答复函.pdf"
    assert reply.letter.read() == PDF
    reply.letter.close()
    assert len(stored_files(media)) == 1

    url = reverse("suggestions:reply_letter", args=[s.pk, reply.pk])
    detail = client.get(detail_url(s)).content.decode()
    assert url in detail
    for user in (lead_handler, office, supervisor, co_handler):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert quote("答复函.pdf") in disposition
    client.force_login(other_handler)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("setup.exe", b"MZ\x90\x00binary", "application/octet-stream", "的格式不支持"),
        ("notes.pdf", b"just some text\n", "application/pdf", "文件内容不是有效的PDF文件"),
        ("notes.pdf", b"just some text\n", "text/plain", "文件类型（text/plain）与扩展名.pdf不符"),
        ("empty.pdf", b"", "application/pdf", "空文件"),
    ],
    ids=["exe", "renamed-text", "text-content-type", "empty"],
)
def test_a_bad_letter_is_refused(
    client, lead_handler, stages, media, name, content, content_type, message
):
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in field_error(page, "letter")
    assert "已完成。" in page
    assert not Reply.objects.exists()
    assert stored_files(media) == []
    assert fresh(s).status == Status.IN_PROGRESS


def test_a_letter_over_the_size_limit_is_refused(client, lead_handler, stages, media, monkeypatch):
    monkeypatch.setattr("suggestions.forms.LETTER_MAX_BYTES", 64)
    s = stages.ready()
    client.force_login(lead_handler)
    big = PDF + b"%" + b"0" * 200
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile("big.pdf", big, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "答复函不能超过" in field_error(response.content.decode(), "letter")
    assert not Reply.objects.exists()
    assert stored_files(media) == []


def test_a_letter_just_under_the_size_limit_is_accepted(
    client, lead_handler, stages, media, monkeypatch
):
    monkeypatch.setattr("suggestions.forms.LETTER_MAX_BYTES", len(PDF))
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Reply.objects.get(suggestion=s).letter_name == "ok.pdf"


def test_each_reply_round_serves_its_own_letter(client, office, stages, media):
    s = stages.ready()
    second_pdf = PDF.replace(b"Catalog", b"Catalog /Round 2")
    first = services.reply_submit(
        suggestion=s,
        actor=stages.lead_handler,
        outcome=Outcome.PLANNED,
        text="第一轮。",
        letter=ContentFile(PDF, name="first.pdf"),
        letter_name="first.pdf",
    )
    services.feedback_record(
        suggestion=s, actor=office, satisfaction=Satisfaction.UNSATISFIED, comment="太慢。"
    )
    second = services.reply_submit(
        suggestion=s,
        actor=stages.lead_handler,
        outcome=Outcome.IN_PROGRESS,
        text="第二轮。",
        letter=ContentFile(second_pdf, name="second.pdf"),
        letter_name="second.pdf",
    )
    client.force_login(office)
    for reply, content, name in ((first, PDF, "first.pdf"), (second, second_pdf, "second.pdf")):
        response = client.get(reverse("suggestions:reply_letter", args=[s.pk, reply.pk]))
        assert b"".join(response.streaming_content) == content
        assert name in response["Content-Disposition"]


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
        follow=True,
    )
    assert response.redirect_chain == [("/suggestions/?status=draft", 302)]
    page = response.content.decode()
    assert "未交办任何建议：" in page
    assert str(assigned.pk) in page
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
        follow=True,
    )
    assert response.redirect_chain == [("/suggestions/", 302)]
    assert "未交办任何建议：交办日期不能早于2024-03-01。" in response.content.decode()
    assert fresh(early).status == Status.DRAFT
    assert fresh(late).status == Status.DRAFT
    assert not Assignment.objects.exists()


def test_bulk_assign_without_a_selection(client, office, lead_department):
    client.force_login(office)
    response = client.post(
        reverse("suggestions:bulk_assign"),
        {"lead": lead_department.pk, "assigned_on": iso(today())},
        follow=True,
    )
    assert "未交办任何建议：请先勾选要交办的建议。" in response.content.decode()


def test_the_list_offers_bulk_assign_only_for_drafts(client, office, stages):
    draft = stages.draft()
    assigned = stages.assigned()
    client.force_login(office)
    page = client.get(reverse("suggestions:list")).content.decode()
    assert f'name="ids" value="{draft.pk}"' in page
    assert f'name="ids" value="{assigned.pk}"' not in page


# ---------------------------------------------------------------------------------------
# Register


def register_data(deputy, **overrides):
    return {
        "kind": "suggestion",
        "source": "recess",
        "title": "关于增设公交站点的建议",
        "content": "建议在某路口增设公交站点。",
        "topic": "transport",
        "lead_deputy": deputy.pk,
        "received_on": "2024-01-15",
        **overrides,
    }


def test_register(client, office, db):
    deputy = DeputyFactory()
    client.force_login(office)
    response = client.post(reverse("suggestions:create"), register_data(deputy), follow=True)
    s = Suggestion.objects.get()
    assert response.redirect_chain == [(detail_url(s), 302)]
    assert "已登记2024建001。" in response.content.decode()
    assert (s.status, s.created_by, s.title) == (Status.DRAFT, office, "关于增设公交站点的建议")


def test_register_without_title_keeps_what_was_typed(client, office, db):
    deputy = DeputyFactory()
    client.force_login(office)
    response = client.post(
        reverse("suggestions:create"), register_data(deputy, title="  ", number="7")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "title").endswith(REQUIRED)
    assert "建议在某路口增设公交站点。" in page
    assert 'value="7"' in page
    assert 'value="2024-01-15"' in page
    assert not Suggestion.objects.exists()


def test_register_session_item_without_session_is_refused_beside_the_field(client, office, db):
    deputy = DeputyFactory()
    client.force_login(office)
    response = client.post(reverse("suggestions:create"), register_data(deputy, source="session"))
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "session") == "大会期间提出的建议须选择所属会议。"
    assert 'value="关于增设公交站点的建议"' in page
    assert not Suggestion.objects.exists()
