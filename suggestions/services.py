"""Every transition of an item's life (DESIGN §3), one function each.

Each service is keyword-only and atomic: it locks the item, refuses a stale version,
checks who may act and from which state, changes the records, writes the timeline event
and leaves a history row with the actor. A refusal raises ValidationError with a Chinese
message and changes nothing. Views, the API, the admin, imports and commands all call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from departments.models import CongressSession, Department, Deputy, User
from suggestions import asof
from suggestions.deadlines import add_months, add_working_days
from suggestions.models import (
    Assignment,
    DeadlinePolicy,
    Event,
    ExtensionRequest,
    Feedback,
    FollowUp,
    Kind,
    Outcome,
    OutcomeChange,
    Reply,
    RequestStatus,
    ReturnRequest,
    Satisfaction,
    Source,
    Status,
    Suggestion,
    Topic,
)

__all__ = [
    "VersionConflict",
    "assignment_acknowledge",
    "co_opinion_submit",
    "extension_decide",
    "extension_request",
    "feedback_record",
    "follow_up_record",
    "reply_submit",
    "return_decide",
    "return_request",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_create",
    "suggestion_reassign",
    "suggestion_set_key_supervision",
    "suggestion_update",
    "suggestion_void",
]


class VersionConflict(ValidationError):
    """The item changed since the caller read it; the API answers 409."""


# ---------------------------------------------------------------------------------------
# The shared steps


def _refuse(message: str, code: str = "invalid") -> None:
    raise ValidationError(message, code=code)


def _today(when: dt.datetime | None) -> dt.date:
    return timezone.localdate(when) if when else timezone.localdate()


def _lock(suggestion: Suggestion, expected_version: int | None) -> Suggestion:
    """A fresh, locked copy of the item; refuses a version the caller did not read.

    On PostgreSQL the row lock serialises concurrent transitions; on SQLite every write
    transaction starts IMMEDIATE (settings), which serialises them the same way.
    """
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if expected_version is not None and locked.version != expected_version:
        raise version_conflict(locked, expected_version)
    return locked


def version_conflict(suggestion: Suggestion, expected_version: int) -> VersionConflict:
    """The refusal for an edit made on version `expected_version`: says who changed it."""
    last = (
        Event.objects.filter(suggestion=suggestion)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
        .first()
    )
    who = f"{last.actor}于{timezone.localtime(last.occurred_at):%Y-%m-%d %H:%M}" if last else "他人"
    return VersionConflict(
        f"该建议已被{who}修改，您的修改未保存。请查看最新内容后重新操作。",
        code="conflict",
    )


def _require_status(suggestion: Suggestion, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if suggestion.status not in allowed:
        labels = "、".join(Status(s).label for s in allowed)
        _refuse(
            f"该建议当前状态为“{suggestion.get_status_display()}”，不能{doing}"
            f"（仅限“{labels}”状态）。",
            code="state",
        )


def _require_office(actor: User, doing: str) -> None:
    if not actor.is_office:
        _refuse(f"只有区政府办公室工作人员可以{doing}。", code="permission")


@dataclass
class ItemState:
    """What the rules look at: the item, its active assignments and pending requests.

    Services load it from the locked row; pages load it to show only the actions the user
    may take now. Both then ask the same check functions below.
    """

    suggestion: Suggestion
    assignments: list[Assignment]
    pending_returns: list[ReturnRequest]
    pending_extensions: list[ExtensionRequest]
    today: dt.date

    @classmethod
    def load(
        cls,
        suggestion: Suggestion,
        *,
        today: dt.date,
        assignments: list[Assignment] | None = None,
    ) -> ItemState:
        if assignments is None:
            assignments = list(
                Assignment.objects.filter(suggestion=suggestion, is_active=True).select_related(
                    "department"
                )
            )
        assignments = [a for a in assignments if a.is_active]
        ids = [a.pk for a in assignments]
        pending = {"assignment_id__in": ids, "status": RequestStatus.PENDING}
        return cls(
            suggestion=suggestion,
            assignments=assignments,
            pending_returns=list(ReturnRequest.objects.filter(**pending)) if ids else [],
            pending_extensions=list(ExtensionRequest.objects.filter(**pending)) if ids else [],
            today=today,
        )

    @property
    def has_reply(self) -> bool:
        return self.suggestion.first_replied_on is not None


def _held(state: ItemState, actor: User, role: str | None, doing: str) -> Assignment:
    """The acting handler's active assignment on the item, or a refusal."""
    if not actor.is_handler:
        _refuse(f"只有承办单位经办人可以{doing}。", code="permission")
    for assignment in state.assignments:
        if assignment.department_id == actor.department_id and role in (None, assignment.role):
            return assignment
    what = {"lead": "主办", "co": "会办"}.get(role or "", "承办")
    _refuse(f"您所在单位不是该建议的{what}单位，不能{doing}。", code="permission")


