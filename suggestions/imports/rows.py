"""Checking the rows: each cell by its column's parser, then the checks between cells, the
duplicates within the file and the rows already registered. Nothing here writes; the
report says what is wrong, by row and column, or what the import would do."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from suggestions import services
from suggestions.imports.columns import COLUMN_BY_KEY
from suggestions.imports.columns import COLUMNS
from suggestions.imports.columns import EXAMPLE_MARK
from suggestions.imports.columns import CellError
from suggestions.imports.columns import Lookups
from suggestions.imports.columns import clean_text
from suggestions.imports.columns import code_parts
from suggestions.imports.files import RawSheet
from suggestions.imports.files import read_sheet
from suggestions.models import Kind
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import suggestion_code

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
PROGRESS_EVERY = 1_000  # rows checked between two calls of a `progress` callback
ACTION_LABELS = {CREATE: "新增", UPDATE: "更新", UNCHANGED: "已登记，内容相同，跳过"}


@dataclass
class RowError:
    row: int  # the sheet's row number; 0 for the file as a whole
    column: str  # the header, or "" for the whole row
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}"


@dataclass(kw_only=True)
class ParsedRow(services.NewSuggestion):
    """A valid row: the registration's facts (what `suggestions_bulk_create` takes), where
    they stand in the sheet, and what the import does with them."""

    row: int
    existing: Suggestion | None = None
    action: str = CREATE

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.year, self.kind, self.number)

    @property
    def code(self) -> str:
        return suggestion_code(self.year, self.kind, self.number)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    def fields(self) -> dict:
        """The registered facts, as `suggestion_update` takes them."""
        return {
            "source": self.source,
            "session": self.session,
            "title": self.title,
            "content": self.content,
            "topic": self.topic,
            "lead_deputy": self.lead_deputy,
            "received_on": self.received_on,
        }


@dataclass
class ImportReport:
    filename: str = ""
    sheet: str = ""
    header_row: int = 0
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    example_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    data_rows: int = 0
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def to_create(self) -> int:
        return self.count(CREATE)

    @property
    def to_update(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    def errors_by_row(self) -> list[tuple[int, list[RowError]]]:
        grouped: dict[int, list[RowError]] = defaultdict(list)
        for error in self.errors:
            grouped[error.row].append(error)
        return sorted(grouped.items())

    def summary(self) -> str:
        parts = [f"新增{self.to_create}件"]
        if self.to_update:
            parts.append(f"更新{self.to_update}件")
        if self.unchanged:
            parts.append(f"已登记且内容相同跳过{self.unchanged}件")
        return "，".join(parts)


Progress = Callable[[int, int], None]  # (rows checked, rows in the sheet)


def validate_file(
    data: bytes,
    *,
    filename: str = "",
    update: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read and check a file. Raises ImportFileError for a file that cannot be read."""
    raw = read_sheet(data, filename)
    report = validate_rows(raw, update=update, today=today, progress=progress)
    report.filename = filename
    return report


