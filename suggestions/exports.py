"""Excel export of the suggestion list: the rows of /suggestions/?… with every date of each
item's life, written as a stream so that 100k rows fit in bounded memory.

The rows are those of the list page — the same selector, the same FilterSet, the same
default order — so a handler exports only what its department sees. The query reads plain
values in chunks (two more queries per 2,000 rows for departments and co-signers), never
model instances. XlsxWriter in constant_memory mode writes each row to a temporary file as
it comes (chosen over openpyxl's write-only mode by measurement: bench/README.md). Every
text cell is written with write_string, so a title such as =HYPERLINK(…) is stored as
text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from collections.abc import Mapping
from typing import IO

from django.db.models import Count
from django.db.models import OuterRef
from django.db.models import Subquery
from django.utils import timezone

from config.xlsx import safe_workbook
from config.xlsx import written_file
from departments.models import Deputy
from departments.models import User
from suggestions.filters import SuggestionFilter
from suggestions.models import OPEN_STATUSES
from suggestions.models import Assignment
from suggestions.models import ExportLog
from suggestions.models import Feedback
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import Topic
from suggestions.selectors import suggestion_list

CHUNK_SIZE = 2000
SHEET_TITLE = "代表建议"

TEXT, NUMBER, DATE = "text", "number", "date"

# (header, width, type). The first columns carry the import template's headers, so an
# exported file can be imported again; the importer ignores the others.
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("完整编号", 11, TEXT),
    ("年度", 7, NUMBER),
    ("类别", 12, TEXT),
    ("编号", 7, NUMBER),
    ("提出时间", 10, TEXT),
    ("会议", 20, TEXT),
    ("标题", 40, TEXT),
    ("内容", 40, TEXT),
    ("主题分类", 14, TEXT),
    ("领衔代表", 10, TEXT),
    ("联名代表", 20, TEXT),
    ("收到日期", 11, DATE),
    ("重点督办", 8, TEXT),
    ("办理状态", 9, TEXT),
    ("主办单位", 16, TEXT),
    ("会办单位", 20, TEXT),
    ("交办日期", 11, DATE),
    ("签收日期（主办）", 11, DATE),
    ("会办意见日期", 11, DATE),
    ("办复期限", 11, DATE),
    ("延期后期限", 11, DATE),
    ("当前期限", 11, DATE),
    ("首次办复日期", 11, DATE),
    ("按时办复", 8, TEXT),
    ("办理结果", 9, TEXT),
    ("反馈日期", 11, DATE),
    ("代表满意度", 10, TEXT),
    ("超期天数", 8, NUMBER),
)
HEADERS = [header for header, _, _ in COLUMNS]

VALUES = (
    "pk",
    "year",
    "kind",
    "number",
    "source",
    "session__name",
    "title",
    "content",
    "topic",
    "lead_deputy__name",
    "lead_deputy__level",
    "received_on",
    "key_supervision",
    "status",
    "assigned_on",
    "due_on",
    "first_replied_on",
    "first_reply_due_on",
    "outcome",
    "satisfaction",
    "feedback_on",
)

KIND = dict(Kind.choices)
SOURCE = dict(Source.choices)
TOPIC = dict(Topic.choices)
STATUS = dict(Status.choices)
OUTCOME = dict(Outcome.choices)
SATISFACTION = dict(Satisfaction.choices)
LEVEL = dict(Deputy.Level.choices)
PREFIX = {Kind.SUGGESTION: "建", Kind.COMMUNITY_OPINION: "社"}


def export_queryset(user: User, params: Mapping, *, today: dt.date):
    """The list page's rows for these query parameters, in the list page's order."""
    filterset = SuggestionFilter(
        params or None, queryset=suggestion_list(user, today=today), today=today, user=user
    )
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    if not params.get("o"):
        qs = qs.order_by("-year", "kind", "number")
    latest_feedback = (
        Feedback.objects.filter(suggestion=OuterRef("pk"))
        .order_by("-received_on", "-id")
        .values("received_on")[:1]
    )
    return (
        qs.prefetch_related(None)
        .annotate(feedback_on=Subquery(latest_feedback))
        .values_list(*VALUES)
    )


# Characters an XML file cannot hold (XlsxWriter would write them as _xHHHH_ escapes).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL_CHARS = 32767


def clean_text(value: str | None) -> str | None:
    """User text as it can stand in a cell: control characters dropped, Excel's length
    limit kept; None for an empty value."""
    if not value:
        return None
    return _CONTROL_RE.sub("", value)[:MAX_CELL_CHARS]


def _ambiguous_names() -> set[str]:
    """Deputy names held by more than one deputy: exported with their level, so that the
    importer can tell them apart."""
    return set(
        Deputy.objects.values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Names:
    """Names (departments, deputies, sessions) repeat from row to row: each is cleaned
    once (the cache holds each name once, so it stays as small as those tables)."""

    def __init__(self):
        self.seen: dict[str, str | None] = {}

    def __call__(self, value: str | None) -> str | None:
        if not value:
            return None
        if value not in self.seen:
            self.seen[value] = clean_text(value)
        return self.seen[value]


def _joined(names: _Names, values: list[str]) -> str | None:
    return "、".join(filter(None, map(names, values))) or None


def _related(ids: list[int], names: _Names, deputy, tz) -> tuple[dict, dict]:
    """For a chunk of items: pk → (lead department, acknowledged on, due, extended due,
    co departments, latest co opinion date), and pk → co-signers, as cell values."""
    held: dict[int, list] = {}
    for pk, role, department, acknowledged_at, opinion_on, due, extended in (
        Assignment.objects.filter(suggestion_id__in=ids, is_active=True)
        .order_by("suggestion_id", "role", "id")
        .values_list(
            "suggestion_id",
            "role",
            "department__name",
            "acknowledged_at",
            "opinion_on",
            "reply_due_on",
            "extended_due_on",
        )
    ):
        item = held.setdefault(pk, [None, None, None, None, [], None])
        if role == Assignment.Role.LEAD:
            item[0] = department
            item[1] = acknowledged_at.astimezone(tz).date() if acknowledged_at else None
            item[2] = due
            item[3] = extended
        else:
            item[4].append(department)
            if opinion_on and (item[5] is None or opinion_on > item[5]):
                item[5] = opinion_on
    assignments = {
        pk: (names(lead), acknowledged, due, extended, _joined(names, co), opinion_on)
        for pk, (lead, acknowledged, due, extended, co, opinion_on) in held.items()
    }
    signed: dict[int, list[str]] = defaultdict(list)
    through = Suggestion.co_signers.through
    for pk, name, level in (
        through.objects.filter(suggestion_id__in=ids)
        .order_by("id")
        .values_list("suggestion_id", "deputy__name", "deputy__level")
    ):
        signed[pk].append(deputy(name, level))
    co_signers = {pk: _joined(names, people) for pk, people in signed.items()}
    return assignments, co_signers


NO_ASSIGNMENT = (None, None, None, None, None, None)


def iter_rows(qs, *, today: dt.date) -> Iterator[list]:
    """One list of cell values per item, in the order of COLUMNS."""
    ambiguous = _ambiguous_names()
    tz = timezone.get_current_timezone()
    names = _Names()

    def deputy(name: str, level: str) -> str:
        return f"{name}（{LEVEL[level]}）" if name in ambiguous else name

    for chunk in _chunks(qs.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        assignments, co_signers = _related([row[0] for row in chunk], names, deputy, tz)
        for (
            pk,
            year,
            kind,
            number,
            source,
            session,
            title,
            content,
            topic,
            lead_name,
            lead_level,
            received_on,
            key_supervision,
            status,
            assigned_on,
            due_on,
            first_replied_on,
            due_at_first_reply,
            outcome,
            satisfaction,
            feedback_on,
        ) in chunk:
            lead, acknowledged_on, lead_due, extended, co, opinion_on = assignments.get(
                pk, NO_ASSIGNMENT
            )
            on_time = None
            if first_replied_on and due_at_first_reply:
                # Against the due date in force on the reply's date (DESIGN §4).
                on_time = "是" if first_replied_on <= due_at_first_reply else "否"
            overdue = (
                (today - due_on).days
                if due_on and due_on < today and status in OPEN_STATUSES
                else None
            )
            yield [
                f"{year}{PREFIX.get(kind, '')}{number:03d}",
                year,
                KIND.get(kind, kind),
                number,
                SOURCE.get(source, source),
                names(session),
                clean_text(title),
                clean_text(content),
                TOPIC.get(topic, topic),
                names(deputy(lead_name, lead_level)),
                co_signers.get(pk),
                received_on,
                "是" if key_supervision else None,
                STATUS.get(status, status),
                lead,
                co,
                assigned_on,
                acknowledged_on,
                opinion_on,
                lead_due,
                extended,
                due_on,
                first_replied_on,
                on_time,
                OUTCOME.get(outcome),
                feedback_on,
                SATISFACTION.get(satisfaction),
                overdue,
            ]


# Printed: A4 landscape (paper 9), one page wide however many pages long, the header row
# on every page, and "第 n 页，共 m 页" in the footer (&P and &N are Excel's page fields).
PAPER_A4 = 9
PAGE_FOOTER = "&C第 &P 页，共 &N 页"


def set_print_layout(ws) -> None:
    """The print settings of the export's sheet (XlsxWriter)."""
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.25, right=0.25, top=0.5, bottom=0.5)
    ws.set_footer(PAGE_FOOTER)


