"""The report's item list (明细): one row per item of the scope, as of the report date.

Every value is read as report_compute reads it (reports/figures.py, reports/lists.py): the
lead department held on D, the due date in force on D, the outcome of the ledger on D, the
latest rating received on or before D, and a status derived from the dates (a reply after D
does not count yet; a reply is on time against the due date in force on its own date). One
query, whatever the number of items: the per-item values are Subquery annotations, and the
rows are streamed from the cursor in chunks, never held as model instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from reports.figures import Scope
from reports.figures import scope_items
from suggestions.asof import due_on
from suggestions.asof import lead_on
from suggestions.asof import outcome_on
from suggestions.asof import rating_on
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source

CHUNK_SIZE = 2000

# Status of an item on the report date, from its dates alone (DESIGN §5).
REPLIED_ON_TIME = "按时办复"
REPLIED_LATE = "逾期办复"
PENDING = "正在办理"
OVERDUE = "已超期"


class Column(NamedTuple):
    header: str
    kind: str  # "text" or "date"


DETAIL_COLUMNS: tuple[Column, ...] = (
    Column("编号", "text"),
    Column("标题", "text"),
    Column("主办单位", "text"),
    Column("提出时间", "text"),
    Column("交办日期", "date"),
    Column("办复期限", "date"),
    Column("首次办复日期", "date"),
    Column("办理结果", "text"),
    Column("代表满意度", "text"),
    Column("办理状态", "text"),
)

DetailRow = tuple[str, str, str, str, dt.date | None, dt.date | None, dt.date | None, str, str, str]

_SOURCE = dict(Source.choices)
_OUTCOME = dict(Outcome.choices)
_RATING = dict(Satisfaction.choices)


def _status(
    as_of: dt.date,
    replied_on: dt.date | None,
    due_at_reply: dt.date | None,
    due_now: dt.date | None,
) -> str:
    if replied_on is not None and replied_on <= as_of:
        on_time = due_at_reply is None or replied_on <= due_at_reply
        return REPLIED_ON_TIME if on_time else REPLIED_LATE
    return OVERDUE if due_now is not None and due_now < as_of else PENDING


def report_detail_rows(scope: Scope, as_of: dt.date) -> Iterator[DetailRow]:
    """Query: the scope's items assigned on or before `as_of`, in number order, as tuples in
    the order of DETAIL_COLUMNS (dates as dates, choices as their Chinese labels)."""
    prefix = "建" if scope.kind == Kind.SUGGESTION else "社"
    rows = (
        scope_items(scope, as_of)
        .annotate(
            lead_name=lead_on(as_of, "department__name"),
            due_now=due_on(as_of),
            outcome_now=outcome_on(as_of),
            rating_now=rating_on(as_of),
        )
        .order_by("number")
        .values_list(
            "year",
            "number",
            "title",
            "lead_name",
            "source",
            "assigned_on",
            "due_now",
            "first_reply_due_on",
            "first_replied_on",
            "outcome_now",
            "rating_now",
        )
    )
    for (
        year,
        number,
        title,
        lead,
        source,
        assigned_on,
        due_now,
        due_at_reply,
        replied_on,
        outcome,
        rating,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        replied = replied_on is not None and replied_on <= as_of
        yield (
            f"{year}{prefix}{number:03d}",
            title,
            lead or "",
            _SOURCE.get(source, source),
            assigned_on,
            due_now,
            replied_on if replied else None,
            _OUTCOME.get(outcome, "") if replied and outcome else "",
            _RATING.get(rating, "") if rating else "",
            _status(as_of, replied_on, due_at_reply, due_now),
        )