def validate_rows(
    raw: RawSheet,
    *,
    update: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row against the rules and the database; never writes. `progress`, if
    given, hears every `PROGRESS_EVERY` rows how many are checked."""
    report = ImportReport(
        sheet=raw.sheet, header_row=raw.header_row, ignored_columns=raw.ignored_columns
    )
    lookups = Lookups(today or timezone.localdate())
    seen: dict[tuple[int, str, int], int] = {}
    for done, (row_number, values) in enumerate(raw.rows):
        if progress and done and done % PROGRESS_EVERY == 0:
            progress(done, len(raw.rows))
        if clean_text(values.get("number")) == EXAMPLE_MARK:
            report.example_rows.append(row_number)
            continue
        report.data_rows += 1
        parsed = _parse_row(row_number, values, lookups, report.errors)
        if parsed is None:
            continue
        if parsed.key in seen:
            report.errors.append(
                RowError(
                    row_number,
                    "编号",
                    f"与第{seen[parsed.key]}行重复（{parsed.year}年度"
                    f"{Kind(parsed.kind).label}第{parsed.number}号）。",
                )
            )
            continue
        seen[parsed.key] = row_number
        report.rows.append(parsed)
    if report.data_rows == 0:
        report.errors.append(
            RowError(0, "", "文件中只有示例行，没有要导入的建议。请在示例行下方填写后重新上传。")
        )
    _match_existing(report, update)
    report.errors.sort(key=lambda e: (e.row, _COLUMN_ORDER.get(e.column, -1)))
    return report


_COLUMN_ORDER = {column.header: index for index, column in enumerate(COLUMNS)}


# ---------------------------------------------------------------------------------------
# One row


def _parse_row(
    row: int, values: dict, lookups: Lookups, errors: list[RowError]
) -> ParsedRow | None:
    """The row's registration, or None with its problems added to `errors`."""
    before = len(errors)
    cells: dict[str, object] = {}
    for column in COLUMNS:
        try:
            cells[column.key] = column.parse(values.get(column.key), lookups)
        except CellError as problem:
            cells[column.key] = None
            errors.extend(RowError(row, column.header, m) for m in problem.messages)
    for key, message in [*_code_agrees(values, cells), *_service_rules(values, cells)]:
        errors.append(RowError(row, COLUMN_BY_KEY[key].header if key else "", message))
    if len(errors) > before:
        return None
    if cells["year"] is None:  # left blank: the full number's year, or the date received's
        code_year, _ = code_parts(clean_text(values.get("number")))
        cells["year"] = code_year or cells["received_on"].year
    cells["co_signers"] = [d for d in cells["co_signers"] if d != cells["lead_deputy"]]
    return ParsedRow(row=row, **cells)


def _code_agrees(values: dict, cells: dict) -> Iterator[tuple[str, str]]:
    """A full number (2024建012) names a year and a kind: they must be the row's."""
    number = clean_text(values.get("number"))
    code_year, code_kind = code_parts(number)
    if cells["year"] and code_year and code_year != cells["year"]:
        yield "number", f"编号“{number}”与年度“{cells['year']}”不一致。"
    if cells["kind"] and code_kind and code_kind != cells["kind"]:
        yield "number", f"编号“{number}”与类别“{clean_text(values.get('kind'))}”不一致。"


def _service_rules(values: dict, cells: dict) -> Iterator[tuple[str, str]]:
    """The rules between fields are the services' own: asked once kind and source are
    known and the session, if written, was found."""
    kind, source, session = cells["kind"], cells["source"], cells["session"]
    if not (kind and source) or (session is None and clean_text(values.get("session"))):
        return
    try:
        services.validate_suggestion_fields(
            {"kind": kind, "source": source, "title": cells["title"] or "-", "session": session}
        )
    except ValidationError as refusal:
        code = refusal.error_list[0].code
        yield (code if code in COLUMN_BY_KEY else ""), refusal.messages[0]


# ---------------------------------------------------------------------------------------
# Rows already registered


def _match_existing(report: ImportReport, update: bool) -> None:
    """Mark rows already registered: unchanged ones are skipped, drafts updated (with
    `update`), anything else is an error."""
    if not report.rows:
        return
    condition = Q()
    for year, kind in {(r.year, r.kind) for r in report.rows}:
        condition |= Q(year=year, kind=kind)
    by_key = {r.key: r for r in report.rows}
    clashing = [
        pk
        for pk, year, kind, number in Suggestion.objects.filter(condition).values_list(
            "pk", "year", "kind", "number"
        )
        if (year, kind, number) in by_key
    ]
    for chunk in _chunks(clashing, 500):
        for existing in Suggestion.objects.filter(pk__in=chunk).prefetch_related("co_signers"):
            row = by_key[(existing.year, existing.kind, existing.number)]
            row.existing = existing
            error = _match(row, existing, update)
            if error:
                report.errors.append(RowError(row.row, "编号", error))


def _match(row: ParsedRow, existing: Suggestion, update: bool) -> str:
    """Set the row's action against the item registered under its number; the refusal,
    or ""."""
    if _same(row, existing):
        row.action = UNCHANGED
    elif existing.status != Status.DRAFT:
        return (
            f"{existing.code}已登记为“{existing.title}”，办理状态为"
            f"“{existing.get_status_display()}”，与本行内容不同。已交办的建议"
            "不能通过导入修改：请改正编号，或在该建议的页面上修改。"
        )
    elif update:
        row.action = UPDATE
    else:
        return (
            f"{existing.year}年度{existing.get_kind_display()}编号{existing.number}"
            f"已登记为“{existing.title}”（{existing.get_status_display()}），"
            "与本行内容不同。如需用本行内容更新这件待交办的建议，请勾选"
            "“更新已登记的待交办建议”（命令行加 --update）；否则请改正编号。"
        )
    return ""


def _same(row: ParsedRow, existing: Suggestion) -> bool:
    return (
        existing.source == row.source
        and existing.session_id == (row.session.pk if row.session else None)
        and existing.title == row.title
        and existing.content == row.content
        and existing.topic == row.topic
        and existing.lead_deputy_id == row.lead_deputy.pk
        and existing.received_on == row.received_on
        and {d.pk for d in existing.co_signers.all()} == {d.pk for d in row.co_signers}
    )


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
