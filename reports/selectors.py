"""One report computation (DESIGN §5): the figures of a scope as of any date.

Every figure is read from records dated on or before the report date D (assignment dates,
first-reply dates, the outcome ledger, dated feedback and follow-ups), so the report for a
quarter gives the same numbers whenever it is run. Counting is done by the database: each
section is one query, whatever the number of items, and lists are fetched one query each.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from departments.models import Department
from suggestions.asof import (
    assignment_due_on,
    due_on,
    in_force_on,
    lead_held_on,
    lead_on,
    outcome_on,
    rating_on,
)
from suggestions.models import (
    FOLLOW_UP_OUTCOMES,
    Assignment,
    Feedback,
    FollowUp,
    Kind,
    Outcome,
    OutcomeChange,
    Reply,
    Satisfaction,
    Source,
    Suggestion,
    suggestion_code,
)

# ---------------------------------------------------------------------------------------
# Numbers

ONE_DECIMAL = Decimal("0.1")


def round_half_up(value: Decimal) -> Decimal:
    """One decimal, half up (2.25 → 2.3), as the office rounds by hand; never "-0.0"."""
    rounded = value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def _exact_percent(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator * 100, denominator) if denominator else None


def _to_decimal(value: Fraction) -> Decimal:
    # Enough digits that rounding the quotient to one decimal is the rounding of the exact
    # fraction: a repeating decimal never lands exactly on a tie, a terminating one is exact.
    with localcontext() as ctx:
        ctx.prec = 50
        return Decimal(value.numerator) / Decimal(value.denominator)


def _rounded(value: Fraction | None) -> Decimal | None:
    return None if value is None else round_half_up(_to_decimal(value))


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator × 100, one decimal half up; None when there is no denominator
    (shown as "—": a rate of nothing is not 0)."""
    return _rounded(_exact_percent(numerator, denominator))


# ---------------------------------------------------------------------------------------
# Periods

QUARTER_FORMAT = re.compile(r"(\d{4})[Qq]([1-4])")
QUARTER_FORMAT_MESSAGE = "季度格式应为 2023Q3（四位年份、字母Q、季度1至4）"


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_quarter_end(day: dt.date) -> dt.date:
    """The end of the quarter before the one `day` falls in: the previous period's date."""
    quarter = (day.month - 1) // 3 + 1
    return quarter_end(day.year, quarter - 1) if quarter > 1 else dt.date(day.year - 1, 12, 31)


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """Quarter "2023Q3" → (2023-09-30, 2023-06-30): the report date and the previous one."""
    match = QUARTER_FORMAT.fullmatch(quarter.strip())
    if not match:
        raise ValueError(f"{QUARTER_FORMAT_MESSAGE}，收到“{quarter}”。")
    as_of = quarter_end(int(match[1]), int(match[2]))
    return as_of, previous_quarter_end(as_of)


# ---------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class Scope:
    year: int
    kind: str = Kind.SUGGESTION.value
    source: str | None = None
    # A Department id: the items that department leads (主办) on the report date.
    department: int | None = None


@dataclass(frozen=True)
class Share:
    """A count and its percentage of a denominator (None when the denominator is 0)."""

    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class Outcomes:
    """Counts of replied items by outcome as of the report date, percent of replied."""

    resolved: Share
    in_progress: Share
    planned: Share
    for_reference: Share

    def items(self) -> list[tuple[Outcome, Share]]:
        return [(outcome, getattr(self, outcome.value)) for outcome in Outcome]


@dataclass(frozen=True)
class SatisfactionFigures:
    """The latest rating of each item as of the report date."""

    rated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    rate: Decimal | None  # (satisfied + basically satisfied) ÷ rated
    satisfied_rate: Decimal | None  # satisfied ÷ rated


@dataclass(frozen=True)
class RecessFigures:
    """Items raised in recess (闭会期间), reported on their own."""

    assigned: int
    replied: int
    on_time: int
    early: int  # replied before the due date ("提前办复")
    resolved: int
    pending: int
    overdue: int


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
class DepartmentRow:
    department_id: int
    name: str
    assigned: int
    replied: int
    on_time: int
    overdue: int
    outcomes: Outcomes
    resolution_rate: Decimal | None
    rated: int
    satisfaction_rate: Decimal | None


@dataclass(frozen=True)
class CommunityOpinions:
    """代表集中联系社区意见建议 of the same year."""

    assigned: int
    departments: int
    replied: int
    resolved_or_in_progress: Share
    top_departments: tuple[tuple[str, int], ...]  # (lead department, items), most first
    deputy_levels: tuple[str, ...]  # Deputy.Level values of the deputies who raised them


