"""并案 and 分办 (DESIGN §11): several items handled as one, one item handled in parts.

Merged handling: the office merges items not yet assigned into a primary (主件). The
primary is assigned, replied and re-checked like any item; after each of its services the
merged items take its handling — the dates and outcome on the item, a copy of each
assignment and of each outcome-ledger row (`mirror_of`) — so each counts in every report
as one item with that shared handling. Each lead deputy rates its own item. An unsatisfied
rating takes that item out of the merge: it keeps its copies and is handled again alone.

Separate handling: the office splits an item not yet assigned into parts, each an item of
its own (the same number, part_no 1, 2, …) assigned to its lead department. The item keeps
the parts' summary: replied when every part has replied, dated by the last; on time when
every part was; its outcome the least resolved of theirs (a ledger row of source 分办汇总
whenever it changes); it counts once, in the first part's lead department (a copy of that
assignment), and the parts count in no report. The deputy rates the item; its rating,
rework and closing reach the parts.

`keeps_groups` wraps the handling services (see services/__init__): after the service, in
its transaction, the groups the item belongs to are brought up to date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.db import transaction
from django.utils import timezone

from departments.models import Department
from departments.models import User
from notices import services as notices
from suggestions.bounds import check_text
from suggestions.models import OPEN_STATUSES
from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import replies_answering
from suggestions.services._steps import _begin
from suggestions.services._steps import _refuse
from suggestions.services._steps import _save
from suggestions.services._steps import _today
from suggestions.services.assignment import suggestion_assign
from suggestions.services.rules import _check_merge
from suggestions.services.rules import _check_split
from suggestions.services.rules import _check_unmerge
from suggestions.services.rules import check_merge_member

# The item's handling facts a merged item takes from its primary.
HANDLING_FIELDS = (
    "assigned_on",
    "reply_due_on",
    "due_on",
    "reply_due_from",
    "first_replied_on",
    "first_reply_due_on",
    "outcome",
    "outcome_on",
    "promised_on",
)
ASSIGNMENT_FIELDS = (
    "department_id",
    "role",
    "assigned_on",
    "reply_due_on",
    "extended_due_on",
    "opinion_due_on",
    "return_window_ends_on",
    "acknowledged_at",
    "acknowledged_by_id",
    "opinion",
    "opinion_on",
    "opinion_by_id",
    "is_active",
    "ended_on",
)
MAX_PARTS = 6
# DESIGN §11: the least resolved outcome of the parts, in this order.
OUTCOME_ORDER = [o.value for o in Outcome]


def _codes(items: Iterable[Suggestion]) -> str:
    return "、".join(i.code for i in items)


# ---------------------------------------------------------------------------------------
# 并案


@transaction.atomic
def suggestions_merge(
    *,
    suggestion: Suggestion,
    members: Iterable[Suggestion],
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """Merge `members` into `suggestion`, the primary: all handled as one from now on."""
    check_text(note=note)
    s, _ = _begin(suggestion, expected_version, when, _check_merge, actor)
    ids = sorted({m.pk for m in members})
    if not ids:
        _refuse("请选择要并入本件的建议。", code="members")
    locked = list(Suggestion.objects.select_for_update().filter(pk__in=ids).order_by("number"))
    if len(locked) != len(ids):
        _refuse("所选建议不存在。", code="members")
    for member in locked:
        check_merge_member(s, member)
    today = _today(when)
    extra = f"说明：{note.strip()}" if note.strip() else ""
    for member in locked:
        member.merged_into, member.merged_on = s, today
        _save(
            member,
            actor,
            Event.Action.MERGE,
            when,
            fields=["merged_into", "merged_on"],
            note=f"并入{s.code}，与其并案办理。{extra}",
        )
    return _save(
        s, actor, Event.Action.MERGE, when, note=f"{_codes(locked)}并入本件，并案办理。{extra}"
    )


@transaction.atomic
def suggestion_unmerge(
    *,
    suggestion: Suggestion,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """Take a merged item out of its merge before the primary's reply: it keeps its copies
    of the primary's assignments and is handled alone from now on."""
    check_text(reason=reason)
    if not reason.strip():
        _refuse("请填写撤销并案的理由。", code="reason")
    s, _ = _begin(suggestion, expected_version, when, _check_unmerge, actor)
    return _leave_merge(s, actor=actor, when=when, why=f"理由：{reason.strip()}")


