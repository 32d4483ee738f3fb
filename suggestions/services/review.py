"""Reply review (答复审核) and countersigning (会签), DESIGN §11.

While a switch applies to an item, the lead's reply is a draft (ReplyDraft): under
countersign the co departments agree, or disagree with an opinion, and the lead submits
once all agree; under review the office sends it on, returns it with a reason, or sends it
with its outcome re-classified. Only when it goes to the deputy is it recorded as a Reply
(the outcome ledger, first_replied_on, the 已答复 notice) — dated the day it went, so the
reports as of any earlier date are what they were."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import File
from django.db import transaction

from departments.models import User
from notices import services as notices
from suggestions.bounds import check_text
from suggestions.models import Countersign
from suggestions.models import Event
from suggestions.models import Outcome
from suggestions.models import ReplyDraft
from suggestions.models import Suggestion
from suggestions.services._steps import ItemState
from suggestions.services._steps import _lock
from suggestions.services._steps import _refuse
from suggestions.services._steps import _save
from suggestions.services._steps import _save_record
from suggestions.services._steps import _today
from suggestions.services.reply import check_promised_on
from suggestions.services.reply import check_reply_fields
from suggestions.services.reply import new_reply
from suggestions.services.reply import record_reply
from suggestions.services.reply import store_letter
from suggestions.services.rules import _check_countersign
from suggestions.services.rules import _check_countersigned_submit
from suggestions.services.rules import _check_reply_draft
from suggestions.services.rules import _check_reply_review

REVIEW_DECISIONS = ("send", "return", "reclassify")
REVIEW_FIELDS = ["reviewed_by", "reviewed_on", "review_note"]


def _begin_with_state(suggestion, expected_version, when, check, actor):
    s = _lock(suggestion, expected_version)
    state = ItemState.load(s, today=_today(when))
    return s, state, check(state, actor)


@transaction.atomic
def reply_draft_submit(
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
    promised_on: dt.date | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> ReplyDraft:
    """The lead's reply draft: to the co departments for countersign when that applies,
    else to the office for review. A revision replaces the draft in play (its countersigns
    with it)."""
    check_text(text=text, contact_person=contact_person, contact_phone=contact_phone)
    s, state, assignment = _begin_with_state(
        suggestion, expected_version, when, _check_reply_draft, actor
    )
    today = _today(when)
    written_on = replied_on or today
    check_reply_fields(
        s,
        assignment,
        outcome=outcome,
        text=text,
        replied_on=written_on,
        promised_on=promised_on,
        today=today,
    )
    revising = state.draft is not None
    if revising:
        state.draft.stage = ReplyDraft.Stage.SUPERSEDED
        _save_record(state.draft, actor, update_fields=["stage"])
    stage = ReplyDraft.Stage.COUNTERSIGN if state.needs_countersign else ReplyDraft.Stage.REVIEW
    draft = ReplyDraft(
        suggestion=s,
        department=assignment.department,
        stage=stage,
        outcome=outcome,
        text=text.strip(),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
        written_on=written_on,
        promised_on=promised_on,
        created_by=actor,
    )
    stored = store_letter(draft, letter, letter_name) if letter is not None else ""
    try:
        _save_record(draft, actor)
        where = "送会办单位会签" if stage == ReplyDraft.Stage.COUNTERSIGN else "送区政府办公室审核"
        _save(
            s,
            actor,
            Event.Action.REPLY_DRAFT,
            when,
            note=f"{'修改后的' if revising else ''}答复稿{where}，"
            f"办理结果：{draft.get_outcome_display()}",
        )
    except BaseException:
        if stored:
            draft.letter.storage.delete(stored)
        raise
    if stage == ReplyDraft.Stage.COUNTERSIGN:
        co = [a.department_id for a in state.co_assignments]
        notices.notify_countersign_due(suggestion=s, department_ids=co)
    else:
        notices.notify_reply_review(suggestion=s, draft=draft)
    return draft


@transaction.atomic
def reply_countersign(
    *,
    suggestion: Suggestion,
    actor: User,
    agree: bool,
    opinion: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Countersign:
    """A co department's 会签 of the lead's draft; a disagreement carries its opinion."""
    check_text(opinion=opinion)
    s, state, (assignment, draft) = _begin_with_state(
        suggestion, expected_version, when, _check_countersign, actor
    )
    if not agree and not opinion.strip():
        _refuse("不同意答复稿时，请填写会签意见。", code="opinion")
    sign = _save_record(
        Countersign(
            draft=draft,
            department=assignment.department,
            agree=agree,
            opinion=opinion.strip(),
            signed_on=_today(when),
            signed_by=actor,
        ),
        actor,
    )
    verdict = "同意" if agree else "不同意"
    _save(
        s,
        actor,
        Event.Action.COUNTERSIGN,
        when,
        note=f"{assignment.department}会签：{verdict}"
        + (f"。{sign.opinion}" if sign.opinion else ""),
    )
    notices.notify_countersigned(suggestion=s, sign=sign, lead_id=draft.department_id)
    return sign


@transaction.atomic
def reply_countersigned_submit(
    *,
    suggestion: Suggestion,
    actor: User,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> ReplyDraft:
    """The lead submits the draft every co department agreed to: to the office for review
    when that switch is on, else straight to the deputy, dated today."""
    s, state, draft = _begin_with_state(
        suggestion, expected_version, when, _check_countersigned_submit, actor
    )
    if state.policy and state.policy.reply_review:
        draft.stage = ReplyDraft.Stage.REVIEW
        _save_record(draft, actor, update_fields=["stage"])
        _save(s, actor, Event.Action.REPLY_DRAFT, when, note="会签完成，答复稿送区政府办公室审核")
        notices.notify_reply_review(suggestion=s, draft=draft)
        return draft
    _send(s, draft, actor=actor, when=when, outcome=draft.outcome, note="（已经会办单位会签）")
    return draft


@transaction.atomic
def reply_review(
    *,
    suggestion: Suggestion,
    actor: User,
    decision: str,
    note: str = "",
    outcome: str = "",
    promised_on: dt.date | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> ReplyDraft:
    """The office's review: send on (the reply dated today), return for revision with a
    reason, or re-classify the outcome with a reason and send."""
    check_text(note=note)
    s, state, draft = _begin_with_state(
        suggestion, expected_version, when, _check_reply_review, actor
    )
    if decision not in REVIEW_DECISIONS:
        _refuse("请选择审核意见（送达代表、退回修改或调整办理结果后送达）。", code="decision")
    note = note.strip()
    if decision != "send" and not note:
        what = "退回理由" if decision == "return" else "调整办理结果的理由"
        _refuse(f"请填写{what}。", code="note")
    draft.reviewed_by, draft.reviewed_on, draft.review_note = actor, _today(when), note
    if decision == "return":
        draft.stage = ReplyDraft.Stage.RETURNED
        _save_record(draft, actor, update_fields=["stage", *REVIEW_FIELDS])
        _save(s, actor, Event.Action.REPLY_RETURN, when, note=f"答复稿退回修改：{note}")
        notices.notify_reply_returned(suggestion=s, draft=draft)
        return draft
    extra = "（经区政府办公室审核送达）"
    if decision == "reclassify":
        outcome, promised_on = _reclassified(draft, outcome, promised_on, _today(when))
        extra = (
            f"（经区政府办公室审核，办理结果由“{draft.get_outcome_display()}”调整为"
            f"“{Outcome(outcome).label}”：{note}）"
        )
    else:
        outcome, promised_on = draft.outcome, draft.promised_on
    _send(s, draft, actor=actor, when=when, outcome=outcome, promised_on=promised_on, note=extra)
    return draft


def _reclassified(draft: ReplyDraft, outcome: str, promised_on, today: dt.date):
    if outcome not in Outcome.values:
        _refuse("请选择调整后的办理结果。", code="outcome")
    if outcome == draft.outcome:
        _refuse("调整后的办理结果与答复稿相同；如无需调整，请选择“送达代表”。", code="outcome")
    check_promised_on(outcome=outcome, promised_on=promised_on, replied_on=today)
    return outcome, promised_on


_UNSET = object()


def _send(s, draft, *, actor, when, outcome, note, promised_on=_UNSET) -> None:
    """Record the draft as the next reply round, dated the day it goes to the deputy."""
    today = _today(when)
    promised_on = draft.promised_on if promised_on is _UNSET else promised_on
    # The promise must still lie after the reply date, which is today, not the draft's.
    check_promised_on(outcome=outcome, promised_on=promised_on, replied_on=today)
    reply = new_reply(
        s,
        draft.department,
        actor=draft.created_by,
        outcome=outcome,
        text=draft.text,
        contact_person=draft.contact_person,
        contact_phone=draft.contact_phone,
        replied_on=today,
        promised_on=promised_on,
        letter=draft.letter.name or "",
        letter_name=draft.letter_name,
    )
    record_reply(s, reply, actor=actor, when=when, note=note)
    draft.stage = ReplyDraft.Stage.SENT
    draft.reply = reply
    _save_record(draft, actor, update_fields=["stage", "reply", *REVIEW_FIELDS])