@dataclass(frozen=True)
class Report:
    scope: Scope
    scope_department_name: str | None
    as_of: dt.date
    previous_as_of: dt.date | None
    assigned: int
    replied: int
    on_time: int
    pending: int
    overdue: int
    outcomes: Outcomes
    resolution_rate: Decimal | None
    resolved_or_in_progress: Share
    satisfaction: SatisfactionFigures
    previous_replied: int | None
    previous_resolution_rate: Decimal | None
    change: Decimal | None  # points, the rounded exact difference
    # The exact change is smaller in size than the rounded one (4.18 shown as 4.2): "近4.2".
    change_is_approximate: bool
    recess: RecessFigures
    upgraded: tuple[UpgradedItem, ...]
    spot_checks: tuple[SpotCheck, ...]
    unsatisfied: tuple[UnsatisfiedItem, ...]
    overdue_items: tuple[OverdueItem, ...]
    departments: tuple[DepartmentRow, ...]
    community: CommunityOpinions


# ---------------------------------------------------------------------------------------
# Building blocks of the queries


def _replied(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}first_replied_on__lte": day})


def _pending(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}first_replied_on__isnull": True}) | Q(
        **{f"{prefix}first_replied_on__gt": day}
    )


def _on_time(day: dt.date, prefix: str = "") -> Q:
    """Replied by `day`, the first reply on or before the due date in force on its date."""
    return _replied(day, prefix) & Q(
        **{f"{prefix}first_replied_on__lte": F(f"{prefix}first_reply_due_on")}
    )


def _overdue(day: dt.date, prefix: str = "") -> Q:
    """Not replied by `day`, and the due date in force on `day` (annotated as `due_now`)
    before it."""
    return _pending(day, prefix) & Q(due_now__lt=day)


def _count(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition)


def _scope_items(scope: Scope, day: dt.date, *, kind: str | None = None) -> QuerySet:
    """Items of the scope assigned on or before `day` (drafts have no assigned_on)."""
    qs = Suggestion.objects.filter(
        in_force_on(day), year=scope.year, kind=kind or scope.kind, assigned_on__lte=day
    ).order_by()  # no default ordering: these querysets are aggregated and used as subqueries
    if scope.source:
        qs = qs.filter(source=scope.source)
    if scope.department is not None:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(
                    lead_held_on(day), suggestion=OuterRef("pk"), department_id=scope.department
                )
            )
        )
    return qs


def _outcome_counts(day: dt.date, *, condition: Q, prefix: str = "") -> dict:
    replied = condition & _replied(day, prefix)
    return {o.value: _count(replied & Q(outcome_now=o.value)) for o in Outcome}


def _outcomes(row: dict, replied: int) -> Outcomes:
    return Outcomes(
        **{o.value: Share(row[o.value], percent(row[o.value], replied)) for o in Outcome}
    )


FIGURE_NAMES = (
    "assigned",
    "replied",
    "on_time",
    "pending",
    "overdue",
    *Outcome.values,
    "rated",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "recess_assigned",
    "recess_replied",
    "recess_on_time",
    "recess_early",
    "recess_resolved",
    "recess_pending",
    "recess_overdue",
    "previous_replied",
    "previous_resolved",
)


