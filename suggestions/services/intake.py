"""Registration (登记) one by one or in bulk, editing the registered facts, and voiding
(作废)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError
from django.db import connection
from django.db import models
from django.db import transaction
from django.db.models import Max
from django.db.models import Q
from django.utils import timezone

from departments.models import CongressSession
from departments.models import Deputy
from departments.models import User
from similar import index as similar_index
from suggestions.bounds import check_text
from suggestions.models import Event
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import Topic
from suggestions.services._steps import _begin
from suggestions.services._steps import _check_date
from suggestions.services._steps import _refuse
from suggestions.services._steps import _require_office
from suggestions.services._steps import _save
from suggestions.services._steps import _today
from suggestions.services.assignment import _lapse_requests
from suggestions.services.rules import _check_update
from suggestions.services.rules import _check_void

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


# Looked up once: the Choices' `values` are rebuilt on every access, and a bulk
# registration checks every row.
_KINDS, _SOURCES, _TOPICS = (frozenset(c.values) for c in (Kind, Source, Topic))


def validate_suggestion_fields(data: dict) -> None:
    check_text(title=data.get("title"), content=data.get("content"))
    if data.get("kind") not in _KINDS:
        _refuse("类别不正确，应为“代表建议”或“代表集中联系社区意见建议”。", code="kind")
    if data.get("source") not in _SOURCES:
        _refuse("提出时间不正确，应为“大会期间”或“闭会期间”。", code="source")
    if data.get("topic") and data["topic"] not in _TOPICS:
        _refuse("主题分类不正确。", code="topic")
    if not (data.get("title") or "").strip():
        _refuse("请填写建议标题。", code="title")
    session = data.get("session")
    if data["source"] == Source.SESSION and data["kind"] == Kind.SUGGESTION and session is None:
        _refuse("大会期间提出的建议须选择所属会议。", code="session")
    if data["source"] == Source.RECESS and session is not None:
        _refuse("闭会期间提出的建议不属于任何一次会议，请勿选择会议。", code="session")


# ---------------------------------------------------------------------------------------
# Registration: the pieces suggestion_create and suggestions_bulk_create share


@dataclass(kw_only=True)
class NewSuggestion:
    """The facts of one registration, as `suggestion_create` takes them; the items of
    `suggestions_bulk_create` (the import's parsed rows are these, with their row number)."""

    title: str
    lead_deputy: Deputy
    received_on: dt.date
    kind: str = Kind.SUGGESTION
    source: str = Source.SESSION
    year: int | None = None
    number: int | None = None  # None: the next free number of its year and kind
    session: CongressSession | None = None
    content: str = ""
    topic: str = Topic.OTHER
    co_signers: Iterable[Deputy] = ()
    key_supervision: bool = False


def _new_row(facts: NewSuggestion, *, actor: User, today: dt.date) -> Suggestion:
    """The unsaved row of a registration, after the checks every registration passes;
    its number may still be None."""
    validate_suggestion_fields(
        {
            "kind": facts.kind,
            "source": facts.source,
            "title": facts.title,
            "content": facts.content,
            "session": facts.session,
            "topic": facts.topic,
        }
    )
    _check_date(facts.received_on, not_before=None, today=today, what="收到日期")
    return Suggestion(
        year=facts.year or facts.received_on.year,
        kind=facts.kind,
        source=facts.source,
        number=facts.number,
        session=facts.session,
        title=facts.title.strip(),
        content=facts.content,
        topic=facts.topic,
        lead_deputy=facts.lead_deputy,
        received_on=facts.received_on,
        key_supervision=facts.key_supervision,
        created_by=actor,
    )


def _co_signers(facts: NewSuggestion) -> list[Deputy]:
    """Each co-signer once, and never the lead deputy."""
    return [d for d in dict.fromkeys(facts.co_signers) if d != facts.lead_deputy]


def _next_number(year: int, kind: str) -> int:
    top = Suggestion.objects.filter(year=year, kind=kind).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


NUMBERING_ATTEMPTS = 20


def _save_numbered(suggestion: Suggestion, *, automatic: bool) -> None:
    """Insert the row. Two registrations at once may both take the same next number; the
    unique constraint refuses the second, which takes the number after and tries again (on
    PostgreSQL its insert waits for the first to commit; SQLite serialises writers)."""
    for _ in range(NUMBERING_ATTEMPTS):
        try:
            with transaction.atomic():
                suggestion.save()
            return
        except IntegrityError:
            if not automatic:
                break
            suggestion.number = _next_number(suggestion.year, suggestion.kind)
    _refuse(
        f"{_number_used(suggestion.year, suggestion.kind, suggestion.number)}，请重试。",
        code="number",
    )


def _number_used(year: int, kind: str, number: int) -> str:
    return f"{year}年度{Kind(kind).label}编号{number}已被使用"


def _registered_fields(code: str, *, actor: User, when: dt.datetime, via: str) -> dict:
    """The fields of the 登记 event that opens an item's timeline, but its item."""
    return {
        "action": Event.Action.CREATE,
        "actor_id": actor.pk,
        "department_id": actor.department_id,
        "occurred_at": when,
        "to_status": Status.DRAFT,
        "note": _registered_note(code, via),
    }


def _registered_note(code: str, via: str) -> str:
    return f"登记为{code}" + (f"（{via}）" if via else "")


def _registered_event(
    suggestion: Suggestion, *, actor: User, when: dt.datetime, via: str = ""
) -> Event:
    """The 登记 event that opens an item's timeline (unsaved)."""
    return Event(
        suggestion=suggestion,
        **_registered_fields(suggestion.code, actor=actor, when=when, via=via),
    )


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
    via: str = "",
) -> Suggestion:
    """Register one item. `via` says where it came from when not typed in (an online
    draft): the 登记 event's note carries it."""
    _require_office(actor, "登记建议")
    facts = NewSuggestion(
        title=title,
        lead_deputy=lead_deputy,
        received_on=received_on,
        kind=kind,
        source=source,
        year=year,
        number=number,
        session=session,
        content=content,
        topic=topic,
        co_signers=co_signers,
        key_supervision=key_supervision,
    )
    suggestion = _new_row(facts, actor=actor, today=_today(when))
    year, kind = suggestion.year, suggestion.kind
    if number is None:
        suggestion.number = _next_number(year, kind)
    elif Suggestion.objects.filter(year=year, kind=kind, number=number).exists():
        _refuse(f"{_number_used(year, kind, number)}。", code="number")
    suggestion._history_user = actor
    _save_numbered(suggestion, automatic=number is None)
    if linked := _co_signers(facts):
        suggestion.co_signers.set(linked)
    _registered_event(suggestion, actor=actor, when=when or timezone.now(), via=via).save()
    similar_index.on_saved([suggestion.pk])
    return suggestion