def _require_not_voided(state: ItemState, doing: str) -> None:
    if state.suggestion.status == Status.VOIDED:
        _refuse(f"该建议已作废，不能{doing}。", code="state")


def _check_update(state: ItemState, actor: User) -> None:
    _require_office(actor, "修改建议")
    _require_not_voided(state, "修改")
    if state.suggestion.status == Status.CLOSED:
        _refuse("已办结的建议不能修改。", code="state")


def _check_assign(state: ItemState, actor: User) -> None:
    _require_office(actor, "交办建议")
    _require_status(state.suggestion, [Status.DRAFT], "交办")


def _check_reassign(state: ItemState, actor: User) -> None:
    _require_office(actor, "重新交办")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "重新交办")


def _check_acknowledge(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, None, "签收")
    if assignment.acknowledged_at:
        when = timezone.localtime(assignment.acknowledged_at)
        _refuse(f"{assignment.department}已于{when:%Y-%m-%d}签收，无需重复签收。", code="state")
    is_lead = assignment.role == Assignment.Role.LEAD
    allowed = [Status.ASSIGNED] if is_lead else [Status.ASSIGNED, Status.IN_PROGRESS]
    _require_status(state.suggestion, allowed, "签收")
    return assignment


def _check_return_request(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.LEAD, "申请退办")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "申请退办")
    ends = assignment.return_window_ends_on
    if ends and state.today > ends:
        _refuse(
            f"退办申请须在交办后规定工作日内提出（截止{ends:%Y-%m-%d}），已超过期限。",
            code="deadline",
        )
    if state.pending_returns:
        _refuse("已有一份退办申请正在审批，请等待区政府办公室处理。", code="state")
    return assignment


def _check_return_decide(state: ItemState, actor: User) -> None:
    _require_office(actor, "审批退办申请")
    if not state.pending_returns:
        _refuse("没有待审批的退办申请。", code="state")


def _check_co_opinion(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.CO, "提交会办意见")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "提交会办意见")
    return assignment


def _check_reply(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.LEAD, "答复代表")
    if state.suggestion.status == Status.ASSIGNED:
        _refuse("请先签收该建议，再答复代表。", code="state")
    _require_status(state.suggestion, [Status.IN_PROGRESS, Status.REWORK], "答复代表")
    if not state.has_reply:
        missing = [
            a.department.name
            for a in state.assignments
            if a.role == Assignment.Role.CO and not a.opinion
        ]
        if missing:
            _refuse(
                f"会办单位{'、'.join(missing)}尚未提交会办意见，主办单位须在收到会办意见后答复。",
                code="co_opinion",
            )
    return assignment


def _check_feedback(state: ItemState, actor: User) -> None:
    _require_office(actor, "登记代表反馈意见")
    _require_status(state.suggestion, [Status.REPLIED], "登记代表反馈")


def _check_extension_request(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.LEAD, "申请延期")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "申请延期")
    if state.pending_extensions:
        _refuse("已有一份延期申请正在审批，请等待区政府办公室处理。", code="state")
    return assignment


def _check_extension_decide(state: ItemState, actor: User) -> None:
    _require_office(actor, "审批延期申请")
    if not state.pending_extensions:
        _refuse("没有待审批的延期申请。", code="state")


# Which follow-up kinds each role records.
HANDLER_FOLLOW_UPS = (FollowUp.Kind.VISIT, FollowUp.Kind.CALLBACK, FollowUp.Kind.MEETING)
SUPERVISOR_FOLLOW_UPS = (
    FollowUp.Kind.SUPERVISION,
    FollowUp.Kind.SPOT_CHECK,
    FollowUp.Kind.RECHECK,
    FollowUp.Kind.VISIT,
    FollowUp.Kind.CALLBACK,
)


def follow_up_kinds(actor: User) -> tuple[str, ...]:
    if actor.is_office:
        return tuple(FollowUp.Kind.values)
    if actor.is_supervisor:
        return SUPERVISOR_FOLLOW_UPS
    if actor.is_handler:
        return HANDLER_FOLLOW_UPS
    return ()