def _grouped_figures(scope: Scope, day: dt.date, previous: dt.date | None) -> list[dict[str, Any]]:
    """Query: every count of the scope as of `day`, one row per lead department.

    One pass over the items gives the department table and, summed, the totals; the
    previous period's replied and resolved counts ride along when `previous` is given.
    Each item has exactly one lead assignment in force on `day`. An item voided between
    the two dates still counts for the previous period and no longer for this one.
    """
    p = "suggestion__"
    alive = in_force_on(day, p)
    replied = alive & _replied(day, p)
    pending = alive & _pending(day, p)
    recess = alive & Q(suggestion__source=Source.RECESS)
    rated = replied & Q(rating_now__isnull=False)
    counts = {
        "assigned": _count(alive),
        "replied": _count(replied),
        "on_time": _count(alive & _on_time(day, p)),
        "pending": _count(pending),
        "overdue": _count(alive & _overdue(day, p)),
        **_outcome_counts(day, condition=alive, prefix=p),
        "rated": _count(rated),
        "satisfied": _count(rated & Q(rating_now=Satisfaction.SATISFIED)),
        "basically_satisfied": _count(rated & Q(rating_now=Satisfaction.BASICALLY_SATISFIED)),
        "unsatisfied": _count(rated & Q(rating_now=Satisfaction.UNSATISFIED)),
        "recess_assigned": _count(recess),
        "recess_replied": _count(recess & replied),
        "recess_on_time": _count(recess & _on_time(day, p)),
        "recess_early": _count(
            recess
            & replied
            & Q(suggestion__first_replied_on__lt=F("suggestion__first_reply_due_on"))
        ),
        "recess_resolved": _count(recess & replied & Q(outcome_now=Outcome.RESOLVED)),
        "recess_pending": _count(recess & _pending(day, p)),
        "recess_overdue": _count(recess & _overdue(day, p)),
    }
    annotations = {
        "outcome_now": outcome_on(day, ref="suggestion_id"),
        "rating_now": rating_on(day, ref="suggestion_id"),
        "due_now": assignment_due_on(day),
    }
    if previous is not None:
        annotations["outcome_before"] = outcome_on(previous, ref="suggestion_id")
        before = in_force_on(previous, p) & _replied(previous, p)
        counts["previous_replied"] = _count(before)
        counts["previous_resolved"] = _count(before & Q(outcome_before=Outcome.RESOLVED))
    leads = Assignment.objects.filter(
        lead_held_on(day),
        in_force_on(min(day, previous or day), p),
        suggestion__year=scope.year,
        suggestion__kind=scope.kind,
        suggestion__assigned_on__lte=day,
    )
    if scope.source:
        leads = leads.filter(suggestion__source=scope.source)
    if scope.department is not None:
        leads = leads.filter(department_id=scope.department)
    return list(
        leads.annotate(**annotations)
        .values("department_id", "department__name", "department__sort_order")
        .annotate(**counts)
        .order_by("department__sort_order", "department__name")
    )


def _totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {name: sum(row.get(name, 0) for row in rows) for name in FIGURE_NAMES}


# Lists are read as plain values, not model instances: a large report lists tens of
# thousands of overdue or re-checked items, and building models would cost more than the
# queries.
REF_FIELDS = ("year", "kind", "number", "title")


def _item_ref(row: dict[str, Any], prefix: str = "", pk: str = "pk") -> ItemRef:
    return ItemRef(
        pk=row[pk],
        code=suggestion_code(row[f"{prefix}year"], row[f"{prefix}kind"], row[f"{prefix}number"]),
        title=row[f"{prefix}title"],
        department=row["lead_name"] or "",
    )


# ---------------------------------------------------------------------------------------
# Sections


def _upgraded(scope: Scope, as_of: dt.date, since: dt.date | None) -> tuple[UpgradedItem, ...]:
    # Query: re-checks in the period that moved an item from 正在解决/计划解决 to 已经解决.
    changes = (
        OutcomeChange.objects.filter(
            source=OutcomeChange.Source.RECHECK,
            from_outcome__in=FOLLOW_UP_OUTCOMES,
            to_outcome=Outcome.RESOLVED,
            effective_on__lte=as_of,
            suggestion__in=_scope_items(scope, as_of).values("pk"),
        )
        .annotate(lead_name=lead_on(as_of, "department__name", ref="suggestion_id"))
        .order_by("effective_on", "id")
    )
    if since is not None:
        changes = changes.filter(effective_on__gt=since)
    fields = ("from_outcome", "to_outcome", "effective_on", "evidence")
    return tuple(
        UpgradedItem(
            item=_item_ref(c, "suggestion__", pk="suggestion_id"),
            from_outcome=c["from_outcome"],
            to_outcome=c["to_outcome"],
            effective_on=c["effective_on"],
            evidence=c["evidence"],
        )
        for c in changes.values(
            "suggestion_id", "lead_name", *fields, *(f"suggestion__{f}" for f in REF_FIELDS)
        )
    )


def _spot_checks(scope: Scope, as_of: dt.date, since: dt.date | None) -> tuple[SpotCheck, ...]:
    # Query: spot checks (抽查) of the scope's items dated in the period.
    checks = (
        FollowUp.objects.filter(
            kind=FollowUp.Kind.SPOT_CHECK,
            happened_on__lte=as_of,
            suggestion__in=_scope_items(scope, as_of).values("pk"),
        )
        .annotate(lead_name=lead_on(as_of, "department__name", ref="suggestion_id"))
        .order_by("happened_on", "id")
    )
    if since is not None:
        checks = checks.filter(happened_on__gt=since)
    fields = ("happened_on", "findings", "consistent_with_reply", "department__name")
    return tuple(
        SpotCheck(
            item=_item_ref(c, "suggestion__", pk="suggestion_id"),
            happened_on=c["happened_on"],
            findings=c["findings"],
            consistent_with_reply=c["consistent_with_reply"],
            department=c["department__name"] or "",
        )
        for c in checks.values(
            "suggestion_id", "lead_name", *fields, *(f"suggestion__{f}" for f in REF_FIELDS)
        )
    )


