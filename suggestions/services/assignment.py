"""交办 and what follows it: assign, re-assign, acknowledge (签收), return requests (申请退办)
and extension requests (延期), each with the office's decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from departments.models import Department
from departments.models import User
from notices import services as notices
from suggestions.bounds import check_text
from suggestions.deadlines import add_months
from suggestions.deadlines import add_working_days
from suggestions.models import Assignment
from suggestions.models import DeadlinePolicy
from suggestions.models import Event
from suggestions.models import ExtensionRequest
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.services._steps import _begin
from suggestions.services._steps import _check_date
from suggestions.services._steps import _lock
from suggestions.services._steps import _refuse
from suggestions.services._steps import _save
from suggestions.services._steps import _save_record
from suggestions.services._steps import _state
from suggestions.services._steps import _today
from suggestions.services.rules import _check_acknowledge
from suggestions.services.rules import _check_assign
from suggestions.services.rules import _check_extension_decide
from suggestions.services.rules import _check_extension_request
from suggestions.services.rules import _check_reassign
from suggestions.services.rules import _check_return_decide
from suggestions.services.rules import _check_return_request


def _deadlines(assigned_on: dt.date, policy: DeadlinePolicy) -> dict:
    return {
        "reply_due_on": add_months(assigned_on, policy.reply_months),
        "opinion_due_on": add_months(assigned_on, policy.co_opinion_months),
        "return_window_ends_on": add_working_days(assigned_on, policy.return_window_working_days),
    }


def _create_assignments(
    suggestion: Suggestion,
    *,
    lead: Department,
    co_departments: Iterable[Department],
    assigned_on: dt.date,
    actor: User,
) -> tuple[Assignment, list[Assignment]]:
    co_departments = list(dict.fromkeys(co_departments))
    if lead in co_departments:
        _refuse(f"{lead}不能同时作为主办单位和会办单位。", code="departments")
    inactive = [d.name for d in [lead, *co_departments] if not d.is_active]
    if inactive:
        _refuse(f"承办单位已停用：{'、'.join(inactive)}。", code="departments")
    due = _deadlines(assigned_on, DeadlinePolicy.current())
    lead_assignment = _save_record(
        Assignment(
            suggestion=suggestion,
            department=lead,
            role=Assignment.Role.LEAD,
            assigned_on=assigned_on,
            reply_due_on=due["reply_due_on"],
            return_window_ends_on=due["return_window_ends_on"],
        ),
        actor,
    )
    co = [
        _save_record(
            Assignment(
                suggestion=suggestion,
                department=dept,
                role=Assignment.Role.CO,
                assigned_on=assigned_on,
                opinion_due_on=due["opinion_due_on"],
            ),
            actor,
        )
        for dept in co_departments
    ]
    return lead_assignment, co


def _assignment_note(lead: Department, co: list[Assignment]) -> str:
    note = f"主办：{lead}"
    if co:
        note += f"；会办：{'、'.join(a.department.name for a in co)}"
    return note


@transaction.atomic
def suggestion_assign(
    *,
    suggestion: Suggestion,
    lead: Department,
    co_departments: Iterable[Department] = (),
    actor: User,
    assigned_on: dt.date | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    s, _ = _begin(suggestion, expected_version, when, _check_assign, actor)
    today = _today(when)
    assigned_on = assigned_on or today
    _check_date(assigned_on, not_before=s.received_on, today=today, what="交办日期")
    lead_assignment, co = _create_assignments(
        s, lead=lead, co_departments=co_departments, assigned_on=assigned_on, actor=actor
    )
    s.status = Status.ASSIGNED
    s.assigned_on = s.reply_due_from = assigned_on
    s.reply_due_on = s.due_on = lead_assignment.reply_due_on
    _save(
        s,
        actor,
        Event.Action.ASSIGN,
        when,
        fields=["status", "assigned_on", "reply_due_on", "reply_due_from", "due_on"],
        from_status=Status.DRAFT,
        note=_assignment_note(lead, co),
    )
    notices.notify_assigned(suggestion=s, lead_id=lead.pk, co=co)
    return s


def _file(
    s: Suggestion,
    request: ReturnRequest | ExtensionRequest,
    *,
    actor: User,
    when: dt.datetime | None,
    note: str,
) -> ReturnRequest | ExtensionRequest:
    """File a department's request on the item, with its timeline event."""
    request.requested_by = actor
    _save_record(request, actor)
    action = (
        Event.Action.RETURN_REQUEST
        if isinstance(request, ReturnRequest)
        else Event.Action.EXTENSION_REQUEST
    )
    _save(s, actor, action, when, note=note)
    return request


