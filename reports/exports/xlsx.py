"""The report as an Excel workbook: 汇总, 按承办单位, 明细, 不满意件, 逾期.

Written with xlsxwriter in constant_memory mode: each row goes to a temporary file as soon
as the next row starts, so a 明细 of 100k items stays in bounded memory. That mode needs
every sheet written strictly top to bottom, one row after the other (a cell of an earlier
row would be lost), so each sheet is: the title (merged), a note (merged), the header row,
the data rows, and no vertical merges.

Column widths count a CJK character as 2 (text_width). They are fixed before the first row:
from the data for the small sheets (the Report holds them), by design for 明细 (title 60,
department 22), so that the height of each wrapped row can be set as it is written: Excel
grows rows with wrapped text by itself, LibreOffice does not, and neither grows a merged
cell.

Every text a user typed (titles, comments, findings, names) is written with write_string,
never with write(): a title "=1+1" or "@SUM(A1)" stays text, never a formula. Percentages
are stored as fractions (0.823) with the format 0.0%, from the report's half-up rounded
Decimal, so the cell shows exactly the figure of the narrative.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

import xlsxwriter
from django.conf import settings
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reports.exports.rows import DETAIL_COLUMNS
from reports.exports.rows import report_detail_rows
from reports.narrative import SOURCE_PREFIX
from reports.narrative import cn_date
from reports.selectors import DepartmentRow
from reports.selectors import Report
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FONT = "宋体"
FONT_SIZE = 11
TITLE_SIZE = 16
LINE_HEIGHT = 16  # points per line of 11 pt CJK text, with room for the taller CJK fonts
NO_RATE = "—"
HEADER_ROW = 2  # title, note, header: data from row 3 (Excel row 4)
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_WIDTH = 60  # wider text wraps
EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()

SHEET_SUMMARY = "汇总"
SHEET_DEPARTMENTS = "按承办单位"
SHEET_DETAIL = "明细"
SHEET_UNSATISFIED = "不满意件"
SHEET_OVERDUE = "逾期"
SHEET_NAMES = (SHEET_SUMMARY, SHEET_DEPARTMENTS, SHEET_DETAIL, SHEET_UNSATISFIED, SHEET_OVERDUE)


def text_width(text: str) -> int:
    """Display width in Excel character units: a CJK character or a full-width sign (3 bytes
    in UTF-8) counts 2, an ASCII character 1."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def line_count(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped column `width` units wide."""
    room = max(width - 1.5, 1)
    return sum(max(1, -(-text_width(line) // int(room))) for line in text.split("\n"))


def _scope_text(report: Report) -> str:
    scope = report.scope
    text = f"{scope.year}年度"
    if report.scope_department_name:
        text += f"{report.scope_department_name}主办的"
    return text + SOURCE_PREFIX.get(scope.source or "", "") + Kind(scope.kind).label


def _title(report: Report, what: str) -> str:
    return f"{settings.ORGANISATION_NAME}{_scope_text(report)}{what}（截至{cn_date(report.as_of)}）"


class Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        def fmt(**props) -> Format:
            return book.add_format({"font_name": FONT, "font_size": FONT_SIZE, **props})

        cell = {"border": 1, "valign": "vcenter"}
        self.title = fmt(
            bold=True, font_size=TITLE_SIZE, align="center", valign="vcenter", text_wrap=True
        )
        self.note = fmt(font_size=10, font_color="#595959", text_wrap=True, valign="vcenter")
        self.header = fmt(bold=True, bg_color="#D9E1F2", text_wrap=True, align="center", **cell)
        self.section = fmt(bold=True, bg_color="#F2F2F2", **cell)
        self.text = fmt(**cell)
        self.wrap = fmt(text_wrap=True, **cell)
        self.center = fmt(align="center", **cell)
        self.count = fmt(num_format="#,##0", **cell)
        self.pct = fmt(num_format="0.0%", **cell)
        self.points = fmt(num_format='+0.0"个百分点";-0.0"个百分点";0.0"个百分点"', **cell)
        self.date = fmt(num_format="yyyy-mm-dd", align="center", **cell)
        self.total_text = fmt(bold=True, **cell)
        self.total_count = fmt(bold=True, num_format="#,##0", **cell)
        self.total_pct = fmt(bold=True, num_format="0.0%", **cell)


# ---------------------------------------------------------------------------------------
# Cells of the small sheets: built first (the widths need them), then written in order.


class Cell(NamedTuple):
    kind: str  # text, wrap, center, count, pct, points, date, section
    value: object = None
    bold: bool = False


def text(value: str | None) -> Cell:
    return Cell("text", value or "")


def wrap(value: str | None) -> Cell:
    return Cell("wrap", value or "")


class Sheet:
    """One worksheet written top to bottom with fixed column widths."""

    def __init__(self, book, f: Formats, name: str, headers: Sequence[str]):
        self.ws: Worksheet = book.add_worksheet(name)
        self.f = f
        self.headers = list(headers)
        self.widths = [max(text_width(h) + 2, 8) for h in headers]

    def fit(self, rows: list[list[Cell]], minimum: Sequence[int] = ()) -> None:
        """Widths from the texts of `rows` (wrapped texts capped at MAX_WIDTH)."""
        for col, width in enumerate(minimum):
            self.widths[col] = max(self.widths[col], width)
        for cells in rows:
            for col, cell in enumerate(cells):
                if cell.kind in ("text", "wrap", "center") and cell.value:
                    width = max(text_width(line) for line in str(cell.value).split("\n")) + 2
                    if cell.kind == "wrap":
                        width = min(width, MAX_WIDTH)
                    self.widths[col] = max(self.widths[col], width)

    def head(self, title: str, note: str) -> None:
        """Rows 0–2: the merged title, a merged note, the header row. Widths are final."""
        ws, f = self.ws, self.f
        last = len(self.headers) - 1
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)
        room = sum(self.widths[: last + 1])
        # A merged cell never grows: give the title and the note the lines they need.
        ws.set_row(0, 26 * line_count(title, room * FONT_SIZE / TITLE_SIZE) + 6)
        ws.merge_range(0, 0, 0, last, None, f.title)
        ws.write_string(0, 0, title, f.title)  # merge_range would write() it: as text here
        ws.set_row(1, LINE_HEIGHT * line_count(note, room * FONT_SIZE / 10) + 4)
        ws.merge_range(1, 0, 1, last, None, f.note)
        ws.write_string(1, 0, note, f.note)
        lines = max(line_count(h, self.widths[col]) for col, h in enumerate(self.headers))
        ws.set_row(HEADER_ROW, LINE_HEIGHT * max(lines, 2) + 4)
        for col, header in enumerate(self.headers):
            ws.write_string(HEADER_ROW, col, header, f.header)

    def write_rows(self, rows: list[list[Cell]]) -> None:
        ws = self.ws
        row = FIRST_DATA_ROW
        for cells in rows:
            lines = max(
                (
                    line_count(str(c.value), self.widths[col])
                    for col, c in enumerate(cells)
                    if c.kind == "wrap" and c.value
                ),
                default=1,
            )
            if lines > 1:
                ws.set_row(row, LINE_HEIGHT * lines + 2)
            for col, cell in enumerate(cells):
                self._cell(row, col, cell)
            row += 1

    def _cell(self, row: int, col: int, cell: Cell) -> None:
        ws, f = self.ws, self.f
        kind, value = cell.kind, cell.value
        if kind == "section":
            ws.merge_range(row, 0, row, len(self.headers) - 1, None, f.section)
            ws.write_string(row, 0, value, f.section)
        elif kind in ("text", "wrap", "center"):
            fmt = f.total_text if cell.bold else getattr(f, kind)
            if value:
                ws.write_string(row, col, value, fmt)
            else:
                ws.write_blank(row, col, None, fmt)
        elif kind == "count":
            fmt = f.total_count if cell.bold else f.count
            if value is None:
                ws.write_blank(row, col, None, fmt)
            else:
                ws.write_number(row, col, value, fmt)
        elif kind in ("pct", "points"):
            # A one-decimal percent (82.3) as the fraction 0.823 shown 82.3%; points as
            # +4.2; "—" when there is no denominator.
            if value is None:
                ws.write_string(row, col, NO_RATE, f.center)
            elif kind == "pct":
                ws.write_number(row, col, float(value / 100), f.total_pct if cell.bold else f.pct)
            else:
                ws.write_number(row, col, float(value), f.points)
        elif kind == "date":
            if value is None:
                ws.write_blank(row, col, None, f.date)
            else:
                ws.write_number(row, col, value.toordinal() - EXCEL_EPOCH, f.date)
        else:  # "blank"
            ws.write_blank(row, col, None, f.center)

    def fill(self, title: str, note: str, rows: list[list[Cell]], none: str = "") -> None:
        """The whole sheet: head, `rows` (or the message `none` in their place when there
        are none), print setup. The widths are fitted before."""
        self.head(title, note)
        if rows or not none:
            self.write_rows(rows)
        else:
            last = len(self.headers) - 1
            self.ws.merge_range(FIRST_DATA_ROW, 0, FIRST_DATA_ROW, last, None, self.f.text)
            self.ws.write_string(FIRST_DATA_ROW, 0, none, self.f.text)
        self.finish()

    def finish(self) -> None:
        ws = self.ws
        ws.freeze_panes(FIRST_DATA_ROW, 0)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages down as needed
        ws.repeat_rows(HEADER_ROW)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.set_footer("&C第 &P 页，共 &N 页")


# ---------------------------------------------------------------------------------------
# 汇总


class Line(NamedTuple):
    """A row of 汇总: a count, a rate and what the rate is a share of."""

    label: str
    count: int | None = None
    rate: Decimal | None = None
    note: str = ""
    kind: str = "pct"  # "pct" ("—" without denominator), "points", "blank" (no rate)
    outcome: bool = False


def _summary_lines(report: Report) -> list[str | Line]:
    """Section titles (str) and lines, in order."""
    r, s, c, o = report.recess, report.satisfaction, report.community, report.outcomes
    of_assigned, of_replied, of_rated = "占交办件数", "占已办复件数", "占已反馈件数"
    previous = f"截至{cn_date(report.previous_as_of)}" if report.previous_as_of else "无比较期"
    both = report.resolved_or_in_progress
    return [
        "一、交办和办复",
        Line("交办", report.assigned, note="截至报告日已交办", kind="blank"),
        Line("已办复", report.replied, report.replied_rate, of_assigned),
        Line("其中：按时办复", report.on_time, report.on_time_rate, of_replied),
        Line("正在办理", report.pending, report.pending_rate, of_assigned),
        Line("其中：已超期", report.overdue, report.overdue_rate, of_assigned),
        "二、办理结果",
        *[
            Line(f"“{outcome.label}”", share.count, share.percent, of_replied, outcome=True)
            for outcome, share in o.items()
        ],
        Line("办理解决率", rate=report.resolution_rate, note="已经解决÷已办复"),
        Line("上一阶段办理解决率", rate=report.previous_resolution_rate, note=previous),
        Line("办理解决率变化", rate=report.change, note="较上一阶段", kind="points"),
        Line("“已经解决”和“正在解决”", both.count, both.percent, of_replied),
        Line("跟踪复查调整为“已经解决”", len(report.upgraded), note="本期", kind="blank"),
        Line("抽查", len(report.spot_checks), note="本期", kind="blank"),
        "三、代表满意度",
        Line("已反馈", s.rated, note="已办复且有代表反馈，按截至报告日的最新反馈", kind="blank"),
        Line("“满意”", s.satisfied, s.satisfied_rate, of_rated),
        Line("“基本满意”", s.basically_satisfied, s.basically_satisfied_rate, of_rated),
        Line("“不满意”", s.unsatisfied, s.unsatisfied_rate, of_rated),
        Line("满意率", s.satisfied + s.basically_satisfied, s.rate, "（满意＋基本满意）÷已反馈"),
        Line(
            "“不满意”件",
            len(report.unsatisfied),
            note="含本年度内曾反馈“不满意”的，见“不满意件”表",
            kind="blank",
        ),
        "四、闭会期间提出的代表建议",
        Line("交办", r.assigned, kind="blank"),
        Line("已办复", r.replied, r.replied_rate, of_assigned),
        Line("其中：按时办复", r.on_time, r.on_time_rate, of_replied),
        Line("其中：提前办复", r.early, r.early_rate, of_replied),
        Line("“已经解决”", r.resolved, r.resolved_rate, of_replied),
        Line("正在办理", r.pending, r.pending_rate, of_assigned),
        Line("其中：已超期", r.overdue, r.overdue_rate, of_assigned),
        "五、代表集中联系社区意见建议",
        Line("交办", c.assigned, kind="blank"),
        Line("承办单位（个）", c.departments, kind="blank"),
        Line("已办复", c.replied, c.replied_rate, of_assigned),
        Line(
            "“已经解决”和“正在解决”",
            c.resolved_or_in_progress.count,
            c.resolved_or_in_progress.percent,
            of_replied,
        ),
    ]


def _write_summary(book, f: Formats, report: Report) -> None:
    sheet = Sheet(book, f, SHEET_SUMMARY, ["项目", "件数", "占比", "说明"])
    rows: list[list[Cell]] = []
    outcome_rows: list[int] = []
    for line in _summary_lines(report):
        if isinstance(line, str):
            rows.append([Cell("section", line)])
            continue
        if line.outcome:
            outcome_rows.append(FIRST_DATA_ROW + len(rows))
        rows.append(
            [
                text(line.label),
                Cell("count", line.count),
                Cell(line.kind, line.rate),
                wrap(line.note),
            ]
        )
    sheet.fit(rows, minimum=[28, 10, 16, 30])
    previous = f"比较日期：{cn_date(report.previous_as_of)}。" if report.previous_as_of else ""
    sheet.fill(
        _title(report, "办理情况汇总"),
        "所有数字按截至报告日（含）的记录统计，再次生成结果不变；百分比保留一位小数，四舍五入。"
        + previous,
        rows,
    )
    _outcome_chart(book, sheet.ws, outcome_rows, report)


def _outcome_chart(book, ws: Worksheet, rows: list[int], report: Report) -> None:
    """A native column chart of the outcome counts, fed by the 汇总 cells."""
    chart = book.add_chart({"type": "column"})
    first, last = rows[0], rows[-1]
    chart.add_series(
        {
            "name": "件数",
            "categories": [SHEET_SUMMARY, first, 0, last, 0],
            "values": [SHEET_SUMMARY, first, 1, last, 1],
            "fill": {"color": "#4472C4"},
            "data_labels": {"value": True, "font": {"name": FONT, "size": 10}},
            "gap": 80,
        }
    )
    chart.set_title(
        {
            "name": f"已办复{report.replied}件的办理结果分布（件）",
            "name_font": {"name": FONT, "size": 12, "bold": True},
        }
    )
    chart.set_x_axis({"num_font": {"name": FONT, "size": 10}})
    chart.set_y_axis(
        {
            "num_font": {"name": FONT, "size": 9},
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
            "min": 0,
        }
    )
    chart.set_legend({"none": True})
    chart.set_size({"width": 480, "height": 300})
    ws.insert_chart(FIRST_DATA_ROW, 4, chart, {"x_offset": 24, "y_offset": 0})


# ---------------------------------------------------------------------------------------
# 按承办单位

DEPARTMENT_HEADERS = [
    "承办单位",
    "交办",
    "已办复",
    "按时办复",
    "已超期",
    *[f"“{o.label}”" for o in Outcome],
    "办理解决率",
    "已反馈",
    "满意率",
]


def _department_cells(
    row: DepartmentRow | Report, name: str, rated: int, good_rate: Decimal | None, bold=False
) -> list[Cell]:
    """A department's row, or with the whole report the 合计 row (its rating figures are
    in report.satisfaction)."""
    counts = [row.assigned, row.replied, row.on_time, row.overdue]
    counts += [share.count for _, share in row.outcomes.items()]
    return [
        Cell("text", name, bold),
        *[Cell("count", n, bold) for n in counts],
        Cell("pct", row.resolution_rate, bold),
        Cell("count", rated, bold),
        Cell("pct", good_rate, bold),
    ]


def _write_departments(book, f: Formats, report: Report) -> None:
    sheet = Sheet(book, f, SHEET_DEPARTMENTS, DEPARTMENT_HEADERS)
    rows = [_department_cells(d, d.name, d.rated, d.satisfaction_rate) for d in report.departments]
    s = report.satisfaction
    rows.append(_department_cells(report, "合计", s.rated, s.rate, bold=True))
    sheet.fit(rows, minimum=[18, *[9] * 8, 11, 9, 9])
    sheet.fill(
        _title(report, "分承办单位办理情况"),
        "按报告日的主办单位统计，每件只计入一个单位；办理解决率＝已经解决÷已办复，"
        "满意率＝（满意＋基本满意）÷已反馈。",
        rows,
    )


# ---------------------------------------------------------------------------------------
# 明细: streamed from the query, widths fixed by design.

DETAIL_WIDTHS = [12, MAX_WIDTH, 22, 10, 12, 12, 14, 10, 12, 10]
DETAIL_TITLE, DETAIL_DEPARTMENT = 1, 2


def _write_detail(book, f: Formats, report: Report) -> None:
    headers = [c.header for c in DETAIL_COLUMNS]
    sheet = Sheet(book, f, SHEET_DETAIL, headers)
    sheet.widths = list(DETAIL_WIDTHS)
    sheet.head(
        _title(report, "办理情况明细"),
        f"共{report.assigned}件，按编号排列；主办单位、办理结果、代表满意度和办理状态均为"
        "截至报告日的情况（报告日后的办复不计）。",
    )
    ws = sheet.ws
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    set_row = ws.set_row
    formats = [f.date if c.kind == "date" else f.text for c in DETAIL_COLUMNS]
    formats[DETAIL_TITLE] = formats[DETAIL_DEPARTMENT] = f.wrap
    for col in (3, 7, 8, 9):
        formats[col] = f.center
    dates = [col for col, c in enumerate(DETAIL_COLUMNS) if c.kind == "date"]
    texts = [col for col, c in enumerate(DETAIL_COLUMNS) if c.kind != "date"]
    title_room = DETAIL_WIDTHS[DETAIL_TITLE] - 1.5
    department_room = DETAIL_WIDTHS[DETAIL_DEPARTMENT] - 1.5
    row = FIRST_DATA_ROW
    for values in report_detail_rows(report.scope, report.as_of):
        lines = max(
            -(-text_width(values[DETAIL_TITLE]) // title_room),
            -(-text_width(values[DETAIL_DEPARTMENT]) // department_room),
        )
        if lines > 1:
            set_row(row, LINE_HEIGHT * lines + 2)
        for col in texts:
            value = values[col]
            if value:
                write_string(row, col, value, formats[col])
            else:
                write_blank(row, col, None, formats[col])
        for col in dates:
            value = values[col]
            if value is None:
                write_blank(row, col, None, f.date)
            else:
                write_number(row, col, value.toordinal() - EXCEL_EPOCH, f.date)
        row += 1
    if row > FIRST_DATA_ROW:
        ws.autofilter(HEADER_ROW, 0, row - 1, len(headers) - 1)
    sheet.finish()


# ---------------------------------------------------------------------------------------
# 不满意件, 逾期

UNSATISFIED_HEADERS = [
    "编号",
    "标题",
    "主办单位",
    "最新满意度",
    "“不满意”反馈日期",
    "代表意见",
    "已重新办复",
    "跟踪次数",
    "跟踪记录（截至报告日）",
]


def _write_unsatisfied(book, f: Formats, report: Report) -> None:
    sheet = Sheet(book, f, SHEET_UNSATISFIED, UNSATISFIED_HEADERS)
    labels = dict(Satisfaction.choices)
    rows = []
    for u in report.unsatisfied:
        records = "\n".join(
            f"{r.happened_on.isoformat()} {r.kind_label}"
            + (f"（{r.department}）" if r.department else "")
            + f"：{r.findings}"
            for r in u.follow_ups
        )
        rows.append(
            [
                text(u.item.code),
                wrap(u.item.title),
                wrap(u.item.department),
                Cell("center", labels.get(u.rating, "")),
                Cell("date", u.unsatisfied_on),
                wrap(u.comment),
                Cell("center", "是" if u.reworked else "否"),
                Cell("count", len(u.follow_ups)),
                wrap(records),
            ]
        )
    # Long texts wrap in bounded columns so that the sheet stays readable on one page width.
    sheet.fit(rows, minimum=[12, 24, 14, 10, 12, 20, 8, 8, 40])
    for col, cap in ((1, 36), (2, 18), (5, 30)):
        sheet.widths[col] = min(sheet.widths[col], cap)
    sheet.fill(
        _title(report, "“不满意”件跟踪督办情况"),
        "截至报告日代表最新反馈为“不满意”，或本年度内曾反馈“不满意”的件；跟踪记录按日期排列。",
        rows,
        none="截至报告日，无代表反馈“不满意”的件。",
    )


OVERDUE_HEADERS = ["编号", "标题", "主办单位", "交办日期", "办复期限", "超期天数"]


def _write_overdue(book, f: Formats, report: Report) -> None:
    sheet = Sheet(book, f, SHEET_OVERDUE, OVERDUE_HEADERS)
    rows = [
        [
            text(o.item.code),
            wrap(o.item.title),
            wrap(o.item.department),
            Cell("date", o.assigned_on),
            Cell("date", o.reply_due_on),
            Cell("count", o.days_overdue),
        ]
        for o in report.overdue_items
    ]
    sheet.fit(rows, minimum=[12, 50, 18, 12, 12, 10])
    sheet.fill(
        _title(report, "逾期未办复件"),
        "截至报告日尚未办复、且办复期限（含已批准的延期）早于报告日的件，按办复期限排列。",
        rows,
        none="截至报告日，无逾期未办复的件。",
    )


# ---------------------------------------------------------------------------------------

SHEETS: tuple[Callable[[xlsxwriter.Workbook, Formats, Report], None], ...] = (
    _write_summary,
    _write_departments,
    _write_detail,
    _write_unsatisfied,
    _write_overdue,
)


def report_workbook(output: io.BytesIO, *, title: str, day: dt.date) -> xlsxwriter.Workbook:
    """A workbook in this layout's font, constant memory, text kept as text."""
    book = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
            # Only write_string/write_number/… are used; these guard any write() anyway.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {
            "title": title,
            "company": settings.ORGANISATION_NAME,
            "created": dt.datetime.combine(day, dt.time()),
        }
    )
    return book


def render_xlsx(report: Report) -> bytes:
    """The workbook of `report`, as bytes (one query, for 明细; the rest is in `report`)."""
    output = io.BytesIO()
    book = report_workbook(output, title=_title(report, "办理情况统计"), day=report.as_of)
    formats = Formats(book)
    for write in SHEETS:
        write(book, formats, report)
    book.close()
    return output.getvalue()
