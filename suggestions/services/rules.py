"""Who may do what, when: one check per action over an ItemState.

The services call these before changing anything; the pages and the API call
`available_actions` to show only what the user may do now. One table, two readers."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone

from departments import roles
from departments.models import Department
from departments.models import User
from suggestions.models import Assignment
from suggestions.models import ExtensionRequest
from suggestions.models import FollowUp
from suggestions.models import ReplyDraft
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.services._steps import ItemState
from suggestions.services._steps import _held
from suggestions.services._steps import _refuse
from suggestions.services._steps import _require_not_voided
from suggestions.services._steps import _require_office
from suggestions.services._steps import _require_status


def _require_under_way(state: ItemState, doing: str) -> None:
    """Assigned and not voided: the item is being (or has been) handled."""
    _require_not_voided(state, doing)
    if state.suggestion.status == Status.DRAFT:
        _refuse(f"建议尚未交办，不能{doing}。", code="state")


def _handled_here(check: Callable) -> Callable:
    """并案 / 分办 (DESIGN §11): a merged item is handled on its primary, a split item on
    its parts; the handling actions are refused on them with where to go instead."""

    @functools.wraps(check)
    def guarded(state: ItemState, actor: User, *args, **kwargs):
        s = state.suggestion
        if s.merged_into_id:
            _refuse(f"本件已并入{s.merged_into.code}并案办理，请在主件上办理。", code="merged")
        if s.split_on:
            _refuse("本件已分办，请在各分办件上办理。", code="split")
        return check(state, actor, *args, **kwargs)

    return guarded


def _whole_item(check: Callable) -> Callable:
    """A part of a split item is rated, closed and voided with the item it came from."""

    @functools.wraps(check)
    def guarded(state: ItemState, actor: User, *args, **kwargs):
        s = state.suggestion
        if s.part_of_id:
            _refuse(f"本件是{s.part_of.code}的分办件，由原件统一评价、办结或作废。", code="split")
        return check(state, actor, *args, **kwargs)

    return guarded


def _require_single(state: ItemState, doing: str) -> None:
    """Not merged, not split, not a part, not a primary with merged items."""
    s = state.suggestion
    if s.merged_into_id:
        _refuse(f"本件已并入{s.merged_into.code}，不能{doing}。", code="merged")
    if s.part_of_id or s.split_on:
        _refuse(f"本件已分办，不能{doing}。", code="split")


def _check_merge(state: ItemState, actor: User) -> None:
    _require_office(actor, "并案")
    _require_status(state.suggestion, [Status.DRAFT], "并案（并案须在交办前）")
    _require_single(state, "并案")


def check_merge_member(primary: Suggestion, member: Suggestion) -> None:
    """May `member` be merged into `primary` (both locked)?"""
    code = member.code
    if member.pk == primary.pk:
        _refuse("不能将建议并入其自身。", code="members")
    if (member.year, member.kind) != (primary.year, primary.kind):
        _refuse(f"{code}与主件不属于同一年度、同一类别，不能并案。", code="members")
    if member.status != Status.DRAFT:
        _refuse(f"{code}当前状态为“{member.get_status_display()}”，并案须在交办前。", "members")
    if member.merged_into_id or member.part_of_id or member.split_on:
        _refuse(f"{code}已并案或已分办，不能再并入。", code="members")
    if member.merged_members.exists():
        _refuse(f"{code}是其他建议的并案主件，请先撤销其并案。", code="members")


def _check_unmerge(state: ItemState, actor: User) -> None:
    _require_office(actor, "撤销并案")
    s = state.suggestion
    if not s.merged_into_id:
        _refuse("本件未并案。", code="state")
    if s.first_replied_on:
        _refuse("主件已答复，不能撤销并案；代表不满意时本件将自动撤销并案、单独重新办理。", "state")


def _check_split(state: ItemState, actor: User) -> None:
    _require_office(actor, "分办")
    _require_status(state.suggestion, [Status.DRAFT], "分办（分办即交办）")
    _require_single(state, "分办")
    if state.suggestion.merged_members.exists():
        _refuse("本件是并案主件，不能分办；请先撤销并案。", code="merged")


def _check_update(state: ItemState, actor: User) -> None:
    _require_office(actor, "修改建议")
    _require_not_voided(state, "修改")
    if state.suggestion.status == Status.CLOSED:
        _refuse("已办结的建议不能修改。", code="state")


@_handled_here
def _check_assign(state: ItemState, actor: User) -> None:
    _require_office(actor, "交办建议")
    _require_status(state.suggestion, [Status.DRAFT], "交办")


@_handled_here
def _check_reassign(state: ItemState, actor: User) -> None:
    _require_office(actor, "重新交办")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "重新交办")


@_handled_here
def _check_acknowledge(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, None, "签收")
    if assignment.acknowledged_at:
        when = timezone.localtime(assignment.acknowledged_at)
        _refuse(f"{assignment.department}已于{when:%Y-%m-%d}签收，无需重复签收。", code="state")
    is_lead = assignment.role == Assignment.Role.LEAD
    allowed = [Status.ASSIGNED] if is_lead else [Status.ASSIGNED, Status.IN_PROGRESS]
    _require_status(state.suggestion, allowed, "签收")
    return assignment


@_handled_here
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


def _require_pending(request: ReturnRequest | ExtensionRequest, what: str) -> None:
    """A request is decided once."""
    if request.status != RequestStatus.PENDING:
        _refuse(f"该{what}申请已处理（{request.get_status_display()}）。", code="state")


def _require_held(request: ReturnRequest | ExtensionRequest, what: str) -> None:
    """A request lapses with its assignment when the item is re-assigned."""
    if not request.assignment.is_active:
        _refuse(f"该建议已重新交办，原单位的{what}申请不再适用。", code="state")


@_handled_here
def _check_return_decide(
    state: ItemState,
    actor: User,
    request: ReturnRequest | None = None,
    approve: bool = False,
) -> None:
    """Without a request: is there one to decide (the page's question). With one: may this
    actor decide it now, this way."""
    _require_office(actor, "审批退办申请")
    if request is None:
        if not state.pending_returns:
            _refuse("没有待审批的退办申请。", code="state")
        return
    _require_pending(request, "退办")
    _require_held(request, "退办")
    if approve:
        _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "同意退办")


@_handled_here
def _check_co_opinion(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.CO, "提交会办意见")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "提交会办意见")
    return assignment


def _require_lead_may_reply(state: ItemState, actor: User, doing: str) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.LEAD, doing)
    if state.suggestion.status == Status.ASSIGNED:
        _refuse(f"请先签收该建议，再{doing}。", code="state")
    _require_status(state.suggestion, [Status.IN_PROGRESS, Status.REWORK], doing)
    if not state.has_reply:
        missing = [a.department.name for a in state.co_assignments if not a.opinion]
        if missing:
            _refuse(
                f"会办单位{'、'.join(missing)}尚未提交会办意见，主办单位须在收到会办意见后答复。",
                code="co_opinion",
            )
    return assignment


@_handled_here
def _check_reply(state: ItemState, actor: User) -> Assignment:
    assignment = _require_lead_may_reply(state, actor, "答复代表")
    if state.reply_goes_through_draft:
        _refuse(
            f"本件建议的答复须{_draft_route(state)}，请提交答复稿。",
            code="policy",
        )
    return assignment


def _draft_route(state: ItemState) -> str:
    steps = ["经会办单位会签"] if state.needs_countersign else []
    if state.policy and state.policy.reply_review:
        steps.append("经区政府办公室审核后送达代表")
    return "、".join(steps)


@_handled_here
def _check_reply_draft(state: ItemState, actor: User) -> Assignment:
    """The lead writes (or revises) its reply draft while a switch of DESIGN §11 applies."""
    assignment = _require_lead_may_reply(state, actor, "提交答复稿")
    if not state.reply_goes_through_draft:
        _refuse("本件建议无需会签或审核，请直接答复代表。", code="policy")
    if state.draft and state.draft.stage == ReplyDraft.Stage.REVIEW:
        _refuse("答复稿正在区政府办公室审核，请等待审核结果。", code="state")
    return assignment


def _draft_in(state: ItemState, stage: str, missing: str) -> ReplyDraft:
    if state.draft is None or state.draft.stage != stage:
        _refuse(missing, code="state")
    return state.draft


@_handled_here
def _check_countersign(state: ItemState, actor: User) -> tuple[Assignment, ReplyDraft]:
    assignment = _held(state, actor, Assignment.Role.CO, "会签答复稿")
    draft = _draft_in(state, ReplyDraft.Stage.COUNTERSIGN, "没有待会签的答复稿。")
    if any(c.department_id == assignment.department_id for c in draft.countersigns.all()):
        _refuse(f"{assignment.department}已会签该答复稿。", code="state")
    return assignment, draft


@_handled_here
def _check_countersigned_submit(state: ItemState, actor: User) -> ReplyDraft:
    _require_lead_may_reply(state, actor, "提交答复")
    draft = _draft_in(state, ReplyDraft.Stage.COUNTERSIGN, "没有会签中的答复稿。")
    agreed = {c.department_id for c in draft.countersigns.all() if c.agree}
    missing = [a.department.name for a in state.co_assignments if a.department_id not in agreed]
    if missing:
        _refuse(
            f"会办单位{'、'.join(missing)}尚未会签同意，不能提交答复；"
            "如有不同意见，请修改答复稿后重新会签。",
            code="countersign",
        )
    return draft


@_handled_here
def _check_reply_review(state: ItemState, actor: User) -> ReplyDraft:
    _require_office(actor, "审核答复")
    return _draft_in(state, ReplyDraft.Stage.REVIEW, "没有待审核的答复稿。")


@_whole_item
def _check_feedback(state: ItemState, actor: User) -> None:
    """The office records a rating (代录); the lead deputy rates online (DESIGN §10)."""
    if roles.is_deputy(actor):
        if state.suggestion.lead_deputy_id != actor.deputy.pk:
            _refuse("只有领衔代表的评价计入本件建议；联名代表的评价另行记录。", code="permission")
    else:
        _require_office(actor, "登记代表反馈意见")
    _require_status(state.suggestion, [Status.REPLIED], "登记代表反馈")


@_handled_here
def _check_extension_request(state: ItemState, actor: User) -> Assignment:
    assignment = _held(state, actor, Assignment.Role.LEAD, "申请延期")
    _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "申请延期")
    if state.pending_extensions:
        _refuse("已有一份延期申请正在审批，请等待区政府办公室处理。", code="state")
    return assignment


@_handled_here
def _check_extension_decide(
    state: ItemState,
    actor: User,
    request: ExtensionRequest | None = None,
    approve: bool = False,
) -> None:
    """As _check_return_decide; a refusal needs no particular state, an approval does."""
    _require_office(actor, "审批延期申请")
    if request is None:
        if not state.pending_extensions:
            _refuse("没有待审批的延期申请。", code="state")
        return
    _require_pending(request, "延期")
    if approve:
        _require_status(state.suggestion, [Status.ASSIGNED, Status.IN_PROGRESS], "同意延期")
        _require_held(request, "延期")


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
    if roles.is_office(actor):
        return tuple(FollowUp.Kind.values)
    if roles.is_supervisor(actor):
        return SUPERVISOR_FOLLOW_UPS
    if roles.is_handler(actor):
        return HANDLER_FOLLOW_UPS
    return ()


@_handled_here
def _check_follow_up(state: ItemState, actor: User, kind: str | None = None) -> Department | None:
    """Who may record a follow-up (of `kind`, when given); returns the acting department."""
    label = FollowUp.Kind(kind).label if kind else "跟踪"
    department = None
    if roles.is_office(actor):
        pass
    elif roles.is_supervisor(actor):
        if kind and kind not in SUPERVISOR_FOLLOW_UPS:
            _refuse(f"督查室不能登记“{label}”记录。", code="permission")
    elif roles.is_handler(actor):
        department = _held(state, actor, None, f"登记{label}记录").department
        if kind and kind not in HANDLER_FOLLOW_UPS:
            _refuse(f"承办单位不能登记“{label}”记录。", code="permission")
    else:
        _refuse("您没有登记跟踪记录的权限。", code="permission")
    _require_under_way(state, "登记跟踪记录")
    return department


def _check_key_supervision(state: ItemState, actor: User) -> None:
    if not (roles.is_office(actor) or roles.is_supervisor(actor)):
        _refuse("只有区政府办公室或督查室可以设置重点督办。", code="permission")
    _require_under_way(state, "设为重点督办")


@_whole_item
def _check_close(state: ItemState, actor: User) -> None:
    _require_office(actor, "办结建议")
    _require_status(state.suggestion, [Status.REPLIED], "办结")


@_whole_item
def _check_void(state: ItemState, actor: User) -> None:
    _require_office(actor, "作废建议")
    _require_not_voided(state, "再次作废")
    if state.suggestion.split_on:
        _refuse("已分办的建议不能作废。", code="split")
    if state.suggestion.merged_members.exists():
        _refuse("本件是并案主件，请先撤销其他建议的并案，再作废。", code="merged")


ACTION_CHECKS = {
    "update": _check_update,
    "assign": _check_assign,
    "reassign": _check_reassign,
    "acknowledge": _check_acknowledge,
    "return_request": _check_return_request,
    "return_decide": _check_return_decide,
    "co_opinion": _check_co_opinion,
    "reply": _check_reply,
    "reply_draft": _check_reply_draft,
    "countersign": _check_countersign,
    "countersigned_submit": _check_countersigned_submit,
    "reply_review": _check_reply_review,
    "feedback": _check_feedback,
    "extension_request": _check_extension_request,
    "extension_decide": _check_extension_decide,
    "follow_up": _check_follow_up,
    "key_supervision": _check_key_supervision,
    "close": _check_close,
    "void": _check_void,
    "merge": _check_merge,
    "unmerge": _check_unmerge,
    "split": _check_split,
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
