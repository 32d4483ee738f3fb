"""The Report object (DESIGN §5): every figure, percentage and list of a scope as of a date.

report_compute builds it from the grouped counts (reports.figures) and the lists
(reports.lists). Every percentage any rendering shows — the page, the JSON, the workbook,
the Word draft and its narrative — is computed here, once, as a Decimal rounded half up to
one decimal (None where there is no denominator): the renderers only format it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from departments.models import Department
from reports.figures import Scope
from reports.figures import Share
from reports.figures import grouped_figures
from reports.figures import percent
from reports.figures import rate_change
from reports.figures import total_figures
from reports.lists import CommunityOpinions
from reports.lists import FollowUpDue
from reports.lists import OverdueItem
from reports.lists import SpotCheck
from reports.lists import UnsatisfiedItem
from reports.lists import UpgradedItem
from reports.lists import community_opinions
from reports.lists import follow_up_list
from reports.lists import overdue_list
from reports.lists import spot_check_list
from reports.lists import unsatisfied_count
from reports.lists import unsatisfied_list
from reports.lists import upgraded_list
from suggestions.models import Outcome


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
class Handling:
    """Items assigned on or before the report date and how far their handling had come,
    with the percentages the report gives: replied, pending and overdue of the assigned
    items, on time of the replied ones."""

    assigned: int
    replied: int
    on_time: int
    pending: int
    overdue: int
    replied_rate: Decimal | None
    on_time_rate: Decimal | None
    pending_rate: Decimal | None
    overdue_rate: Decimal | None


@dataclass(frozen=True)
class SatisfactionFigures:
    """The latest rating of each item as of the report date, percentages of `rated`."""

    rated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    rate: Decimal | None  # (satisfied + basically satisfied) ÷ rated
    satisfied_rate: Decimal | None
    basically_satisfied_rate: Decimal | None
    unsatisfied_rate: Decimal | None


@dataclass(frozen=True)
class RecessFigures(Handling):
    """Items raised in recess (闭会期间), reported on their own."""

    early: int  # replied before the due date ("提前办复")
    early_rate: Decimal | None  # of replied
    resolved: int
    resolved_rate: Decimal | None  # of replied


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
    # satisfied + basically satisfied: the numerator of satisfaction_rate
    content: int = 0


@dataclass(frozen=True)
class Report(Handling):
    """The report of `scope` as of `as_of`: the handling figures of its items (Handling),
    their outcomes and ratings, the comparison with the previous period, and the lists."""

    scope: Scope
    scope_department_name: str | None
    as_of: dt.date
    previous_as_of: dt.date | None
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
    # How many 不满意 items there are: more than `unsatisfied` holds when a page asked for
    # the first few (`list_limit`); the overdue ones are counted by `overdue`.
    unsatisfied_total: int = 0


# ---------------------------------------------------------------------------------------
# From the grouped counts to the parts of the report (no query of their own)


def _outcomes(row: dict[str, Any]) -> Outcomes:
    return Outcomes(**{o.value: Share.of(row[o.value], row["replied"]) for o in Outcome})


def _satisfaction_rate(row: dict[str, Any]) -> Decimal | None:
    return percent(row["satisfied"] + row["basically_satisfied"], row["rated"])


def _handling(figures: dict[str, int], prefix: str = "") -> dict[str, Any]:
    """The fields of Handling, from the counts named `prefix` + assigned, replied, …"""
    names = ("assigned", "replied", "on_time", "pending", "overdue")
    n = {name: figures[prefix + name] for name in names}
    return n | {
        "replied_rate": percent(n["replied"], n["assigned"]),
        "on_time_rate": percent(n["on_time"], n["replied"]),
        "pending_rate": percent(n["pending"], n["assigned"]),
        "overdue_rate": percent(n["overdue"], n["assigned"]),
    }


def _satisfaction(now: dict[str, int]) -> SatisfactionFigures:
    rated = now["rated"]
    return SatisfactionFigures(
        rated=rated,
        satisfied=now["satisfied"],
        basically_satisfied=now["basically_satisfied"],
        unsatisfied=now["unsatisfied"],
        rate=_satisfaction_rate(now),
        satisfied_rate=percent(now["satisfied"], rated),
        basically_satisfied_rate=percent(now["basically_satisfied"], rated),
        unsatisfied_rate=percent(now["unsatisfied"], rated),
    )


def _recess(now: dict[str, int]) -> RecessFigures:
    replied = now["recess_replied"]
    return RecessFigures(
        **_handling(now, "recess_"),
        early=now["recess_early"],
        early_rate=percent(now["recess_early"], replied),
        resolved=now["recess_resolved"],
        resolved_rate=percent(now["recess_resolved"], replied),
    )


def _department_rows(rows: list[dict[str, Any]]) -> tuple[DepartmentRow, ...]:
    """The department table, from the grouped figures."""
    return tuple(
        DepartmentRow(
            department_id=row["department_id"],
            name=row["department__name"],
            assigned=row["assigned"],
            replied=row["replied"],
            on_time=row["on_time"],
            overdue=row["overdue"],
            outcomes=_outcomes(row),
            resolution_rate=percent(row[Outcome.RESOLVED], row["replied"]),
            rated=row["rated"],
            satisfaction_rate=_satisfaction_rate(row),
            content=row["satisfied"] + row["basically_satisfied"],
        )
        for row in rows
        # A department whose items were all voided by the date has nothing to report.
        if row["assigned"]
    )


# ---------------------------------------------------------------------------------------
# The report


def report_compute(
    *,
    scope: Scope,
    as_of: dt.date,
    previous_as_of: dt.date | None = None,
    previous_counts: tuple[int, int] | None = None,
    list_limit: int | None = None,
) -> Report:
    """The report of `scope` as of `as_of`, compared with `previous_as_of` when given.

    `previous_counts` (resolved, replied) are the previous period's figures as an issued
    report froze them; without them the previous period is computed. `list_limit` keeps
    the first few overdue and 不满意 items (a page's lists; every figure still counts all):
    the downloads and the issued report never pass it.
    """
    department_name = None
    if scope.department is not None:
        # Query: the chosen department's name, for the narrative.
        department_name = Department.objects.values_list("name", flat=True).get(pk=scope.department)
    # A department's previous figures are its own items as of the previous date, which a
    # re-assignment in between can change: only whole-government scopes ride along.
    ride_along = previous_as_of if previous_counts is None and scope.department is None else None
    rows = grouped_figures(scope, as_of, ride_along)
    now = total_figures(rows)
    replied = now["replied"]
    resolved = now[Outcome.RESOLVED]

    previous_replied = previous_rate = change = None
    approximate = False
    if previous_as_of is not None:
        # The previous period is computed exactly as this one, as of its own date.
        if previous_counts is None and ride_along is not None:
            previous_counts = (now["previous_resolved"], now["previous_replied"])
        elif previous_counts is None:
            before = total_figures(grouped_figures(scope, previous_as_of, None))
            previous_counts = (before[Outcome.RESOLVED], before["replied"])
        _, previous_replied = previous_counts
        previous_rate = percent(*previous_counts)
        change, approximate = rate_change((resolved, replied), previous_counts)

    return Report(
        scope=scope,
        scope_department_name=department_name,
        as_of=as_of,
        previous_as_of=previous_as_of,
        **_handling(now),
        outcomes=_outcomes(now),
        resolution_rate=percent(resolved, replied),
        resolved_or_in_progress=Share.of(resolved + now[Outcome.IN_PROGRESS], replied),
        satisfaction=_satisfaction(now),
        previous_replied=previous_replied,
        previous_resolution_rate=previous_rate,
        change=change,
        change_is_approximate=approximate,
        recess=_recess(now),
        upgraded=upgraded_list(scope, as_of, previous_as_of),
        spot_checks=spot_check_list(scope, as_of, previous_as_of),
        **_attention_lists(scope, as_of, list_limit),
        departments=_department_rows(rows),
        community=community_opinions(scope, as_of),
    )


def _attention_lists(scope: Scope, as_of: dt.date, limit: int | None) -> dict[str, Any]:
    unsatisfied = unsatisfied_list(scope, as_of, limit=limit)
    capped = limit is not None and len(unsatisfied) == limit
    return {
        "unsatisfied": unsatisfied,
        "unsatisfied_total": unsatisfied_count(scope, as_of) if capped else len(unsatisfied),
        "overdue_items": overdue_list(scope, as_of, limit=limit),
    }


@dataclass(frozen=True)
class DepartmentFigures:
    """The report's figures per lead department, as of a date, for the year's suggestions:
    the department table, the 不满意 items and the follow-up of 正在解决 / 计划解决 items.
    The assessment (DESIGN §12) is computed from these and nothing else."""

    year: int
    as_of: dt.date
    departments: tuple[DepartmentRow, ...]
    unsatisfied: tuple[UnsatisfiedItem, ...]
    follow_ups: tuple[FollowUpDue, ...]


def department_figures(*, year: int, as_of: dt.date) -> DepartmentFigures:
    """Per department, the same figures the report of the year's suggestions gives as of
    `as_of` (one computation: the grouped pass, the 不满意 list and the follow-up list)."""
    scope = Scope(year=year)
    return DepartmentFigures(
        year=year,
        as_of=as_of,
        departments=_department_rows(grouped_figures(scope, as_of, None)),
        unsatisfied=unsatisfied_list(scope, as_of),
        follow_ups=follow_up_list(scope, as_of),
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


def report_get(
    *,
    scope: Scope,
    as_of: dt.date,
    previous_as_of: dt.date | None = None,
    list_limit: int | None = None,
) -> Report:
    """The report pages, downloads and API show: compared with the previous period's issued
    report when there is one (what the people's congress received), else computed."""
    previous_counts = None
    if previous_as_of is not None:
        # Query: the issued report of the previous period, whose figures were sent.
        issued = issued_report_for(scope, previous_as_of)
        if issued is not None:
            previous_counts = issued.resolved_and_replied
    return report_compute(
        scope=scope,
        as_of=as_of,
        previous_as_of=previous_as_of,
        previous_counts=previous_counts,
        list_limit=list_limit,
    )
