"""Co-handling opinions (会办意见) and the lead's reply (办复), with the outcome ledger."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from departments.models import User
from notices import services as notices
from suggestions import asof
from suggestions.bounds import check_text
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import Event
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.services._steps import _begin
from suggestions.services._steps import _check_date
from suggestions.services._steps import _refuse
from suggestions.services._steps import _save
from suggestions.services._steps import _save_record
from suggestions.services._steps import _today
from suggestions.services.rules import _check_co_opinion
from suggestions.services.rules import _check_reply


@transaction.atomic
def co_opinion_submit(
    *,
    suggestion: Suggestion,
    actor: User,
    opinion: str,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    check_text(opinion=opinion)
    s, assignment = _begin(suggestion, expected_version, when, _check_co_opinion, actor)
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
        actor,
        Event.Action.CO_OPINION,
        when,
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
    promised_on: dt.date | None = None,
) -> OutcomeChange:
    """Write the ledger row and the item's current outcome (the caller saves the item with
    OUTCOME_FIELDS). The promised completion date stays only with 正在解决 / 计划解决."""
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
    s.promised_on = promised_on if to_outcome in FOLLOW_UP_OUTCOMES else None
    return change


OUTCOME_FIELDS = ["outcome", "outcome_on", "promised_on"]
PROMISE_REACH_YEARS = 5


def check_promised_on(*, outcome: str, promised_on: dt.date | None, replied_on: dt.date) -> None:
    """DESIGN §11: 正在解决 / 计划解决 carry the promised completion date, after the reply
    and within five years; the other outcomes carry none."""
    if outcome not in FOLLOW_UP_OUTCOMES:
        if promised_on is not None:
            _refuse("只有“正在解决”“计划解决”的答复填写计划完成时间。", code="promised_on")
        return
    label = Outcome(outcome).label
    if promised_on is None:
        _refuse(f"办理结果为“{label}”时，请填写计划完成时间。", code="promised_on")
    if promised_on <= replied_on:
        _refuse(f"计划完成时间应晚于答复日期（{replied_on:%Y-%m-%d}）。", code="promised_on")
    latest = replied_on.replace(year=replied_on.year + PROMISE_REACH_YEARS)
    if promised_on > latest:
        _refuse(
            f"计划完成时间不能晚于答复日期后{PROMISE_REACH_YEARS}年（{latest:%Y-%m-%d}）。",
            code="promised_on",
        )


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
    promised_on: dt.date | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Reply:
    """办复: only the lead replies to the deputy, after the co-handling opinions are in.
    正在解决 / 计划解决 need `promised_on`, the promised completion date (DESIGN §11)."""
    check_text(text=text, contact_person=contact_person, contact_phone=contact_phone)
    s, assignment = _begin(suggestion, expected_version, when, _check_reply, actor)
    today = _today(when)
    replied_on = replied_on or today
    check_reply_fields(
        s,
        assignment,
        outcome=outcome,
        text=text,
        replied_on=replied_on,
        promised_on=promised_on,
        today=today,
    )
    reply = new_reply(
        s,
        assignment.department,
        outcome=outcome,
        text=text.strip(),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
        replied_on=replied_on,
        promised_on=promised_on,
        actor=actor,
    )
    stored = store_letter(reply, letter, letter_name) if letter is not None else ""
    try:
        record_reply(s, reply, actor=actor, when=when)
    except BaseException:
        # The row is rolled back with the transaction; the file would stay behind.
        if stored:
            reply.letter.storage.delete(stored)
        raise
    return reply


def check_reply_fields(
    s: Suggestion,
    assignment,
    *,
    outcome: str,
    text: str,
    replied_on: dt.date,
    promised_on: dt.date | None,
    today: dt.date,
) -> None:
    """The reply's own checks, shared by a direct reply and a reply draft (DESIGN §11)."""
    if outcome not in Outcome.values:
        _refuse("请选择办理结果（已经解决、正在解决、计划解决、留作参考）。", code="outcome")
    if not text.strip():
        _refuse("请填写答复内容。", code="text")
    # A rework reply answers the 不满意 feedback and follows any re-check: it cannot be
    # dated before them, or the outcome ledger would be out of order.
    _check_date(
        replied_on,
        not_before=_latest_record_date(s) or assignment.assigned_on,
        today=today,
        what="答复日期",
    )
    check_promised_on(outcome=outcome, promised_on=promised_on, replied_on=replied_on)


def new_reply(s: Suggestion, department, *, actor: User, **fields) -> Reply:
    """The next round's Reply, not yet saved."""
    last = s.replies.order_by("-round").first()
    return Reply(
        suggestion=s,
        round=(last.round + 1) if last else 1,
        department=department,
        created_by=actor,
        **fields,
    )


LETTER_NAME_MAX = 200  # Reply.letter_name
EXTENSION_MAX = 10


def _short_name(name: str, limit: int = LETTER_NAME_MAX, default: str = "答复函") -> str:
    """A file's name as the user gave it, shortened to fit, its extension kept."""
    name = Path(name or default).name.strip() or default
    suffix = Path(name).suffix if len(Path(name).suffix) <= EXTENSION_MAX else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    return stem[: limit - len(suffix)] + suffix


def store_letter(reply: Reply, letter: File, letter_name: str) -> str:
    """Store the letter under a random name (any length, any characters, no clash) and
    keep the user's name for display and download; returns the stored path."""
    reply.letter_name = _short_name(letter_name or getattr(letter, "name", ""))
    suffix = Path(reply.letter_name).suffix.lower()
    reply.letter.save(f"{uuid.uuid4().hex}{suffix}", letter, save=False)
    return reply.letter.name


def record_reply(
    s: Suggestion, reply, *, actor: User, when: dt.datetime | None, note: str = ""
) -> None:
    replied_on = reply.replied_on
    _save_record(reply, actor)
    _record_outcome(
        s,
        to_outcome=reply.outcome,
        effective_on=replied_on,
        actor=actor,
        reply=reply,
        promised_on=reply.promised_on,
    )
    from_status = s.status
    s.status = Status.REPLIED
    s.due_on = None
    fields = ["status", "due_on", *OUTCOME_FIELDS]
    if s.first_replied_on is None:
        s.first_replied_on = replied_on
        s.first_reply_due_on = _due_on(s, replied_on)
        fields += ["first_replied_on", "first_reply_due_on"]
    _save(
        s,
        actor,
        Event.Action.REPLY,
        when,
        fields=fields,
        from_status=from_status,
        note=f"第{reply.round}轮答复，办理结果：{reply.get_outcome_display()}"
        + (f"，计划完成时间：{reply.promised_on:%Y-%m-%d}" if reply.promised_on else "")
        + note,
    )
    if not s.part_of_id:
        # A part's reply is told to the deputy with the whole split item's (grouping).
        notices.notify_replied(suggestion=s, reply=reply)