def _decide(
    request: ReturnRequest | ExtensionRequest,
    *,
    actor: User,
    status: str,
    note: str,
    when: dt.datetime | None,
    on: dt.date | None = None,
) -> None:
    """Record the decision on a request: who, when, which day it takes effect, and why."""
    request.status = status
    request.decided_at = when or timezone.now()
    request.decided_on = on or _today(when)
    request.decided_by = actor
    request.decision_note = note
    _save_record(request, actor)


def _lapse_requests(s: Suggestion, *, actor: User, on: dt.date, why: str) -> None:
    """Pending return and extension requests on the item lapse (recorded as refused)."""
    for model in (ReturnRequest, ExtensionRequest):
        pending = model.objects.filter(
            assignment__suggestion=s, assignment__is_active=True, status=RequestStatus.PENDING
        )
        for request in pending:
            _decide(
                request,
                actor=actor,
                status=RequestStatus.REJECTED,
                note=f"{why}，该申请自动失效。",
                when=None,
                on=on,
            )


def _end_assignments(s: Suggestion, *, actor: User, ended_on: dt.date) -> None:
    """End the active assignments; their pending requests lapse with them."""
    _lapse_requests(s, actor=actor, on=ended_on, why="建议已重新交办")
    for a in Assignment.objects.filter(suggestion=s, is_active=True):
        a.is_active = False
        a.ended_on = ended_on
        _save_record(a, actor, update_fields=["is_active", "ended_on"])


def _reassign(
    s: Suggestion,
    *,
    lead: Department,
    co_departments: Iterable[Department],
    actor: User,
    assigned_on: dt.date,
    action: str,
    when: dt.datetime | None,
    note: str,
) -> Suggestion:
    from_status = s.status
    _end_assignments(s, actor=actor, ended_on=assigned_on)
    lead_assignment, co = _create_assignments(
        s, lead=lead, co_departments=co_departments, assigned_on=assigned_on, actor=actor
    )
    s.status = Status.ASSIGNED
    s.reply_due_on = s.due_on = lead_assignment.reply_due_on
    s.reply_due_from = assigned_on
    text = _assignment_note(lead, co)
    _save(
        s,
        actor,
        action,
        when,
        fields=["status", "reply_due_on", "reply_due_from", "due_on"],
        from_status=from_status,
        note=f"{note}{text}" if note else text,
    )
    notices.notify_assigned(suggestion=s, lead_id=lead.pk, co=co, reassigned=True)
    return s


