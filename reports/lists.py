"""The report's lists (DESIGN §5): the items behind the figures, as of the report date D.

Re-checks that moved an item to 已经解决 and spot checks, both dated in the period; items
rated 不满意 on or before D with their follow-ups; items overdue on D; and the same year's
community opinions. Each list is one query (the 不满意 items two), whatever its length, and
every item names the lead department it had on D.

Lists are read as plain values, not model instances: a large report lists tens of
thousands of overdue or re-checked items, and building models would cost more than the
queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value
from django.db.models.functions import Coalesce

from reports.figures import Scope
from reports.figures import Share
from reports.figures import count_of
from reports.figures import in_scope
from reports.figures import overdue_on
from reports.figures import percent
from reports.figures import replied_by
from reports.figures import scope_items
from suggestions.asof import due_on
from suggestions.asof import lead_held_on
from suggestions.asof import lead_on
from suggestions.asof import outcome_on
from suggestions.asof import rating_on
from suggestions.deadlines import add_months
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import Assignment
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import suggestion_code


@dataclass(frozen=True)
class ItemRef:
    pk: int
    code: str
    title: str
    department: str  # the lead department on the report date


@dataclass(frozen=True)
class UpgradedItem:
    item: ItemRef
    from_outcome: str
    to_outcome: str
    effective_on: dt.date
    evidence: str


@dataclass(frozen=True)
class SpotCheck:
    item: ItemRef
    happened_on: dt.date
    findings: str
    consistent_with_reply: bool | None
    department: str


@dataclass(frozen=True)
class FollowUpRecord:
    kind: str
    kind_label: str
    happened_on: dt.date
    findings: str
    department: str


@dataclass(frozen=True)
class UnsatisfiedItem:
    item: ItemRef
    rating: str  # latest rating as of the report date
    unsatisfied_on: dt.date | None  # the latest 不满意 feedback on or before it
    comment: str
    reworked: bool  # a reply round answers the latest 不满意 feedback
    follow_ups: tuple[FollowUpRecord, ...]

    @property
    def follow_ups_since_unsatisfied(self) -> tuple[FollowUpRecord, ...]:
        if self.unsatisfied_on is None:
            return self.follow_ups
        return tuple(f for f in self.follow_ups if f.happened_on >= self.unsatisfied_on)


@dataclass(frozen=True)
class OverdueItem:
    item: ItemRef
    assigned_on: dt.date
    reply_due_on: dt.date
    days_overdue: int


@dataclass(frozen=True)
class FollowUpDue:
    """An item replied 正在解决 / 计划解决, and whether it was followed up (a follow-up or a
    re-check recorded) within the window after that reply (DESIGN §12: three months)."""

    item: ItemRef
    department_id: int | None  # the lead department on the report date
    replied_on: dt.date
    window_ends_on: dt.date
    followed_on: dt.date | None


@dataclass(frozen=True)
class CommunityOpinions:
    """代表集中联系社区意见建议 of the same year."""

    assigned: int
    departments: int
    replied: int
    replied_rate: Decimal | None  # replied ÷ assigned
    resolved_or_in_progress: Share
    top_departments: tuple[tuple[str, int], ...]  # (lead department, items), most first
    deputy_levels: tuple[str, ...]  # Deputy.Level values of the deputies who raised them


REF_FIELDS = ("year", "kind", "number", "title")


def _item_ref(row: dict[str, Any], prefix: str = "", pk: str = "pk") -> ItemRef:
    return ItemRef(
        pk=row[pk],
        code=suggestion_code(row[f"{prefix}year"], row[f"{prefix}kind"], row[f"{prefix}number"]),
        title=row[f"{prefix}title"],
        department=row["lead_name"] or "",
    )


def _dated_records(
    cls: type,
    records: QuerySet,
    date_field: str,
    fields: dict[str, str],
    *,
    scope: Scope,
    as_of: dt.date,
    since: dt.date | None,
) -> tuple:
    """Query: the `records` (rows of an item's life) of the scope's items dated in the
    period, after `since` when given and up to `as_of`, oldest first: each as a `cls`
    holding its item's reference and, for each of `fields`, the value of its column."""
    records = (
        records.filter(
            in_scope(scope, as_of, "suggestion__"),
            **{f"{date_field}__lte": as_of},
        )
        .annotate(lead_name=lead_on(as_of, "department__name", ref="suggestion_id"))
        .order_by(date_field, "id")
    )
    if since is not None:
        records = records.filter(**{f"{date_field}__gt": since})
    refs = (f"suggestion__{f}" for f in REF_FIELDS)
    return tuple(
        cls(
            item=_item_ref(row, "suggestion__", pk="suggestion_id"),
            **{name: row[column] for name, column in fields.items()},
        )
        for row in records.values("suggestion_id", "lead_name", *fields.values(), *refs)
    )


def upgraded_list(scope: Scope, as_of: dt.date, since: dt.date | None) -> tuple[UpgradedItem, ...]:
    # Query: re-checks in the period that moved an item from 正在解决/计划解决 to 已经解决.
    rechecks = OutcomeChange.objects.filter(
        source=OutcomeChange.Source.RECHECK,
        from_outcome__in=FOLLOW_UP_OUTCOMES,
        to_outcome=Outcome.RESOLVED,
    )
    fields = {f: f for f in ("from_outcome", "to_outcome", "effective_on", "evidence")}
    return _dated_records(
        UpgradedItem, rechecks, "effective_on", fields, scope=scope, as_of=as_of, since=since
    )


def spot_check_list(scope: Scope, as_of: dt.date, since: dt.date | None) -> tuple[SpotCheck, ...]:
    # Query: spot checks (抽查) of the scope's items dated in the period.
    checks = FollowUp.objects.filter(kind=FollowUp.Kind.SPOT_CHECK).annotate(
        department_name=Coalesce("department__name", Value(""))
    )
    fields = {f: f for f in ("happened_on", "findings", "consistent_with_reply")}
    fields["department"] = "department_name"
    return _dated_records(
        SpotCheck, checks, "happened_on", fields, scope=scope, as_of=as_of, since=since
    )


def _follow_up_records(
    ever_unsatisfied: QuerySet, wanted: set[int], as_of: dt.date
) -> dict[int, list[FollowUpRecord]]:
    """Query: the follow-up records of every item ever rated 不满意 up to the report date
    (a cheap semi-join, one query even when there are none), kept for the `wanted` items."""
    records: dict[int, list[FollowUpRecord]] = {}
    for f in (
        FollowUp.objects.filter(suggestion__in=ever_unsatisfied, happened_on__lte=as_of)
        .select_related("department")
        .order_by("suggestion_id", "happened_on", "id")
    ):
        if f.suggestion_id not in wanted:
            continue
        records.setdefault(f.suggestion_id, []).append(
            FollowUpRecord(
                kind=f.kind,
                kind_label=f.get_kind_display(),
                happened_on=f.happened_on,
                findings=f.findings,
                department=f.department.name if f.department else "",
            )
        )
    return records


def unsatisfied_list(
    scope: Scope, as_of: dt.date, *, limit: int | None = None
) -> tuple[UnsatisfiedItem, ...]:
    """不满意 items (DESIGN §5): items of the scope rated 不满意 at any time on or before the
    report date, whatever their rating since (a later 满意 after rework does not erase the
    follow-up the report must tell), with the follow-ups recorded on or before it. A page
    asks for the first `limit` (by number); the workbook and the Word draft for all."""
    unsatisfied = Feedback.objects.filter(
        suggestion=OuterRef("pk"), satisfaction=Satisfaction.UNSATISFIED, received_on__lte=as_of
    ).order_by("-received_on", "-id")
    ever_unsatisfied = Feedback.objects.filter(
        satisfaction=Satisfaction.UNSATISFIED, received_on__lte=as_of
    ).values("suggestion_id")
    last_round = (
        Reply.objects.filter(suggestion=OuterRef("pk"), replied_on__lte=as_of)
        .order_by("-round")
        .values("round")[:1]
    )
    items = (
        scope_items(scope, as_of)
        .annotate(
            rating_now=rating_on(as_of),
            lead_name=lead_on(as_of, "department__name"),
            unsatisfied_on=Subquery(unsatisfied.values("received_on")[:1]),
            unsatisfied_comment=Subquery(unsatisfied.values("comment")[:1]),
            unsatisfied_round=Subquery(unsatisfied.values("reply__round")[:1]),
            last_round=Subquery(last_round),
        )
        # Narrowed to the items ever rated 不满意 first: the per-item work is for the few.
        .filter(pk__in=ever_unsatisfied)
    )
    # Query: the 不满意 items, with their latest rating and the reply round that answers it.
    rows = items.order_by("number").values(
        "pk",
        "lead_name",
        "rating_now",
        "unsatisfied_on",
        "unsatisfied_comment",
        "unsatisfied_round",
        "last_round",
        *REF_FIELDS,
    )
    rows = list(rows[:limit] if limit is not None else rows)
    records = _follow_up_records(ever_unsatisfied, {s["pk"] for s in rows}, as_of)
    return tuple(
        UnsatisfiedItem(
            item=_item_ref(s),
            rating=s["rating_now"] or "",
            unsatisfied_on=s["unsatisfied_on"],
            comment=s["unsatisfied_comment"] or "",
            reworked=bool(
                s["unsatisfied_round"]
                and s["last_round"]
                and s["last_round"] > s["unsatisfied_round"]
            ),
            follow_ups=tuple(records.get(s["pk"], ())),
        )
        for s in rows
    )


FOLLOW_UP_WINDOW_MONTHS = 3


def follow_up_list(scope: Scope, as_of: dt.date) -> tuple[FollowUpDue, ...]:
    """Items of the scope first replied 正在解决 / 计划解决 on or before the report date
    whose follow-up window had ended by then or that were followed up within it; each with
    the first follow-up record (any kind) dated in the window and on or before the date.
    An item whose window is still open and not yet followed up is not counted either way."""
    rounds = (
        OutcomeChange.objects.filter(
            in_scope(scope, as_of, "suggestion__"),
            source=OutcomeChange.Source.REPLY,
            to_outcome__in=FOLLOW_UP_OUTCOMES,
            effective_on__lte=as_of,
        )
        .annotate(
            lead_id=lead_on(as_of, ref="suggestion_id"),
            lead_name=lead_on(as_of, "department__name", ref="suggestion_id"),
        )
        .order_by("suggestion_id", "effective_on", "id")
    )
    # Query: the first 正在解决 / 计划解决 reply round of each item.
    first: dict[int, dict[str, Any]] = {}
    for row in rounds.values(
        "suggestion_id",
        "effective_on",
        "lead_id",
        "lead_name",
        *(f"suggestion__{f}" for f in REF_FIELDS),
    ):
        first.setdefault(row["suggestion_id"], row)
    # Query: the follow-up records of those items, up to the report date.
    followed: dict[int, list[dt.date]] = {}
    for pk, day in (
        FollowUp.objects.filter(suggestion_id__in=list(first), happened_on__lte=as_of)
        .order_by("happened_on", "id")
        .values_list("suggestion_id", "happened_on")
    ):
        followed.setdefault(pk, []).append(day)
    result = []
    for pk, row in first.items():
        start, end = row["effective_on"], add_months(row["effective_on"], FOLLOW_UP_WINDOW_MONTHS)
        on = next((d for d in followed.get(pk, ()) if start <= d <= end), None)
        if on is None and end > as_of:
            continue
        result.append(
            FollowUpDue(
                item=_item_ref(row, "suggestion__", pk="suggestion_id"),
                department_id=row["lead_id"],
                replied_on=start,
                window_ends_on=end,
                followed_on=on,
            )
        )
    return tuple(result)


def unsatisfied_count(scope: Scope, as_of: dt.date) -> int:
    """Query: how many items `unsatisfied_list` gives, without building them."""
    ever_unsatisfied = Feedback.objects.filter(
        satisfaction=Satisfaction.UNSATISFIED, received_on__lte=as_of
    ).values("suggestion_id")
    return scope_items(scope, as_of).filter(pk__in=ever_unsatisfied).count()


def overdue_list(
    scope: Scope, as_of: dt.date, *, limit: int | None = None
) -> tuple[OverdueItem, ...]:
    """Items with no reply on the report date whose due date in force then had passed, the
    longest overdue first; the first `limit` for a page (the figures count them all)."""
    # Query: the overdue items with their lead department on the date.
    items = (
        scope_items(scope, as_of)
        .annotate(due_now=due_on(as_of))
        .filter(overdue_on(as_of))
        .annotate(lead_name=lead_on(as_of, "department__name"))
        .order_by("due_now", "number")
    )
    if limit is not None:
        items = items[:limit]
    return tuple(
        OverdueItem(
            item=_item_ref(s),
            assigned_on=s["assigned_on"],
            reply_due_on=s["due_now"],
            days_overdue=(as_of - s["due_now"]).days,
        )
        for s in items.values("pk", "lead_name", "assigned_on", "due_now", *REF_FIELDS)
    )


def community_opinions(scope: Scope, as_of: dt.date) -> CommunityOpinions:
    """The same year's community opinions, for the same department if one is chosen."""
    community = Scope(
        year=scope.year, kind=Kind.COMMUNITY_OPINION.value, department=scope.department
    )
    items = scope_items(community, as_of)
    replied = replied_by(as_of)
    # Query: the counts, with the outcome of each item on the report date.
    figures = items.annotate(outcome_now=outcome_on(as_of)).aggregate(
        assigned=count_of(),
        replied=count_of(replied),
        resolved_or_in_progress=count_of(
            replied & Q(outcome_now__in=[Outcome.RESOLVED, Outcome.IN_PROGRESS])
        ),
    )
    # Query: items per lead department, most first (its length is the departments count).
    by_department = list(
        Assignment.objects.filter(lead_held_on(as_of), suggestion__in=items.values("pk"))
        .values("department__name", "department__sort_order")
        .annotate(n=count_of())
        .order_by("-n", "department__sort_order", "department__name")
        .values_list("department__name", "n")
    )
    # Query: which levels of deputies raised them (市、区人大代表).
    levels = sorted(set(items.values_list("lead_deputy__level", flat=True).distinct()))
    return CommunityOpinions(
        assigned=figures["assigned"],
        departments=len(by_department),
        replied=figures["replied"],
        replied_rate=percent(figures["replied"], figures["assigned"]),
        resolved_or_in_progress=Share.of(figures["resolved_or_in_progress"], figures["replied"]),
        top_departments=tuple(by_department),
        deputy_levels=tuple(levels),
    )