def write_workbook(rows: Iterator[list], out: IO[bytes] | str) -> int:
    """Write the header and `rows` to `out`; returns the number of rows written.

    Each column is written with the method of its type: text with write_string (never
    write(), which would turn "=…" into a formula), numbers with write_number and dates
    with write_datetime.
    """
    wb = safe_workbook(out)
    ws = wb.add_worksheet(SHEET_TITLE)
    header = wb.add_format(
        {
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": "#2E5E8C",
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "border": 1,
        }
    )
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for index, (title, width, _) in enumerate(COLUMNS):
        ws.set_column(index, index, width)
        ws.write_string(0, index, title, header)
    ws.freeze_panes(1, 0)
    set_print_layout(ws)
    writers = {TEXT: ws.write_string, NUMBER: ws.write_number}
    columns = [
        (index, writers.get(kind, ws.write_datetime), date if kind == DATE else None)
        for index, (_, _, kind) in enumerate(COLUMNS)
    ]
    count = 0
    for count, row in enumerate(rows, 1):
        for (index, write, style), value in zip(columns, row, strict=True):
            if value is not None:
                write(count, index, value, style)
    ws.autofilter(0, 0, count, len(COLUMNS) - 1)
    wb.close()
    return count


def export_suggestions(
    user: User, params: Mapping, *, query: str = "", today: dt.date | None = None
) -> tuple[IO[bytes], int]:
    """Write the export to a temporary file (rewound) and log it; returns (file, rows)."""
    today = today or timezone.localdate()
    qs = export_queryset(user, params, today=today)
    out, count = written_file(lambda f: write_workbook(iter_rows(qs, today=today), f))
    ExportLog.objects.create(user=user, query=query, row_count=count)
    return out, count


def export_filename(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"代表建议导出-{today:%Y%m%d}.xlsx"