@transaction.atomic
def suggestion_reassign(
    *,
    suggestion: Suggestion,
    lead: Department,
    co_departments: Iterable[Department] = (),
    actor: User,
    assigned_on: dt.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """Re-assign an item that is not yet replied; deadlines restart from the new date."""
    check_text(reason=reason)
    s, _ = _begin(suggestion, expected_version, when, _check_reassign, actor)
    today = _today(when)
    assigned_on = assigned_on or today
    _check_date(assigned_on, not_before=s.assigned_on, today=today, what="交办日期")
    return _reassign(
        s,
        lead=lead,
        co_departments=co_departments,
        actor=actor,
        assigned_on=assigned_on,
        action=Event.Action.REASSIGN,
        when=when,
        note=f"{reason.strip()}；" if reason.strip() else "",
    )


@transaction.atomic
def assignment_acknowledge(
    *,
    suggestion: Suggestion,
    actor: User,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """签收. The lead's acknowledgement starts the handling (已交办 → 办理中)."""
    s, assignment = _begin(suggestion, expected_version, when, _check_acknowledge, actor)
    is_lead = assignment.role == Assignment.Role.LEAD
    assignment.acknowledged_at = when or timezone.now()
    assignment.acknowledged_by = actor
    _save_record(assignment, actor, update_fields=["acknowledged_at", "acknowledged_by"])
    from_status = s.status
    if is_lead:
        s.status = Status.IN_PROGRESS
    return _save(
        s,
        actor,
        Event.Action.ACKNOWLEDGE,
        when,
        fields=["status"],
        from_status=from_status,
        note=f"{assignment.department}（{assignment.get_role_display()}）签收",
    )


@transaction.atomic
def return_request(
    *,
    suggestion: Suggestion,
    actor: User,
    reason: str,
    suggested_department: Department | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> ReturnRequest:
    check_text(reason=reason)
    s, assignment = _begin(suggestion, expected_version, when, _check_return_request, actor)
    if not reason.strip():
        _refuse("请填写退办理由。", code="reason")
    request = ReturnRequest(
        assignment=assignment, reason=reason.strip(), suggested_department=suggested_department
    )
    return _file(s, request, actor=actor, when=when, note=reason.strip())


@transaction.atomic
def return_decide(
    *,
    request: ReturnRequest,
    actor: User,
    approve: bool,
    note: str = "",
    lead: Department | None = None,
    co_departments: Iterable[Department] = (),
    assigned_on: dt.date | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """The office approves (and re-assigns, with new deadlines) or rejects a return."""
    check_text(note=note)
    s = _lock(request.assignment.suggestion, expected_version)
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    _check_return_decide(_state(s, when), actor, request, approve=approve)
    if not approve:
        _decide(request, actor=actor, status=RequestStatus.REJECTED, note=note.strip(), when=when)
        _save(
            s,
            actor,
            Event.Action.RETURN_REJECT,
            when,
            note=note.strip() or "不同意退办，请原承办单位继续办理",
        )
        notices.notify_request_decided(
            suggestion=s, request=request, approved=False, extension=False
        )
        return s
    if lead is None:
        _refuse("同意退办时须指定新的主办单位。", code="lead")
    if lead.pk == request.assignment.department_id:
        _refuse("新的主办单位不能是申请退办的单位。", code="lead")
    today = _today(when)
    assigned_on = assigned_on or today
    _check_date(assigned_on, not_before=s.assigned_on, today=today, what="交办日期")
    _decide(request, actor=actor, status=RequestStatus.APPROVED, note=note.strip(), when=when)
    notices.notify_request_decided(suggestion=s, request=request, approved=True, extension=False)
    return _reassign(
        s,
        lead=lead,
        co_departments=co_departments,
        actor=actor,
        assigned_on=assigned_on,
        action=Event.Action.RETURN_APPROVE,
        when=when,
        note=f"同意{request.assignment.department}退办，重新交办。",
    )


@transaction.atomic
def extension_request(
    *,
    suggestion: Suggestion,
    actor: User,
    requested_due_on: dt.date,
    reason: str,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> ExtensionRequest:
    check_text(reason=reason)
    s, assignment = _begin(suggestion, expected_version, when, _check_extension_request, actor)
    if not reason.strip():
        _refuse("请填写延期理由。", code="reason")
    current = assignment.due_in_force
    months = DeadlinePolicy.current().max_extension_months
    limit = add_months(assignment.reply_due_on, months)
    if requested_due_on <= current:
        _refuse(f"申请延期的日期须晚于当前期限（{current:%Y-%m-%d}）。", code="date")
    if requested_due_on > limit:
        _refuse(f"延期最长至{limit:%Y-%m-%d}（原办复期限后不超过{months}个月）。", code="date")
    request = ExtensionRequest(
        assignment=assignment, reason=reason.strip(), requested_due_on=requested_due_on
    )
    note = f"申请延期至{requested_due_on:%Y-%m-%d}：{reason.strip()}"
    return _file(s, request, actor=actor, when=when, note=note)


@transaction.atomic
def extension_decide(
    *,
    request: ExtensionRequest,
    actor: User,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    check_text(note=note)
    s = _lock(request.assignment.suggestion, expected_version)
    request = (
        ExtensionRequest.objects.select_for_update().select_related("assignment").get(pk=request.pk)
    )
    _check_extension_decide(_state(s, when), actor, request, approve=approve)
    status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    _decide(request, actor=actor, status=status, note=note.strip(), when=when)
    if not approve:
        _save(s, actor, Event.Action.EXTENSION_REJECT, when, note=note.strip() or "不同意延期")
        notices.notify_request_decided(
            suggestion=s, request=request, approved=False, extension=True
        )
        return s
    assignment = request.assignment
    assignment.extended_due_on = request.requested_due_on
    _save_record(assignment, actor, update_fields=["extended_due_on"])
    s.reply_due_on = s.due_on = request.requested_due_on
    s.reply_due_from = request.decided_on
    _save(
        s,
        actor,
        Event.Action.EXTENSION_APPROVE,
        when,
        fields=["reply_due_on", "reply_due_from", "due_on"],
        note=f"同意延期至{request.requested_due_on:%Y-%m-%d}。{note.strip()}".strip(),
    )
    notices.notify_request_decided(suggestion=s, request=request, approved=True, extension=True)
    return s