def _leave_merge(s: Suggestion, *, actor: User, when: dt.datetime | None, why: str) -> Suggestion:
    primary = Suggestion.objects.select_for_update().get(pk=s.merged_into_id)
    s.merged_into, s.merged_on = None, None
    _save(
        s,
        actor,
        Event.Action.UNMERGE,
        when,
        fields=["merged_into", "merged_on"],
        note=f"撤销与{primary.code}的并案，单独办理。{why}",
    )
    _save(primary, actor, Event.Action.UNMERGE, when, note=f"{s.code}撤销并案，单独办理。{why}")
    return s


def _member_status(primary: str, member: str) -> str:
    """A merged item follows its primary, except that its own rating closes it, and a
    primary closed by its deputy leaves the others waiting for theirs."""
    if member == Status.CLOSED:
        return member
    if primary == Status.CLOSED:
        return Status.REPLIED
    return primary


def _sync_members(primary: Suggestion, actor: User, when: dt.datetime | None) -> None:
    members = list(Suggestion.objects.select_for_update().filter(merged_into=primary))
    if not members:
        return
    _mirror_assignments(primary, members)
    _mirror_outcomes(primary, members)
    for member in members:
        # (A member rated 不满意 has already left: sync_groups, after its rating.)
        status = _member_status(primary.status, member.status)
        changed = [f for f in HANDLING_FIELDS if getattr(member, f) != getattr(primary, f)]
        if not changed and status == member.status:
            continue
        replied = status == Status.REPLIED and member.status != Status.REPLIED
        for name in changed:
            setattr(member, name, getattr(primary, name))
        member.status = status
        member.version += 1
        member._history_user = actor
        member.save(update_fields=[*changed, "status", "version", "updated_at"])
        if replied:
            _tell_replied(member)


def _mirror_assignments(
    source: Suggestion, targets: list[Suggestion], *, lead_only: bool = False
) -> None:
    """Each target gets (or updates) a copy of each of the source's assignments; ended
    ones first, so a copy never holds two active leads."""
    rows = Assignment.objects.filter(suggestion=source)
    if lead_only:
        rows = rows.filter(role=Assignment.Role.LEAD)
    rows = sorted(rows, key=lambda a: (a.is_active, a.pk))
    copies = {
        (c.suggestion_id, c.mirror_of_id): c
        for c in Assignment.objects.filter(suggestion__in=targets, mirror_of__in=rows)
    }
    for target in targets:
        for row in rows:
            copy = copies.get((target.pk, row.pk)) or Assignment(suggestion=target, mirror_of=row)
            if copy.pk and all(getattr(copy, f) == getattr(row, f) for f in ASSIGNMENT_FIELDS):
                continue
            for name in ASSIGNMENT_FIELDS:
                setattr(copy, name, getattr(row, name))
            copy.save()


def _mirror_outcomes(primary: Suggestion, members: list[Suggestion]) -> None:
    rows = list(OutcomeChange.objects.filter(suggestion=primary))
    done = set(
        OutcomeChange.objects.filter(suggestion__in=members, mirror_of__in=rows).values_list(
            "suggestion_id", "mirror_of_id"
        )
    )
    OutcomeChange.objects.bulk_create(
        OutcomeChange(
            suggestion=member,
            source=OutcomeChange.Source.MERGED,
            mirror_of=row,
            from_outcome=row.from_outcome,
            to_outcome=row.to_outcome,
            effective_on=row.effective_on,
            evidence=row.evidence,
            created_by_id=row.created_by_id,
        )
        for member in members
        for row in rows
        if (member.pk, row.pk) not in done
    )


# ---------------------------------------------------------------------------------------
# 分办


@dataclass(frozen=True)
class SplitPart:
    """One part of a split item: what it covers, who leads it, who helps."""

    matter: str
    lead: Department
    co_departments: list[Department] = field(default_factory=list)