def suggestions_bulk_create(
    *,
    actor: User,
    items: Iterable[NewSuggestion],
    when: dt.datetime | None = None,
    via: str = "",
) -> list[Suggestion]:
    """Register many items, as `suggestion_create` registers one (the same checks,
    numbering, history with the actor and 登记 event), in bulk: one insert of the items,
    their history rows copied from them by the database, one executemany of the events
    and one of the co-signer links, so 10,000 rows take a handful of queries per batch
    (bench/README.md). All items or none.

    `via` says where the items come from ("Excel导入"): the history rows' change reason
    and the end of each 登记 note. The refusal for another role names the import, the one
    caller that registers in bulk.
    """
    _require_office(actor, "导入建议")
    when = when or timezone.now()
    today = _today(when)
    items = list(items)
    rows = [_new_row(facts, actor=actor, today=today) for facts in items]
    if not rows:
        return []
    # A savepoint of its own, so that a number registered meanwhile (the unique constraint)
    # becomes a refusal, as in suggestion_create.
    try:
        with transaction.atomic():
            _number_blank(rows)
            created = Suggestion.objects.bulk_create(rows, batch_size=500)
            _fill_ids(created)
            ids = [s.pk for s in created]
            _copy_to_history(ids, actor=actor, when=when, reason=via or None)
            _insert_many(
                Event,
                ("suggestion_id", "note"),
                ((s.pk, _registered_note(s.code, via)) for s in created),
                constant=_registered_fields("", actor=actor, when=when, via=via),
            )
            _insert_many(
                Suggestion.co_signers.through,
                ("suggestion_id", "deputy_id"),
                (
                    (s.pk, d.pk)
                    for s, facts in zip(created, items, strict=True)
                    for d in _co_signers(facts)
                ),
            )
    except IntegrityError:
        taken = _first_taken(rows)
        if taken is None:
            raise
        _refuse(f"{_number_used(*taken)}。", code="number")
    similar_index.on_saved(ids)
    return created


def _number_blank(rows: list[Suggestion]) -> None:
    """Number the rows given without one after the highest number of their year and kind,
    registered (as `suggestion_create` does) or given here; refuse a number given twice."""
    given: dict[tuple[int, str], int] = defaultdict(int)
    keys: set[tuple[int, str, int]] = set()
    for s in rows:
        if s.number is None:
            continue
        key = (s.year, s.kind, s.number)
        if key in keys:
            _refuse(f"{_number_used(*key)}。", code="number")
        keys.add(key)
        given[(s.year, s.kind)] = max(given[(s.year, s.kind)], s.number)
    following: dict[tuple[int, str], int] = {}
    for s in rows:
        if s.number is None:
            series = (s.year, s.kind)
            if series not in following:
                following[series] = max(_next_number(*series), given[series] + 1)
            s.number = following[series]
            following[series] += 1


def _first_taken(rows: Sequence[Suggestion]) -> tuple[int, str, int] | None:
    """The first (year, kind, number) of the rows that is registered already: read only
    after the insert failed, so the usual path asks the unique constraint alone."""
    keys = {(s.year, s.kind, s.number) for s in rows}
    series = Q()
    for year, kind in {(s.year, s.kind) for s in rows}:
        series |= Q(year=year, kind=kind)
    registered = Suggestion.objects.filter(series).values_list("year", "kind", "number")
    return next((key for key in registered.iterator() if key in keys), None)


