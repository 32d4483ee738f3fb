"""The department assessment (考核, DESIGN §12), computed from the report's own figures.

Each part is its weight times a rate of the report's department table (on time ÷ replied,
resolved ÷ replied, (satisfied + basically satisfied) ÷ rated) or of its follow-up list
(followed up within three months ÷ due); a rate without a denominator costs nothing and
gives the whole weight (the rate is shown as "—"). Deductions: per item rated 不满意 on or
before the date (the report's 不满意 list) and per item overdue on it. The score is the
exact sum, rounded once, half up, to one decimal; the parts are shown rounded the same way.
Departments with fewer items than the year's minimum are marked 样本不足 and not ranked.

The result is a plain JSON-able dict (the command's output, what issuing freezes, what the
page and the workbook render), so an issued assessment renders exactly as it was issued.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

from reports.selectors import DepartmentFigures
from reports.selectors import round_half_up
from supervision.models import AssessmentWeights

PARTS = ("on_time", "resolution", "satisfaction", "follow_up")
PART_LABELS = {
    "on_time": "按时办复",
    "resolution": "办理解决",
    "satisfaction": "代表满意",
    "follow_up": "跟踪落实",
}
DEFAULT_WEIGHTS = {
    "on_time": Decimal(30),
    "resolution": Decimal(30),
    "satisfaction": Decimal(30),
    "follow_up": Decimal(10),
    "unsatisfied_deduction": Decimal(2),
    "overdue_deduction": Decimal(1),
    "minimum_items": 3,
}
WEIGHT_FIELDS = tuple(DEFAULT_WEIGHTS)


def one_decimal(value: Fraction | Decimal) -> str:
    """ "83.4": one decimal, half up, from an exact value."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return str(round_half_up(value))


def weights_of(weights: AssessmentWeights | None) -> dict[str, Any]:
    """The year's weights as the assessment uses them (the defaults when none were set)."""
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    return {name: getattr(weights, name) for name in WEIGHT_FIELDS}


def _part(weight: Decimal, numerator: int, denominator: int) -> Fraction:
    if not denominator:
        return Fraction(weight)
    return Fraction(weight) * numerator / denominator


def _rate(numerator: int, denominator: int) -> str | None:
    return one_decimal(Fraction(numerator * 100, denominator)) if denominator else None


def _ranks(rows: list[dict[str, Any]], exact: dict[int, Fraction]) -> None:
    """Competition ranking (1, 2, 2, 4) by the exact score, 样本不足 left unranked."""
    ranked = sorted((r for r in rows if not r["insufficient"]), key=lambda r: -exact[id(r)])
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if exact[id(row)] != previous:
            rank, previous = position, exact[id(row)]
        row["rank"] = rank
    for row in rows:
        row.setdefault("rank", None)


def assessment_compute(figures: DepartmentFigures, weights: dict[str, Any]) -> dict[str, Any]:
    """The assessment of `figures.year` as of `figures.as_of` with `weights` (no query)."""
    unsatisfied = Counter(item.item.department for item in figures.unsatisfied)
    due: Counter = Counter()
    followed: Counter = Counter()
    for f in figures.follow_ups:
        due[f.department_id] += 1
        followed[f.department_id] += f.followed_on is not None
    rows, exact = [], {}
    for d in figures.departments:
        counts = {
            "on_time": (d.on_time, d.replied),
            "resolution": (d.outcomes.resolved.count, d.replied),
            "satisfaction": (d.content, d.rated),
            "follow_up": (followed[d.department_id], due[d.department_id]),
        }
        parts = {name: _part(weights[name], *counts[name]) for name in PARTS}
        deductions = {"unsatisfied": unsatisfied[d.name], "overdue": d.overdue}
        score = (
            sum(parts.values(), Fraction(0))
            - deductions["unsatisfied"] * Fraction(weights["unsatisfied_deduction"])
            - deductions["overdue"] * Fraction(weights["overdue_deduction"])
        )
        row = {
            "department": d.name,
            "department_id": d.department_id,
            "items": d.assigned,
            "parts": {name: one_decimal(parts[name]) for name in PARTS},
            "rates": {name: _rate(*counts[name]) for name in PARTS},
            "counts": {name: list(counts[name]) for name in PARTS},
            "deductions": deductions,
            "score": one_decimal(score),
            "insufficient": d.assigned < weights["minimum_items"],
        }
        exact[id(row)] = score
        rows.append(row)
    _ranks(rows, exact)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return {
        "year": figures.year,
        "as_of": figures.as_of.isoformat(),
        "weights": {
            name: (str(value) if isinstance(value, Decimal) else value)
            for name, value in weights.items()
        },
        "departments": rows,
    }


def as_of_date(data: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(data["as_of"])