def _unsatisfied(scope: Scope, as_of: dt.date) -> tuple[UnsatisfiedItem, ...]:
    """不满意 items (DESIGN §5): items of the scope rated 不满意 at any time on or before the
    report date, whatever their rating since (a later 满意 after rework does not erase the
    follow-up the report must tell), with the follow-ups recorded on or before it."""
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
        _scope_items(scope, as_of)
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
    rows = list(
        items.order_by("number").values(
            "pk",
            "lead_name",
            "rating_now",
            "unsatisfied_on",
            "unsatisfied_comment",
            "unsatisfied_round",
            "last_round",
            *REF_FIELDS,
        )
    )
    # Query: the follow-up records of every item ever rated 不满意 up to the report date
    # (a cheap semi-join, one query even when there are none), kept for those above.
    records: dict[int, list[FollowUpRecord]] = {}
    wanted = {s["pk"] for s in rows}
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


def _overdue_items(scope: Scope, as_of: dt.date) -> tuple[OverdueItem, ...]:
    # Query: items with no reply on the report date whose due date in force then had passed.
    items = (
        _scope_items(scope, as_of)
        .annotate(due_now=due_on(as_of))
        .filter(_overdue(as_of))
        .annotate(lead_name=lead_on(as_of, "department__name"))
        .order_by("due_now", "number")
    )
    return tuple(
        OverdueItem(
            item=_item_ref(s),
            assigned_on=s["assigned_on"],
            reply_due_on=s["due_now"],
            days_overdue=(as_of - s["due_now"]).days,
        )
        for s in items.values("pk", "lead_name", "assigned_on", "due_now", *REF_FIELDS)
    )


def _department_rows(rows: list[dict[str, Any]]) -> tuple[DepartmentRow, ...]:
    """The department table, from the grouped figures (no query of its own)."""
    return tuple(
        DepartmentRow(
            department_id=row["department_id"],
            name=row["department__name"],
            assigned=row["assigned"],
            replied=row["replied"],
            on_time=row["on_time"],
            overdue=row["overdue"],
            outcomes=_outcomes(row, row["replied"]),
            resolution_rate=percent(row[Outcome.RESOLVED], row["replied"]),
            rated=row["rated"],
            satisfaction_rate=percent(row["satisfied"] + row["basically_satisfied"], row["rated"]),
        )
        for row in rows
        # A department whose items were all voided by the date has nothing to report.
        if row["assigned"]
    )


def _community(scope: Scope, as_of: dt.date) -> CommunityOpinions:
    """The same year's community opinions, for the same department if one is chosen."""
    community = Scope(
        year=scope.year, kind=Kind.COMMUNITY_OPINION.value, department=scope.department
    )
    items = _scope_items(community, as_of)
    replied = _replied(as_of)
    # Query: the counts, with the outcome of each item on the report date.
    figures = items.annotate(outcome_now=outcome_on(as_of)).aggregate(
        assigned=_count(),
        replied=_count(replied),
        resolved_or_in_progress=_count(
            replied & Q(outcome_now__in=[Outcome.RESOLVED, Outcome.IN_PROGRESS])
        ),
    )
    # Query: items per lead department, most first (its length is the departments count).
    by_department = list(
        Assignment.objects.filter(lead_held_on(as_of), suggestion__in=items.values("pk"))
        .values("department__name", "department__sort_order")
        .annotate(n=_count())
        .order_by("-n", "department__sort_order", "department__name")
        .values_list("department__name", "n")
    )
    # Query: which levels of deputies raised them (市、区人大代表).
    levels = sorted(set(items.values_list("lead_deputy__level", flat=True).distinct()))
    return CommunityOpinions(
        assigned=figures["assigned"],
        departments=len(by_department),
        replied=figures["replied"],
        resolved_or_in_progress=Share(
            figures["resolved_or_in_progress"],
            percent(figures["resolved_or_in_progress"], figures["replied"]),
        ),
        top_departments=tuple(by_department),
        deputy_levels=tuple(levels),
    )


