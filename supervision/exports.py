"""The assessment and the campaigns as Excel workbooks, in the report workbook's layout
(reports.exports.xlsx: its formats and its Sheet: merged title, note, header row, bordered
cells, A4 landscape, one page wide). Scores are numbers shown with one decimal."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.conf import settings

from reports.exports.xlsx import FONT
from reports.exports.xlsx import FONT_SIZE
from reports.exports.xlsx import Cell
from reports.exports.xlsx import Formats
from reports.exports.xlsx import Sheet
from reports.exports.xlsx import report_workbook
from reports.exports.xlsx import text
from reports.exports.xlsx import wrap
from reports.narrative import cn_date
from supervision.assessment import PART_LABELS
from supervision.assessment import PARTS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ScoreSheet(Sheet):
    """A Sheet that also writes "score" cells: a one-decimal number given as a string."""

    def _cell(self, row: int, col: int, cell: Cell) -> None:
        if cell.kind == "score":
            fmt = self.f.total_score if cell.bold else self.f.score
            if cell.value is None:
                self.ws.write_string(row, col, "—", self.f.center)
            else:
                self.ws.write_number(row, col, float(cell.value), fmt)
            return
        super()._cell(row, col, cell)


def _book(output, title: str, day: dt.date) -> tuple[xlsxwriter.Workbook, Formats]:
    book = report_workbook(output, title=title, day=day)
    f = Formats(book)
    cell = {"font_name": FONT, "font_size": FONT_SIZE, "border": 1, "valign": "vcenter"}
    f.score = book.add_format({"num_format": "0.0", **cell})
    f.total_score = book.add_format({"num_format": "0.0", "bold": True, **cell})
    return book, f


def _weight_text(weights: dict[str, Any]) -> str:
    parts = "，".join(f"{PART_LABELS[p]}{weights[p]}分" for p in PARTS)
    return (
        f"权重：{parts}；每件不满意扣{weights['unsatisfied_deduction']}分，"
        f"每件超期扣{weights['overdue_deduction']}分；不足{weights['minimum_items']}件的单位"
        "标为样本不足，不参加排名。各项得分＝权重×比率，比率无分母时得满分；总分按精确值"
        "计算后四舍五入保留一位小数。"
    )


ASSESSMENT_HEADERS = [
    "排名",
    "承办单位",
    "件数",
    *[f"{PART_LABELS[p]}（率）" for p in PARTS],
    *[f"{PART_LABELS[p]}得分" for p in PARTS],
    "不满意扣分件数",
    "超期扣分件数",
    "总分",
    "备注",
]


def _assessment_cells(row: dict[str, Any]) -> list[Cell]:
    rates = row.get("rates", {})
    return [
        Cell("center", str(row["rank"]) if row["rank"] else "—"),
        text(row["department"]),
        Cell("count", row["items"]),
        *[Cell("pct", rates.get(p) and float(rates[p])) for p in PARTS],
        *[Cell("score", row["parts"][p]) for p in PARTS],
        Cell("count", row["deductions"]["unsatisfied"]),
        Cell("count", row["deductions"]["overdue"]),
        Cell("score", row["score"], bold=True),
        text("样本不足" if row["insufficient"] else ""),
    ]


def assessment_xlsx(data: dict[str, Any]) -> bytes:
    """The assessment workbook: one sheet, the departments by rank."""
    as_of = dt.date.fromisoformat(data["as_of"])
    title = (
        f"{settings.ORGANISATION_NAME}{data['year']}年度承办单位办理工作考核"
        f"（截至{cn_date(as_of)}）"
    )
    output = io.BytesIO()
    book, f = _book(output, title, as_of)
    sheet = ScoreSheet(book, f, "考核", ASSESSMENT_HEADERS)
    rows = [_assessment_cells(row) for row in data["departments"]]
    sheet.fit(rows, minimum=[6, 18])
    sheet.fill(title, _weight_text(data["weights"]), rows, none="本年度没有承办单位。")
    book.close()
    return output.getvalue()


SPOT_HEADERS = ["编号", "标题", "主办单位", "抽查方式", "抽查日期", "结论", "情况说明", "佐证材料"]


def spot_campaign_xlsx(campaign, items: list) -> bytes:
    """A spot-check campaign: its sample, each item's method, date, finding and notes."""
    title = f"{campaign.name}（{campaign.period_start:%Y-%m-%d}至{campaign.period_end:%Y-%m-%d}）"
    output = io.BytesIO()
    book, f = _book(output, title, campaign.period_end)
    sheet = ScoreSheet(book, f, "抽查", SPOT_HEADERS)
    rows = [
        [
            text(i.suggestion.code),
            wrap(i.suggestion.title),
            text(i.department.name),
            text(i.get_method_display()),
            Cell("date", i.checked_on),
            text(i.get_finding_display() or "未抽查"),
            wrap(i.notes),
            wrap("\n".join(e.name for e in i.evidence.all())),
        ]
        for i in items
    ]
    sheet.fit(rows, minimum=[12, 40, 18, 10, 12, 10, 30, 20])
    note = (
        f"抽查比例{campaign.percentage}%，随机种子{campaign.seed}（以同一种子重新抽样得到相同的件）；"
        f"共{len(items)}件，已抽查{sum(1 for i in items if i.finding)}件。"
    )
    sheet.fill(title, note, rows, none="本次抽查没有样本。")
    book.close()
    return output.getvalue()
