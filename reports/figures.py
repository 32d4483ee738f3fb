"""The report's numbers (DESIGN §5): rounding, periods, the scope, and the counts as of D.

Every count is read from records dated on or before the report date D (assignment dates,
first-reply dates, the outcome ledger, dated feedback), so the report for a quarter gives
the same numbers whenever it is run. Counting is done by the database: one grouped pass
over the scope's lead assignments gives every count of the report, per department, and the
totals are their sums. The lists of the report are in reports.lists, the Report object
built from both in reports.report.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import localcontext
from fractions import Fraction
from typing import Any

from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet

from suggestions.asof import assignment_due_on
from suggestions.asof import in_force_on
from suggestions.asof import lead_held_on
from suggestions.asof import outcome_on
from suggestions.asof import rating_on
from suggestions.models import Assignment
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion

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


def rate_change(now: tuple[int, int], before: tuple[int, int]) -> tuple[Decimal | None, bool]:
    """The change in points of a rate (numerator, denominator) from `before` to `now`, and
    whether it is approximate; (None, False) when either rate has no denominator.

    The exact difference is rounded, not the difference of the rounded rates. It is
    approximate when the exact change is smaller in size than the rounded one (4.18 shown
    as 4.2): the narrative then says "近4.2".
    """
    rate, previous = _exact_percent(*now), _exact_percent(*before)
    if rate is None or previous is None:
        return None, False
    exact = rate - previous
    change = _rounded(exact)
    return change, abs(exact) < abs(Fraction(change))


@dataclass(frozen=True)
class Share:
    """A count and its percentage of a denominator (None when the denominator is 0)."""

    count: int
    percent: Decimal | None

    @classmethod
    def of(cls, count: int, denominator: int) -> Share:
        return cls(count, percent(count, denominator))


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
# The scope and the building blocks of the queries


@dataclass(frozen=True)
class Scope:
    year: int
    kind: str = Kind.SUGGESTION.value
    source: str | None = None
    # A Department id: the items that department leads (主办) on the report date.
    department: int | None = None


def replied_by(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}first_replied_on__lte": day})


def pending_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}first_replied_on__isnull": True}) | Q(
        **{f"{prefix}first_replied_on__gt": day}
    )


def on_time_by(day: dt.date, prefix: str = "") -> Q:
    """Replied by `day`, the first reply on or before the due date in force on its date."""
    return replied_by(day, prefix) & Q(
        **{f"{prefix}first_replied_on__lte": F(f"{prefix}first_reply_due_on")}
    )


def overdue_on(day: dt.date, prefix: str = "") -> Q:
    """Not replied by `day`, and the due date in force on `day` (annotated as `due_now`)
    before it."""
    return pending_on(day, prefix) & Q(due_now__lt=day)


def count_of(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition)


def in_scope(scope: Scope, day: dt.date, prefix: str = "") -> Q:
    """Items of the scope assigned on or before `day` (drafts have no assigned_on), as a
    condition on the item reached through `prefix` (e.g. "suggestion__" from a record)."""
    where = in_force_on(day, prefix) & Q(
        **{
            f"{prefix}year": scope.year,
            f"{prefix}kind": scope.kind,
            f"{prefix}assigned_on__lte": day,
            # A split item counts once, as itself: its parts count in no figure (§11).
            f"{prefix}part_of__isnull": True,
        }
    )
    if scope.source:
        where &= Q(**{f"{prefix}source": scope.source})
    if scope.department is not None:
        where &= Exists(
            Assignment.objects.filter(
                lead_held_on(day),
                suggestion=OuterRef(f"{prefix}pk"),
                department_id=scope.department,
            )
        )
    return where


def scope_items(scope: Scope, day: dt.date, *, kind: str | None = None) -> QuerySet:
    """The scope's items on `day` (see `in_scope`); `kind` overrides the scope's kind."""
    if kind:
        scope = dataclasses.replace(scope, kind=kind)
    # No default ordering: these querysets are aggregated and used as subqueries.
    return Suggestion.objects.filter(in_scope(scope, day)).order_by()


# ---------------------------------------------------------------------------------------
# The counts

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


def _outcome_counts(day: dt.date, *, condition: Q, prefix: str = "") -> dict:
    replied = condition & replied_by(day, prefix)
    return {o.value: count_of(replied & Q(outcome_now=o.value)) for o in Outcome}


def grouped_figures(scope: Scope, day: dt.date, previous: dt.date | None) -> list[dict[str, Any]]:
    """Query: every count of the scope as of `day`, one row per lead department.

    One pass over the items gives the department table and, summed, the totals; the
    previous period's replied and resolved counts ride along when `previous` is given.
    Each item has exactly one lead assignment in force on `day`. An item voided between
    the two dates still counts for the previous period and no longer for this one.
    """
    p = "suggestion__"
    alive = in_force_on(day, p)
    replied = alive & replied_by(day, p)
    pending = alive & pending_on(day, p)
    recess = alive & Q(suggestion__source=Source.RECESS)
    rated = replied & Q(rating_now__isnull=False)
    counts = {
        "assigned": count_of(alive),
        "replied": count_of(replied),
        "on_time": count_of(alive & on_time_by(day, p)),
        "pending": count_of(pending),
        "overdue": count_of(alive & overdue_on(day, p)),
        **_outcome_counts(day, condition=alive, prefix=p),
        "rated": count_of(rated),
        "satisfied": count_of(rated & Q(rating_now=Satisfaction.SATISFIED)),
        "basically_satisfied": count_of(rated & Q(rating_now=Satisfaction.BASICALLY_SATISFIED)),
        "unsatisfied": count_of(rated & Q(rating_now=Satisfaction.UNSATISFIED)),
        "recess_assigned": count_of(recess),
        "recess_replied": count_of(recess & replied),
        "recess_on_time": count_of(recess & on_time_by(day, p)),
        "recess_early": count_of(
            recess
            & replied
            & Q(suggestion__first_replied_on__lt=F("suggestion__first_reply_due_on"))
        ),
        "recess_resolved": count_of(recess & replied & Q(outcome_now=Outcome.RESOLVED)),
        "recess_pending": count_of(recess & pending_on(day, p)),
        "recess_overdue": count_of(recess & overdue_on(day, p)),
    }
    annotations = {
        "outcome_now": outcome_on(day, ref="suggestion_id"),
        "rating_now": rating_on(day, ref="suggestion_id"),
        "due_now": assignment_due_on(day),
    }
    if previous is not None:
        annotations["outcome_before"] = outcome_on(previous, ref="suggestion_id")
        before = in_force_on(previous, p) & replied_by(previous, p)
        counts["previous_replied"] = count_of(before)
        counts["previous_resolved"] = count_of(before & Q(outcome_before=Outcome.RESOLVED))
    leads = Assignment.objects.filter(
        lead_held_on(day),
        in_force_on(min(day, previous or day), p),
        suggestion__year=scope.year,
        suggestion__kind=scope.kind,
        suggestion__assigned_on__lte=day,
        suggestion__part_of__isnull=True,
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


def total_figures(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The figures of the whole scope: the sums of the departments' rows."""
    return {name: sum(row.get(name, 0) for row in rows) for name in FIGURE_NAMES}
