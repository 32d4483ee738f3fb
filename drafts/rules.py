"""Who may do what to a draft, and when: one check per action over a DraftState. The
services call them before changing anything; the pages call `available_actions` to show
only what the user may do now (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from departments import roles
from departments.models import User
from drafts.models import OPEN_STATUSES
from drafts.models import CosignDeadline
from drafts.models import Draft
from drafts.models import DraftStatus
from drafts.models import Invitation
from drafts.models import InvitationStatus
from suggestions.services._steps import _refuse


@dataclass
class DraftState:
    """What the rules look at: the draft, its invitations, its co-signing deadline, now."""

    draft: Draft
    invitations: list[Invitation]
    closes_at: dt.datetime | None
    now: dt.datetime

    @classmethod
    def load(cls, draft: Draft, *, now: dt.datetime | None = None) -> DraftState:
        invitations = list(draft.invitations.select_related("deputy"))
        return cls(draft, invitations, cosign_closes_at(draft), now or timezone.now())

    @property
    def cosigning_closed(self) -> bool:
        return self.closes_at is not None and self.now >= self.closes_at

    def pending(self) -> list[Invitation]:
        return [i for i in self.invitations if i.status == InvitationStatus.PENDING]


def cosign_closes_at(draft: Draft) -> dt.datetime | None:
    """The office's deadline for the draft's session; recess drafts have none."""
    if draft.session_id is None:
        return None
    deadline = CosignDeadline.objects.filter(session_id=draft.session_id).first()
    return deadline.closes_at if deadline else None


def _deputy_of(actor: User):
    return actor.deputy if roles.is_deputy(actor) else None


def _require_lead(state: DraftState, actor: User, doing: str) -> None:
    deputy = _deputy_of(actor)
    if deputy is None or deputy.pk != state.draft.lead_deputy_id:
        _refuse(f"只有领衔代表本人可以{doing}。", code="permission")


def _require_open(state: DraftState, doing: str) -> None:
    if state.draft.status not in OPEN_STATUSES:
        _refuse(
            f"该建议已{state.draft.get_status_display()}，不能再{doing}。",
            code="state",
        )


def _require_before_deadline(state: DraftState, doing: str) -> None:
    if state.cosigning_closed:
        closes = timezone.localtime(state.closes_at)
        _refuse(
            f"本次会议的联名截止时间（{closes:%Y-%m-%d %H:%M}）已过，不能再{doing}。",
            code="deadline",
        )


def check_edit(state: DraftState, actor: User) -> None:
    _require_lead(state, actor, "修改草稿")
    _require_open(state, "修改")


def check_invite(state: DraftState, actor: User) -> None:
    _require_lead(state, actor, "邀请联名代表")
    _require_open(state, "邀请联名")
    _require_before_deadline(state, "邀请联名")


def check_withdraw(state: DraftState, actor: User) -> None:
    _require_lead(state, actor, "撤回联名邀请")
    _require_open(state, "撤回邀请")
    if not state.pending():
        _refuse("没有待回复的联名邀请可以撤回。", code="state")


def check_answer(state: DraftState, actor: User) -> Invitation:
    """The invited deputy's own pending invitation, while the draft still gathers names."""
    deputy = _deputy_of(actor)
    mine = next((i for i in state.invitations if deputy and i.deputy_id == deputy.pk), None)
    if mine is None:
        _refuse("您没有收到该建议的联名邀请。", code="permission")
    if mine.status != InvitationStatus.PENDING:
        _refuse(f"您已答复过该邀请（{mine.get_status_display()}），不能重复答复。", code="state")
    if state.draft.status != DraftStatus.COSIGNING:
        _refuse(
            f"该建议已{state.draft.get_status_display()}，联名邀请已结束。",
            code="state",
        )
    _require_before_deadline(state, "答复联名邀请")
    return mine


def check_submit(state: DraftState, actor: User) -> None:
    _require_lead(state, actor, "提交建议")
    _require_open(state, "提交")
    if not state.draft.title.strip():
        _refuse("请填写建议标题。", code="title")
    if not state.draft.content.strip():
        _refuse("请填写建议内容后再提交。", code="content")
    waiting = state.pending()
    if waiting and not state.cosigning_closed:
        names = "、".join(i.deputy.name for i in waiting)
        _refuse(
            f"尚有{len(waiting)}位代表（{names}）未答复联名邀请。请待其答复或联名截止后提交，"
            "或先撤回未答复的邀请。",
            code="pending",
        )


def check_decide(state: DraftState, actor: User) -> None:
    if not roles.may_review_drafts(actor):
        _refuse("只有区政府办公室工作人员可以受理代表网上提交的建议。", code="permission")
    if state.draft.status != DraftStatus.SUBMITTED:
        _refuse(
            f"该建议当前状态为“{state.draft.get_status_display()}”，不能受理（仅限“已提交”状态）。",
            code="state",
        )


ACTIONS = {
    "edit": check_edit,
    "invite": check_invite,
    "withdraw": check_withdraw,
    "answer": check_answer,
    "submit": check_submit,
    "decide": check_decide,
}


def available_actions(state: DraftState, user: User) -> set[str]:
    """The actions `user` may take on the draft now: what the pages show."""
    allowed = set()
    for name, check in ACTIONS.items():
        try:
            check(state, user)
        except ValidationError:
            continue
        allowed.add(name)
    return allowed