def _check_follow_up(state: ItemState, actor: User, kind: str | None = None) -> Department | None:
    """Who may record a follow-up (of `kind`, when given); returns the acting department."""
    label = FollowUp.Kind(kind).label if kind else "跟踪"
    department = None
    if actor.is_office:
        pass
    elif actor.is_supervisor:
        if kind and kind not in SUPERVISOR_FOLLOW_UPS:
            _refuse(f"督查室不能登记“{label}”记录。", code="permission")
    elif actor.is_handler:
        department = _held(state, actor, None, f"登记{label}记录").department
        if kind and kind not in HANDLER_FOLLOW_UPS:
            _refuse(f"承办单位不能登记“{label}”记录。", code="permission")
    else:
        _refuse("您没有登记跟踪记录的权限。", code="permission")
    _require_not_voided(state, "登记跟踪记录")
    if state.suggestion.status == Status.DRAFT:
        _refuse("建议尚未交办，不能登记跟踪记录。", code="state")
    return department


def _check_key_supervision(state: ItemState, actor: User) -> None:
    if not (actor.is_office or actor.is_supervisor):
        _refuse("只有区政府办公室或督查室可以设置重点督办。", code="permission")
    _require_not_voided(state, "设为重点督办")
    if state.suggestion.status == Status.DRAFT:
        _refuse("建议尚未交办，不能设为重点督办。", code="state")


def _check_close(state: ItemState, actor: User) -> None:
    _require_office(actor, "办结建议")
    _require_status(state.suggestion, [Status.REPLIED], "办结")


def _check_void(state: ItemState, actor: User) -> None:
    _require_office(actor, "作废建议")
    _require_not_voided(state, "再次作废")


ACTION_CHECKS = {
    "update": _check_update,
    "assign": _check_assign,
    "reassign": _check_reassign,
    "acknowledge": _check_acknowledge,
    "return_request": _check_return_request,
    "return_decide": _check_return_decide,
    "co_opinion": _check_co_opinion,
    "reply": _check_reply,
    "feedback": _check_feedback,
    "extension_request": _check_extension_request,
    "extension_decide": _check_extension_decide,
    "follow_up": _check_follow_up,
    "key_supervision": _check_key_supervision,
    "close": _check_close,
    "void": _check_void,
}


def available_actions(state: ItemState, actor: User) -> dict[str, str]:
    """Each action name mapped to "" when the actor may take it now, else the reason not.

    Pages show the allowed ones; the reasons help explain a missing button.
    """
    result = {}
    for name, check in ACTION_CHECKS.items():
        try:
            check(state, actor)
        except ValidationError as refusal:
            result[name] = refusal.messages[0]
        else:
            result[name] = ""
    return result


def _state(s: Suggestion, when: dt.datetime | None) -> ItemState:
    return ItemState.load(s, today=_today(when))


def _save(
    suggestion: Suggestion,
    *,
    actor: User,
    fields: Iterable[str],
    action: str,
    when: dt.datetime | None,
    from_status: str = "",
    note: str = "",
    department: Department | None = None,
) -> Suggestion:
    """Save the item with a new version and write its timeline event."""
    suggestion.version += 1
    suggestion._history_user = actor
    suggestion.save(update_fields=[*set(fields), "version", "updated_at"])
    Event.objects.create(
        suggestion=suggestion,
        action=action,
        actor=actor,
        department=department if department is not None else actor.department,
        occurred_at=when or timezone.now(),
        from_status=from_status,
        to_status=suggestion.status if from_status and from_status != suggestion.status else "",
        note=note,
    )
    return suggestion


def _save_record(record, actor: User, **kwargs):
    record._history_user = actor
    record.save(**kwargs)
    return record


def _check_date(day: dt.date, *, not_before: dt.date | None, today: dt.date, what: str) -> None:
    if day > today:
        _refuse(f"{what}不能晚于今天（{today:%Y-%m-%d}）。", code="date")
    if not_before and day < not_before:
        _refuse(f"{what}不能早于{not_before:%Y-%m-%d}。", code="date")


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


# ---------------------------------------------------------------------------------------
# Registration and editing

EDITABLE_FIELDS = (
    "year",
    "kind",
    "source",
    "number",
    "session",
    "title",
    "content",
    "topic",
    "lead_deputy",
    "received_on",
)


def _next_number(year: int, kind: str) -> int:
    top = Suggestion.objects.filter(year=year, kind=kind).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def validate_suggestion_fields(data: dict) -> None:
    if data.get("kind") not in Kind.values:
        _refuse("类别不正确，应为“代表建议”或“代表集中联系社区意见建议”。", code="kind")
    if data.get("source") not in Source.values:
        _refuse("提出时间不正确，应为“大会期间”或“闭会期间”。", code="source")
    if data.get("topic") and data["topic"] not in Topic.values:
        _refuse("主题分类不正确。", code="topic")
    if not (data.get("title") or "").strip():
        _refuse("请填写建议标题。", code="title")
    session = data.get("session")
    if data["source"] == Source.SESSION and data["kind"] == Kind.SUGGESTION and session is None:
        _refuse("大会期间提出的建议须选择所属会议。", code="session")
    if data["source"] == Source.RECESS and session is not None:
        _refuse("闭会期间提出的建议不属于任何一次会议，请勿选择会议。", code="session")