def report_compute(
    *,
    scope: Scope,
    as_of: dt.date,
    previous_as_of: dt.date | None = None,
    previous_counts: tuple[int, int] | None = None,
) -> Report:
    """The report of `scope` as of `as_of`, compared with `previous_as_of` when given.

    `previous_counts` (resolved, replied) are the previous period's figures as an issued
    report froze them; without them the previous period is computed.
    """
    department_name = None
    if scope.department is not None:
        # Query: the chosen department's name, for the narrative.
        department_name = Department.objects.values_list("name", flat=True).get(pk=scope.department)
    # A department's previous figures are its own items as of the previous date, which a
    # re-assignment in between can change: only whole-government scopes ride along.
    ride_along = previous_as_of if previous_counts is None and scope.department is None else None
    rows = _grouped_figures(scope, as_of, ride_along)
    now = _totals(rows)
    replied = now["replied"]
    rate = _exact_percent(now[Outcome.RESOLVED], replied)

    previous_replied = previous_rate = change = None
    approximate = False
    if previous_as_of is not None:
        # The previous period is computed exactly as this one, as of its own date.
        if previous_counts is None and ride_along is not None:
            previous_counts = (now["previous_resolved"], now["previous_replied"])
        elif previous_counts is None:
            before = _totals(_grouped_figures(scope, previous_as_of, None))
            previous_counts = (before[Outcome.RESOLVED], before["replied"])
        previous_resolved, previous_replied = previous_counts
        previous_rate = _exact_percent(previous_resolved, previous_replied)
        if rate is not None and previous_rate is not None:
            exact = rate - previous_rate
            # Round the exact difference, not the difference of the rounded rates.
            change = _rounded(exact)
            approximate = abs(exact) < abs(Fraction(change))

    rated = now["rated"]
    return Report(
        scope=scope,
        scope_department_name=department_name,
        as_of=as_of,
        previous_as_of=previous_as_of,
        assigned=now["assigned"],
        replied=replied,
        on_time=now["on_time"],
        pending=now["pending"],
        overdue=now["overdue"],
        outcomes=_outcomes(now, replied),
        resolution_rate=_rounded(rate),
        resolved_or_in_progress=Share(
            now[Outcome.RESOLVED] + now[Outcome.IN_PROGRESS],
            percent(now[Outcome.RESOLVED] + now[Outcome.IN_PROGRESS], replied),
        ),
        satisfaction=SatisfactionFigures(
            rated=rated,
            satisfied=now["satisfied"],
            basically_satisfied=now["basically_satisfied"],
            unsatisfied=now["unsatisfied"],
            rate=percent(now["satisfied"] + now["basically_satisfied"], rated),
            satisfied_rate=percent(now["satisfied"], rated),
        ),
        previous_replied=previous_replied,
        previous_resolution_rate=_rounded(previous_rate),
        change=change,
        change_is_approximate=approximate,
        recess=RecessFigures(
            assigned=now["recess_assigned"],
            replied=now["recess_replied"],
            on_time=now["recess_on_time"],
            early=now["recess_early"],
            resolved=now["recess_resolved"],
            pending=now["recess_pending"],
            overdue=now["recess_overdue"],
        ),
        upgraded=_upgraded(scope, as_of, previous_as_of),
        spot_checks=_spot_checks(scope, as_of, previous_as_of),
        unsatisfied=_unsatisfied(scope, as_of),
        overdue_items=_overdue_items(scope, as_of),
        departments=_department_rows(rows),
        community=_community(scope, as_of),
    )


def can_read_reports(user) -> bool:
    """Reports cover every department: office staff, supervisors and admins read them."""
    return bool(
        user.is_authenticated and (user.is_office or user.is_supervisor or user.is_superuser)
    )


def issued_report_for(scope: Scope, as_of: dt.date):
    """The latest issued report of exactly this scope and date, if any."""
    from reports.models import IssuedReport

    return (
        IssuedReport.objects.filter(
            year=scope.year,
            kind=scope.kind,
            source=scope.source or "",
            department_id=scope.department,
            as_of=as_of,
        )
        .order_by("-issued_at")
        .first()
    )


def report_get(*, scope: Scope, as_of: dt.date, previous_as_of: dt.date | None = None) -> Report:
    """The report pages, downloads and API show: compared with the previous period's issued
    report when there is one (what the people's congress received), else computed."""
    previous_counts = None
    if previous_as_of is not None:
        # Query: the issued report of the previous period, whose figures were sent.
        issued = issued_report_for(scope, previous_as_of)
        if issued is not None:
            previous_counts = issued.resolved_and_replied
    return report_compute(
        scope=scope, as_of=as_of, previous_as_of=previous_as_of, previous_counts=previous_counts
    )