def _check_parts(parts: list[SplitPart]) -> None:
    if not 2 <= len(parts) <= MAX_PARTS:
        _refuse(f"分办须分为2至{MAX_PARTS}个部分（现为{len(parts)}个）。", code="parts")
    for number, part in enumerate(parts, 1):
        if not part.matter.strip():
            _refuse(f"请填写第{number}部分的办理事项。", code="parts")
        if len(part.matter.strip()) > 60:
            _refuse(f"第{number}部分的办理事项不能超过60个字。", code="parts")
        check_text(note=part.matter)
    leads = [p.lead.pk for p in parts]
    if len(set(leads)) != len(leads):
        _refuse("各部分的主办单位不能相同；同一单位办理的事项请合为一个部分。", code="parts")


@transaction.atomic
def suggestion_split(
    *,
    suggestion: Suggestion,
    parts: list[SplitPart],
    actor: User,
    assigned_on: dt.date | None = None,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """分办: the item becomes parts, each assigned to its own lead department at once."""
    s, _ = _begin(suggestion, expected_version, when, _check_split, actor)
    _check_parts(parts)
    made = []
    for number, part in enumerate(parts, 1):
        row = _new_part(s, number, part, actor=actor, when=when)
        made.append(
            suggestion_assign(
                suggestion=row,
                lead=part.lead,
                co_departments=part.co_departments,
                actor=actor,
                assigned_on=assigned_on,
                when=when,
            )
        )
    s.split_on = made[0].assigned_on if made else _today(when)
    _derive_from_parts(s, actor=actor, when=when)
    note = "；".join(
        f"{row.code}：{part.matter.strip()}（主办：{part.lead.name}）"
        for row, part in zip(made, parts, strict=True)
    )
    return _save(
        s,
        actor,
        Event.Action.SPLIT,
        when,
        fields=["split_on", "status", *HANDLING_FIELDS],
        from_status=Status.DRAFT,
        note=f"分办为{len(made)}件：{note}。",
    )


def _new_part(s: Suggestion, number: int, part: SplitPart, *, actor, when) -> Suggestion:
    title = f"{s.title}（{part.matter.strip()}）"
    row = Suggestion(
        year=s.year,
        kind=s.kind,
        source=s.source,
        number=s.number,
        part_no=number,
        part_of=s,
        session=s.session,
        title=title[:200],
        content=s.content,
        topic=s.topic,
        lead_deputy=s.lead_deputy,
        received_on=s.received_on,
        key_supervision=s.key_supervision,
        created_by=actor,
    )
    row._history_user = actor
    row.save()
    row.co_signers.set(s.co_signers.all())
    Event.objects.create(
        suggestion=row,
        action=Event.Action.CREATE,
        actor=actor,
        department=actor.department,
        occurred_at=when or timezone.now(),
        note=f"由{s.code}分办，第{number}部分：{part.matter.strip()}",
    )
    return row


def _least_resolved(outcomes: Iterable[str]) -> str:
    return max(outcomes, key=OUTCOME_ORDER.index)


def _summary(parts: list[Suggestion]) -> dict[str, Any]:
    """The split item's handling facts from its parts (DESIGN §11)."""
    open_dues = [p.due_on for p in parts if p.status in OPEN_STATUSES and p.due_on]
    facts: dict[str, Any] = {
        "assigned_on": min(p.assigned_on for p in parts),
        "reply_due_on": max(p.reply_due_on for p in parts),
        "reply_due_from": max(p.reply_due_from for p in parts),
        "due_on": min(open_dues) if open_dues else max(p.due_on or p.reply_due_on for p in parts),
    }
    if all(p.first_replied_on for p in parts):
        late = [p.first_reply_due_on for p in parts if p.first_replied_on > p.first_reply_due_on]
        promised = [p.promised_on for p in parts if p.promised_on]
        facts |= {
            "first_replied_on": max(p.first_replied_on for p in parts),
            # On time when every part was: a late part's due date makes the item late, the
            # latest due date keeps it on time.
            "first_reply_due_on": min(late) if late else max(p.first_reply_due_on for p in parts),
            "outcome": _least_resolved(p.outcome for p in parts),
            "outcome_on": max(p.outcome_on for p in parts),
            "promised_on": max(promised) if promised else None,
        }
    return facts


def _split_status(current: str, parts: list[Suggestion]) -> str:
    if current in (Status.CLOSED, Status.VOIDED):
        return current
    statuses = {p.status for p in parts}
    if statuses <= {Status.REPLIED, Status.CLOSED}:
        return Status.REPLIED
    if Status.REWORK in statuses:
        return Status.REWORK
    # Under way once a part is signed for or replied.
    return Status.ASSIGNED if statuses == {Status.ASSIGNED} else Status.IN_PROGRESS


def _derive_from_parts(s: Suggestion, *, actor: User, when: dt.datetime | None) -> None:
    """Set the split item's facts from its parts (the caller saves it)."""
    parts = list(Suggestion.objects.select_for_update().filter(part_of=s).order_by("part_no"))
    facts = _summary(parts)
    outcome, outcome_on = facts.pop("outcome", ""), facts.pop("outcome_on", None)
    if outcome and outcome != s.outcome:
        OutcomeChange.objects.create(
            suggestion=s,
            source=OutcomeChange.Source.SPLIT,
            from_outcome=s.outcome,
            to_outcome=outcome,
            effective_on=outcome_on,
            evidence=f"各分办件办理结果中最低者（{_codes(parts)}）",
            created_by=actor,
        )
        s.outcome, s.outcome_on = outcome, outcome_on
    for name, value in facts.items():
        setattr(s, name, value)
    s.status = _split_status(s.status, parts)
    _mirror_assignments(parts[0], [s], lead_only=True)


def _sync_split(s: Suggestion, actor: User, when: dt.datetime | None, *, rated: bool) -> None:
    """After a service on a split item (`rated`: its rating or closing) or on a part."""
    s = Suggestion.objects.select_for_update().get(pk=s.pk)
    if rated and s.status in (Status.CLOSED, Status.REWORK):
        _pass_down(s, actor=actor, when=when)
    was = s.status
    _derive_from_parts(s, actor=actor, when=when)
    s.version += 1
    s._history_user = actor
    s.save()
    if s.status == Status.REPLIED and was != Status.REPLIED:
        _tell_replied(s)


def _tell_replied(item: Suggestion) -> None:
    """已答复，待评价 for a merged item (its primary's reply) or a split item whose parts
    have all replied (the last part's reply), as for any item's reply (DESIGN §9)."""
    reply = replies_answering(item).order_by("-replied_on", "-round", "-id").first()
    if reply is not None:
        notices.notify_replied(suggestion=item, reply=reply)


def _pass_down(s: Suggestion, *, actor: User, when: dt.datetime | None) -> None:
    """The deputy's rating of a split item reaches its parts: closed with it, or handled
    again (重新办理) with its new deadline."""
    target = s.status
    follow = Status.REPLIED if target == Status.REWORK else None
    for part in Suggestion.objects.select_for_update().filter(part_of=s).order_by("part_no"):
        if part.status == target or (follow and part.status != follow):
            continue
        was = part.status
        part.status = target
        fields = ["status"]
        if target == Status.REWORK:
            part.due_on = s.due_on
            fields.append("due_on")
        why = "原件代表不满意，重新办理。" if target == Status.REWORK else "原件办结。"
        _save(
            part,
            actor,
            Event.Action.CLOSE if target == Status.CLOSED else Event.Action.FEEDBACK,
            when,
            fields=fields,
            from_status=was,
            note=f"{s.code}{why}",
        )


# ---------------------------------------------------------------------------------------
# Keeping the groups


def sync_groups(pk: int, *, actor: User, when: dt.datetime | None = None) -> None:
    """Bring up to date the groups the item `pk` belongs to, after a service on it."""
    s = Suggestion.objects.get(pk=pk)
    if s.part_of_id:
        _sync_split(s.part_of, actor, when, rated=False)
    elif s.split_on:
        _sync_split(s, actor, when, rated=True)
    elif s.merged_into_id and s.status == Status.REWORK:
        _leave_merge(s, actor=actor, when=when, why="代表不满意，单独重新办理。")
    else:
        _sync_members(s, actor, when)


def _item_of(kwargs: dict) -> Suggestion:
    if "suggestion" in kwargs:
        return kwargs["suggestion"]
    return kwargs["request"].assignment.suggestion


def keeps_groups(service: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a handling service: after it, in its transaction, sync the item's groups."""

    @functools.wraps(service)
    def wrapper(**kwargs):
        with transaction.atomic():
            result = service(**kwargs)
            sync_groups(_item_of(kwargs).pk, actor=kwargs["actor"], when=kwargs.get("when"))
        return result

    return wrapper