@transaction.atomic
def suggestion_create(
    *,
    actor: User,
    title: str,
    lead_deputy: Deputy,
    received_on: dt.date,
    kind: str = Kind.SUGGESTION,
    source: str = Source.SESSION,
    year: int | None = None,
    number: int | None = None,
    session: CongressSession | None = None,
    content: str = "",
    topic: str = Topic.OTHER,
    co_signers: Iterable[Deputy] = (),
    key_supervision: bool = False,
    when: dt.datetime | None = None,
) -> Suggestion:
    _require_office(actor, "登记建议")
    year = year or received_on.year
    data = {"kind": kind, "source": source, "title": title, "session": session, "topic": topic}
    validate_suggestion_fields(data)
    _check_date(received_on, not_before=None, today=_today(when), what="收到日期")
    co_signers = [d for d in dict.fromkeys(co_signers) if d != lead_deputy]
    if number is None:
        number = _next_number(year, kind)
    elif Suggestion.objects.filter(year=year, kind=kind, number=number).exists():
        _refuse(f"{year}年度{Kind(kind).label}编号{number}已被使用。", code="number")
    suggestion = Suggestion(
        year=year,
        kind=kind,
        source=source,
        number=number,
        session=session,
        title=title.strip(),
        content=content,
        topic=topic,
        lead_deputy=lead_deputy,
        received_on=received_on,
        key_supervision=key_supervision,
        created_by=actor,
    )
    suggestion._history_user = actor
    try:
        with transaction.atomic():
            suggestion.save()
    except IntegrityError:
        _refuse(f"{year}年度{Kind(kind).label}编号{number}已被使用，请重试。", code="number")
    if co_signers:
        suggestion.co_signers.set(co_signers)
    Event.objects.create(
        suggestion=suggestion,
        action=Event.Action.CREATE,
        actor=actor,
        department=actor.department,
        occurred_at=when or timezone.now(),
        to_status=Status.DRAFT,
        note=f"登记为{suggestion.code}",
    )
    return suggestion