def _fill_ids(created: Sequence[Suggestion]) -> None:
    """Read the ids back on a backend whose bulk insert returns none."""
    if not created or created[0].pk is not None:
        return
    keys = Q()
    for s in created:
        keys |= Q(year=s.year, kind=s.kind, number=s.number)
    ids = {
        (y, k, n): pk
        for pk, y, k, n in Suggestion.objects.filter(keys).values_list(
            "pk", "year", "kind", "number"
        )
    }
    for s in created:
        s.pk = ids[(s.year, s.kind, s.number)]


# The bulk writes below stand in for the ORM's: for 10,000 items its bulk_create of the
# history rows and events took longer than the items' own insert (bench/README.md, "The
# import's writes in bulk"), most of it preparing each value of each model instance.


def _copy_to_history(
    ids: Sequence[int], *, actor: User, when: dt.datetime, reason: str | None
) -> None:
    """Write the "+" history row of each item just inserted, as simple_history's
    `bulk_history_create` would (every tracked field, then the date, user, change reason),
    by copying the item's row in the database: INSERT … SELECT, one statement per 900 ids
    (SQLite's bound on query parameters), in the order of the ids."""
    history = Suggestion.history.model
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    targets = [quote(history._meta.get_field(f.name).column) for f in tracked]
    sources = [quote(f.column) for f in tracked]
    stamp = [
        (history._meta.get_field(name), value)
        for name, value in (
            ("history_date", when),
            ("history_change_reason", reason),
            ("history_type", "+"),
            ("history_user", actor.pk),
        )
    ]
    fields = [f for f, _ in stamp]
    stamp_values = [f.get_db_prep_save(value, connection) for f, value in stamp]
    pk = quote(Suggestion._meta.pk.column)
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({', '.join(targets + [quote(f.column) for f in fields])}) "
        f"SELECT {', '.join(sources + ['%s'] * len(fields))} "
        f"FROM {quote(Suggestion._meta.db_table)} WHERE {pk} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            cursor.execute(
                f"{head}({', '.join(['%s'] * len(chunk))}) ORDER BY {pk}",
                [*stamp_values, *chunk],
            )


def _insert_many(
    model: type[models.Model],
    varying: Sequence[str],
    rows: Iterable[tuple],
    *,
    constant: dict | None = None,
) -> None:
    """Insert `rows` of `model` without a model instance per row: one executemany, or
    on PostgreSQL one INSERT … SELECT from arrays.
    Each row gives the `varying` fields' values (by attname: ids and text, which every
    driver takes as they are); every other field but the automatic primary key takes the
    value in `constant` or else its default, prepared for the database once, as the ORM
    would prepare it. Not for fields the ORM fills on save (auto_now)."""
    constant = constant or {}
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields if f is not meta.pk}
    fixed = [name for name in fields if name not in varying]
    fixed_values = tuple(
        fields[name].get_db_prep_save(
            constant[name] if name in constant else fields[name].get_default(), connection
        )
        for name in fixed
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in (*varying, *fixed))
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite runs it in-process: one prepared statement for every row.
            values = ", ".join(["%s"] * (len(varying) + len(fixed)))
            cursor.executemany(f"{head}VALUES ({values})", [row + fixed_values for row in rows])
            return
        # Over the network each statement of an executemany is parsed on its own (2.2 s for
        # 30,000 rows), and a long multi-row VALUES costs psycopg as much to bind: one
        # statement with an array per varying column.
        arrays = [f"%s::{fields[name].cast_db_type(connection)}[]" for name in varying]
        consts = [f"%s::{fields[name].cast_db_type(connection)}" for name in fixed]
        cursor.execute(
            f"{head}SELECT {', '.join(['*', *consts])} FROM unnest({', '.join(arrays)})",
            [*fixed_values, *(list(column) for column in zip(*rows, strict=True))],
        )


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
    s, _ = _begin(suggestion, expected_version, when, _check_update, actor)
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
    if {"title", "content", "year"} & set(changed):
        similar_index.on_saved([s.pk])
    return _save(
        s, actor, Event.Action.UPDATE, when, fields=changed, note=f"修改了：{'、'.join(labels)}"
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
    check_text(reason=reason)
    s, _ = _begin(suggestion, expected_version, when, _check_void, actor)
    if not reason.strip():
        _refuse("请填写作废理由。", code="reason")
    today = _today(when)
    _lapse_requests(s, actor=actor, on=today, why="建议已作废")
    from_status = s.status
    s.status = Status.VOIDED
    s.voided_on = today
    s.void_reason = reason.strip()
    s.due_on = None
    similar_index.on_saved([s.pk])  # leaves the index
    return _save(
        s,
        actor,
        Event.Action.VOID,
        when,
        fields=["status", "voided_on", "void_reason", "due_on"],
        from_status=from_status,
        note=f"作废：{reason.strip()}",
    )
