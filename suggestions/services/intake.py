"""Registration (登记), editing the registered facts, and voiding (作废)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from departments.models import CongressSession, Deputy, User
from suggestions.models import (
    Event,
    Kind,
    Source,
    Status,
    Suggestion,
    Topic,
)
from suggestions.services._steps import (
    _check_date,
    _lock,
    _refuse,
    _require_office,
    _save,
    _state,
    _today,
)
from suggestions.services.assignment import _lapse_requests
from suggestions.services.rules import _check_update, _check_void

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