@transaction.atomic
def suggestion_update(
    *,
    suggestion: Suggestion,
    actor: User,
    expected_version: int | None,
    co_signers: Iterable[Deputy] | None = None,
    when: dt.datetime | None = None,
    **changes,
) -> Suggestion:
    """Edit the registered facts. Numbering fields only change while the item is a draft."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"suggestion_update() cannot change {sorted(unknown)}")
    s = _lock(suggestion, expected_version)
    _check_update(_state(s, when), actor)
    numbering = {"year", "kind", "number"} & {f for f, v in changes.items() if getattr(s, f) != v}
    if numbering and s.status != Status.DRAFT:
        _refuse("建议已交办，年度、类别和编号不能再修改。", code="state")
    changed = [f for f, v in changes.items() if getattr(s, f) != v]
    for field in changed:
        setattr(s, field, changes[field])
    data = {f: getattr(s, f) for f in ("kind", "source", "title", "session", "topic")}
    validate_suggestion_fields(data)
    if "received_on" in changed:
        _check_date(s.received_on, not_before=None, today=_today(when), what="收到日期")
    if numbering and (
        Suggestion.objects.filter(year=s.year, kind=s.kind, number=s.number)
        .exclude(pk=s.pk)
        .exists()
    ):
        _refuse(f"{s.year}年度{s.get_kind_display()}编号{s.number}已被使用。", code="number")
    labels = [str(Suggestion._meta.get_field(f).verbose_name) for f in changed]
    if co_signers is not None:
        new = {d.pk for d in co_signers if d.pk != s.lead_deputy_id}
        if new != set(s.co_signers.values_list("pk", flat=True)):
            s.co_signers.set(new)
            labels.append("联名代表")
    if not labels:
        return s
    return _save(
        s,
        actor=actor,
        fields=changed,
        action=Event.Action.UPDATE,
        when=when,
        note=f"修改了：{'、'.join(labels)}",
    )


# ---------------------------------------------------------------------------------------
# Assignment


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
    s = _lock(suggestion, expected_version)
    _check_assign(_state(s, when), actor)
    today = _today(when)
    assigned_on = assigned_on or today
    _check_date(assigned_on, not_before=s.received_on, today=today, what="交办日期")
    lead_assignment, co = _create_assignments(
        s, lead=lead, co_departments=co_departments, assigned_on=assigned_on, actor=actor
    )
    s.status = Status.ASSIGNED
    s.assigned_on = s.reply_due_from = assigned_on
    s.reply_due_on = s.due_on = lead_assignment.reply_due_on
    return _save(
        s,
        actor=actor,
        fields=["status", "assigned_on", "reply_due_on", "reply_due_from", "due_on"],
        action=Event.Action.ASSIGN,
        when=when,
        from_status=Status.DRAFT,
        note=_assignment_note(lead, co),
    )


def _lapse_requests(s: Suggestion, *, actor: User, on: dt.date, why: str) -> None:
    """Pending return and extension requests on the item lapse (recorded as refused)."""
    for model in (ReturnRequest, ExtensionRequest):
        pending = model.objects.filter(
            assignment__suggestion=s, assignment__is_active=True, status=RequestStatus.PENDING
        )
        for request in pending:
            request.status = RequestStatus.REJECTED
            request.decided_by = actor
            request.decided_at = timezone.now()
            request.decided_on = on
            request.decision_note = f"{why}，该申请自动失效。"
            _save_record(request, actor)


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
    return _save(
        s,
        actor=actor,
        fields=["status", "reply_due_on", "reply_due_from", "due_on"],
        action=action,
        when=when,
        from_status=from_status,
        note=f"{note}{text}" if note else text,
    )


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
    s = _lock(suggestion, expected_version)
    _check_reassign(_state(s, when), actor)
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
    s = _lock(suggestion, expected_version)
    assignment = _check_acknowledge(_state(s, when), actor)
    is_lead = assignment.role == Assignment.Role.LEAD
    assignment.acknowledged_at = when or timezone.now()
    assignment.acknowledged_by = actor
    _save_record(assignment, actor, update_fields=["acknowledged_at", "acknowledged_by"])
    from_status = s.status
    if is_lead:
        s.status = Status.IN_PROGRESS
    return _save(
        s,
        actor=actor,
        fields=["status"],
        action=Event.Action.ACKNOWLEDGE,
        when=when,
        from_status=from_status,
        note=f"{assignment.department}（{assignment.get_role_display()}）签收",
    )


# ---------------------------------------------------------------------------------------
# Return requests (申请退办)


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
    s = _lock(suggestion, expected_version)
    assignment = _check_return_request(_state(s, when), actor)
    if not reason.strip():
        _refuse("请填写退办理由。", code="reason")
    request = _save_record(
        ReturnRequest(
            assignment=assignment,
            reason=reason.strip(),
            suggested_department=suggested_department,
            requested_by=actor,
        ),
        actor,
    )
    _save(
        s,
        actor=actor,
        fields=[],
        action=Event.Action.RETURN_REQUEST,
        when=when,
        note=reason.strip(),
    )
    return request


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
    s = _lock(request.assignment.suggestion, expected_version)
    _require_office(actor, "审批退办申请")
    request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        _refuse(f"该退办申请已处理（{request.get_status_display()}）。", code="state")
    if not request.assignment.is_active:
        _refuse("该建议已重新交办，原单位的退办申请不再适用。", code="state")
    request.decided_at = when or timezone.now()
    request.decided_on = _today(when)
    request.decided_by = actor
    request.decision_note = note.strip()
    if not approve:
        request.status = RequestStatus.REJECTED
        _save_record(request, actor)
        return _save(
            s,
            actor=actor,
            fields=[],
            action=Event.Action.RETURN_REJECT,
            when=when,
            note=note.strip() or "不同意退办，请原承办单位继续办理",
        )
    _require_status(s, [Status.ASSIGNED, Status.IN_PROGRESS], "同意退办")
    if lead is None:
        _refuse("同意退办时须指定新的主办单位。", code="lead")
    if lead.pk == request.assignment.department_id:
        _refuse("新的主办单位不能是申请退办的单位。", code="lead")
    today = _today(when)
    assigned_on = assigned_on or today
    _check_date(assigned_on, not_before=s.assigned_on, today=today, what="交办日期")
    request.status = RequestStatus.APPROVED
    _save_record(request, actor)
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


# ---------------------------------------------------------------------------------------
# Co-handling opinion, reply


@transaction.atomic
def co_opinion_submit(
    *,
    suggestion: Suggestion,
    actor: User,
    opinion: str,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    s = _lock(suggestion, expected_version)
    assignment = _check_co_opinion(_state(s, when), actor)
    if not opinion.strip():
        _refuse("请填写会办意见。", code="opinion")
    now = when or timezone.now()
    assignment.opinion = opinion.strip()
    assignment.opinion_on = timezone.localdate(now)
    assignment.opinion_by = actor
    fields = ["opinion", "opinion_on", "opinion_by"]
    if not assignment.acknowledged_at:
        # Writing the opinion shows the department has the item: it counts as signing for it.
        assignment.acknowledged_at = now
        assignment.acknowledged_by = actor
        fields += ["acknowledged_at", "acknowledged_by"]
    _save_record(assignment, actor, update_fields=fields)
    return _save(
        s,
        actor=actor,
        fields=[],
        action=Event.Action.CO_OPINION,
        when=when,
        note=f"{assignment.department}会办意见：{assignment.opinion}",
    )


def _latest_record_date(s: Suggestion) -> dt.date | None:
    """The date of the item's latest reply, feedback or outcome change."""
    dates = [
        s.replies.aggregate(d=Max("replied_on"))["d"],
        s.feedbacks.aggregate(d=Max("received_on"))["d"],
        s.outcome_changes.aggregate(d=Max("effective_on"))["d"],
    ]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def _due_on(s: Suggestion, day: dt.date) -> dt.date | None:
    """The reply due date in force on `day`, by the reports' own rule (suggestions.asof)."""
    return (
        Suggestion.objects.filter(pk=s.pk)
        .annotate(due=asof.due_on(day))
        .values_list("due", flat=True)
        .get()
    )


def _record_outcome(
    s: Suggestion,
    *,
    to_outcome: str,
    effective_on: dt.date,
    actor: User,
    reply: Reply | None = None,
    follow_up: FollowUp | None = None,
    evidence: str = "",
) -> OutcomeChange:
    change = OutcomeChange.objects.create(
        suggestion=s,
        source=OutcomeChange.Source.REPLY if reply else OutcomeChange.Source.RECHECK,
        from_outcome=s.outcome,
        to_outcome=to_outcome,
        effective_on=effective_on,
        reply=reply,
        follow_up=follow_up,
        evidence=evidence,
        created_by=actor,
    )
    s.outcome = to_outcome
    s.outcome_on = effective_on
    return change


@transaction.atomic
def reply_submit(
    *,
    suggestion: Suggestion,
    actor: User,
    outcome: str,
    text: str,
    replied_on: dt.date | None = None,
    letter: File | None = None,
    letter_name: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Reply:
    """办复: only the lead replies to the deputy, after the co-handling opinions are in."""
    s = _lock(suggestion, expected_version)
    assignment = _check_reply(_state(s, when), actor)
    if outcome not in Outcome.values:
        _refuse("请选择办理结果（已经解决、正在解决、计划解决、留作参考）。", code="outcome")
    if not text.strip():
        _refuse("请填写答复内容。", code="text")
    today = _today(when)
    replied_on = replied_on or today
    last = s.replies.order_by("-round").first()
    # A rework reply answers the 不满意 feedback and follows any re-check: it cannot be
    # dated before them, or the outcome ledger would be out of order.
    _check_date(
        replied_on,
        not_before=_latest_record_date(s) or assignment.assigned_on,
        today=today,
        what="答复日期",
    )
    reply = Reply(
        suggestion=s,
        round=(last.round + 1) if last else 1,
        department=assignment.department,
        outcome=outcome,
        text=text.strip(),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
        replied_on=replied_on,
        created_by=actor,
    )
    if letter is not None:
        reply.letter_name = letter_name or getattr(letter, "name", "") or "答复函"
        reply.letter.save(reply.letter_name, letter, save=False)
    _save_record(reply, actor)
    _record_outcome(s, to_outcome=outcome, effective_on=replied_on, actor=actor, reply=reply)
    from_status = s.status
    s.status = Status.REPLIED
    s.due_on = None
    fields = ["status", "due_on", "outcome", "outcome_on"]
    if s.first_replied_on is None:
        s.first_replied_on = replied_on
        s.first_reply_due_on = _due_on(s, replied_on)
        fields += ["first_replied_on", "first_reply_due_on"]
    _save(
        s,
        actor=actor,
        fields=fields,
        action=Event.Action.REPLY,
        when=when,
        from_status=from_status,
        note=f"第{reply.round}轮答复，办理结果：{reply.get_outcome_display()}",
    )
    return reply


# ---------------------------------------------------------------------------------------
# Feedback, extension, follow-up, supervision, closing


@transaction.atomic
def feedback_record(
    *,
    suggestion: Suggestion,
    actor: User,
    satisfaction: str,
    received_on: dt.date | None = None,
    comment: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Feedback:
    """The deputy's rating: 满意/基本满意 closes the item, 不满意 opens a rework round."""
    s = _lock(suggestion, expected_version)
    _check_feedback(_state(s, when), actor)
    if satisfaction not in Satisfaction.values:
        _refuse("请选择满意度（满意、基本满意、不满意）。", code="satisfaction")
    reply = s.replies.order_by("-round").first()
    today = _today(when)
    received_on = received_on or today
    _check_date(received_on, not_before=_latest_record_date(s), today=today, what="反馈日期")
    if satisfaction == Satisfaction.UNSATISFIED and not comment.strip():
        _refuse("代表不满意时，请记录代表的具体意见，以便承办单位重新办理。", code="comment")
    feedback = _save_record(
        Feedback(
            suggestion=s,
            reply=reply,
            satisfaction=satisfaction,
            comment=comment.strip(),
            received_on=received_on,
            created_by=actor,
        ),
        actor,
    )
    s.satisfaction = satisfaction
    s.satisfaction_on = received_on
    fields = ["status", "satisfaction", "satisfaction_on", "due_on"]
    if satisfaction == Satisfaction.UNSATISFIED:
        s.status = Status.REWORK
        s.due_on = add_months(received_on, DeadlinePolicy.current().rework_months)
        note = f"代表不满意，重新办理，期限{s.due_on:%Y-%m-%d}"
    else:
        s.status = Status.CLOSED
        note = f"代表{feedback.get_satisfaction_display()}，办结"
    _save(
        s,
        actor=actor,
        fields=fields,
        action=Event.Action.FEEDBACK,
        when=when,
        from_status=Status.REPLIED,
        note=f"{note}。代表意见：{comment.strip()}" if comment.strip() else f"{note}。",
    )
    return feedback


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
    s = _lock(suggestion, expected_version)
    assignment = _check_extension_request(_state(s, when), actor)
    if not reason.strip():
        _refuse("请填写延期理由。", code="reason")
    current = assignment.due_in_force
    limit = add_months(assignment.reply_due_on, DeadlinePolicy.current().max_extension_months)
    if requested_due_on <= current:
        _refuse(f"申请延期的日期须晚于当前期限（{current:%Y-%m-%d}）。", code="date")
    if requested_due_on > limit:
        _refuse(f"延期最长至{limit:%Y-%m-%d}（原期限后不超过规定月数）。", code="date")
    request = _save_record(
        ExtensionRequest(
            assignment=assignment,
            reason=reason.strip(),
            requested_due_on=requested_due_on,
            requested_by=actor,
        ),
        actor,
    )
    _save(
        s,
        actor=actor,
        fields=[],
        action=Event.Action.EXTENSION_REQUEST,
        when=when,
        note=f"申请延期至{requested_due_on:%Y-%m-%d}：{reason.strip()}",
    )
    return request


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
    s = _lock(request.assignment.suggestion, expected_version)
    _require_office(actor, "审批延期申请")
    request = (
        ExtensionRequest.objects.select_for_update().select_related("assignment").get(pk=request.pk)
    )
    if request.status != RequestStatus.PENDING:
        _refuse(f"该延期申请已处理（{request.get_status_display()}）。", code="state")
    if approve:
        _require_status(s, [Status.ASSIGNED, Status.IN_PROGRESS], "同意延期")
        if not request.assignment.is_active:
            _refuse("该建议已重新交办，原单位的延期申请不再适用。", code="state")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_at = when or timezone.now()
    request.decided_on = _today(when)
    request.decided_by = actor
    request.decision_note = note.strip()
    _save_record(request, actor)
    if not approve:
        return _save(
            s,
            actor=actor,
            fields=[],
            action=Event.Action.EXTENSION_REJECT,
            when=when,
            note=note.strip() or "不同意延期",
        )
    assignment = request.assignment
    assignment.extended_due_on = request.requested_due_on
    _save_record(assignment, actor, update_fields=["extended_due_on"])
    s.reply_due_on = s.due_on = request.requested_due_on
    s.reply_due_from = request.decided_on
    return _save(
        s,
        actor=actor,
        fields=["reply_due_on", "reply_due_from", "due_on"],
        action=Event.Action.EXTENSION_APPROVE,
        when=when,
        note=f"同意延期至{request.requested_due_on:%Y-%m-%d}。{note.strip()}".strip(),
    )


@transaction.atomic
def follow_up_record(
    *,
    suggestion: Suggestion,
    actor: User,
    kind: str,
    findings: str,
    happened_on: dt.date | None = None,
    participants: str = "",
    consistent_with_reply: bool | None = None,
    new_outcome: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> FollowUp:
    """走访、回访、面商、督办、抽查、跟踪复查. A re-check may change the outcome, with evidence."""
    s = _lock(suggestion, expected_version)
    if kind not in FollowUp.Kind.values:
        _refuse("跟踪方式不正确。", code="kind")
    label = FollowUp.Kind(kind).label
    department = _check_follow_up(_state(s, when), actor, kind)
    if kind in (FollowUp.Kind.SPOT_CHECK, FollowUp.Kind.RECHECK) and not s.outcome:
        _refuse(f"建议尚未办复，不能{label}。", code="state")
    if not findings.strip():
        _refuse("请填写情况与结论。", code="findings")
    if new_outcome:
        if kind != FollowUp.Kind.RECHECK:
            _refuse("只有跟踪复查可以变更办理结果。", code="outcome")
        if new_outcome not in Outcome.values:
            _refuse("办理结果不正确。", code="outcome")
        if new_outcome == s.outcome:
            _refuse(f"办理结果已是“{s.get_outcome_display()}”，无需变更。", code="outcome")
        _require_status(s, [Status.REPLIED, Status.CLOSED], "变更办理结果")
    today = _today(when)
    happened_on = happened_on or today
    _check_date(happened_on, not_before=s.assigned_on, today=today, what="跟踪日期")
    if new_outcome:
        last = (
            s.outcome_changes.order_by("-effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        if last and happened_on < last:
            _refuse(f"复查日期不能早于最近一次办理结果的日期（{last:%Y-%m-%d}）。", code="date")
    follow_up = _save_record(
        FollowUp(
            suggestion=s,
            kind=kind,
            happened_on=happened_on,
            department=department,
            participants=participants.strip(),
            findings=findings.strip(),
            consistent_with_reply=consistent_with_reply,
            created_by=actor,
        ),
        actor,
    )
    fields: list[str] = []
    action = Event.Action.FOLLOW_UP
    note = f"{label}：{follow_up.findings}"
    if new_outcome:
        change = _record_outcome(
            s,
            to_outcome=new_outcome,
            effective_on=happened_on,
            actor=actor,
            follow_up=follow_up,
            evidence=follow_up.findings,
        )
        fields += ["outcome", "outcome_on"]
        action = Event.Action.RECHECK
        note = (
            f"跟踪复查，办理结果由“{change.get_from_outcome_display()}”变更为"
            f"“{change.get_to_outcome_display()}”：{follow_up.findings}"
        )
    _save(s, actor=actor, fields=fields, action=action, when=when, note=note, department=department)
    return follow_up


@transaction.atomic
def suggestion_set_key_supervision(
    *,
    suggestion: Suggestion,
    actor: User,
    key_supervision: bool,
    note: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    s = _lock(suggestion, expected_version)
    _check_key_supervision(_state(s, when), actor)
    if s.key_supervision == key_supervision:
        _refuse(
            "该建议已是重点督办件。" if key_supervision else "该建议不是重点督办件。", code="state"
        )
    s.key_supervision = key_supervision
    text = "列为重点督办" if key_supervision else "取消重点督办"
    return _save(
        s,
        actor=actor,
        fields=["key_supervision"],
        action=Event.Action.KEY_SUPERVISION,
        when=when,
        note=f"{text}。{note.strip()}" if note.strip() else f"{text}。",
    )


@transaction.atomic
def suggestion_close(
    *,
    suggestion: Suggestion,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """办结 without a rating (e.g. the deputy did not answer); the rating closes otherwise."""
    s = _lock(suggestion, expected_version)
    _check_close(_state(s, when), actor)
    s.status = Status.CLOSED
    return _save(
        s,
        actor=actor,
        fields=["status"],
        action=Event.Action.CLOSE,
        when=when,
        from_status=Status.REPLIED,
        note=note.strip() or "办结。",
    )


@transaction.atomic
def suggestion_void(
    *,
    suggestion: Suggestion,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """作废: an item registered by mistake (a duplicate, not a deputy's suggestion) is never
    deleted. It keeps its number, records and timeline, leaves every list of work and every
    report dated from today on, and stays in the reports dated before (DESIGN §5, §13).
    The void takes effect the day it is recorded: a backdated one would change reports
    already sent."""
    s = _lock(suggestion, expected_version)
    _check_void(_state(s, when), actor)
    if not reason.strip():
        _refuse("请填写作废理由。", code="reason")
    today = _today(when)
    _lapse_requests(s, actor=actor, on=today, why="建议已作废")
    from_status = s.status
    s.status = Status.VOIDED
    s.voided_on = today
    s.void_reason = reason.strip()
    s.due_on = None
    return _save(
        s,
        actor=actor,
        fields=["status", "voided_on", "void_reason", "due_on"],
        action=Event.Action.VOID,
        when=when,
        from_status=from_status,
        note=f"作废：{reason.strip()}",
    )
