"""The Excel and Word renderings of the report (reports/exports), reopened and checked."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test.utils import override_settings
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from reports.exports.docx import render_docx
from reports.exports.rows import report_detail_rows
from reports.exports.xlsx import SHEET_NAMES
from reports.exports.xlsx import render_xlsx
from reports.renderers import PLANNED_FORMATS
from reports.renderers import RENDERERS
from reports.selectors import Scope
from reports.selectors import quarter_bounds
from reports.selectors import report_compute
from suggestions.models import Outcome
from suggestions.models import Suggestion
from tests.factories import DeputyFactory
from tests.reports.test_selectors import REFERENCE_NARRATIVE
from tests.reports.test_selectors import _bulk_items

AS_OF_TEXT = "截至2023年9月30日"
FORMULA_LIKE = ["=1+1", "@SUM(A1)", "+1", "-1+1", '=HYPERLINK("http://example.com","x")']


def reference_report():
    as_of, previous = quarter_bounds("2023Q3")
    return report_compute(scope=Scope(year=2023), as_of=as_of, previous_as_of=previous)


def open_workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def summary_values(ws) -> dict[str, tuple]:
    """Label → (count, rate cell) of the 汇总 lines (the first occurrence of a label)."""
    values: dict[str, tuple] = {}
    for label, count, rate, _note in ws.iter_rows(min_row=4, max_col=4):
        if label.value and label.value not in values:
            values[label.value] = (count.value, rate)
    return values


# ---------------------------------------------------------------------------------------
# Excel


def test_workbook_of_the_reference_quarter(demo):
    report = reference_report()
    content = render_xlsx(report)
    book = open_workbook(content)

    assert (
        book.sheetnames == list(SHEET_NAMES) == ["汇总", "按承办单位", "明细", "不满意件", "逾期"]
    )
    for ws in book:
        # A merged title with the organisation and the report date, then a note, the header.
        title = ws["A1"].value
        assert settings.ORGANISATION_NAME in title and AS_OF_TEXT in title, ws.title
        assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges), ws.title
        header = [c for c in ws[3] if c.value]
        assert header and all(c.font.b for c in header), ws.title
        assert all(c.fill.fgColor.rgb.endswith("D9E1F2") for c in header)
        assert all(c.alignment.wrap_text and c.border.left.style == "thin" for c in header)
        assert ws.freeze_panes == "A4", ws.title
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows == "$3:$3"
        # Widths that fit Chinese: every header has room for its characters counted double.
        for cell in header:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= 2 * len(cell.value.strip("“”")), (ws.title, cell.value)

    summary = summary_values(book["汇总"])
    assert summary["交办"][0] == 176
    assert summary["已办复"][0] == 175
    assert summary["其中：按时办复"][0] == 175
    assert summary["正在办理"][0] == 1
    assert summary["其中：已超期"][0] == 0
    expected = {"已经解决": (144, 0.823), "正在解决": (2, 0.011), "计划解决": (10, 0.057)}
    expected["留作参考"] = (19, 0.109)
    for label, (count, rate) in expected.items():
        got_count, cell = summary[f"“{label}”"]
        assert got_count == count and cell.value == pytest.approx(rate)
        assert cell.number_format == "0.0%" and cell.data_type == "n"
    assert summary["办理解决率"][1].value == pytest.approx(0.823)
    assert summary["上一阶段办理解决率"][1].value == pytest.approx(0.781)
    change = summary["办理解决率变化"][1]
    assert change.value == pytest.approx(4.2) and "百分点" in change.number_format
    assert summary["满意率"][1].number_format == "0.0%"
    assert summary["跟踪复查调整为“已经解决”"][0] == 6

    departments = book["按承办单位"]
    rows = list(departments.iter_rows(min_row=4, values_only=True))
    assert rows[-1][0] == "合计" and rows[-1][1:4] == (176, 175, 175)
    assert sum(r[1] for r in rows[:-1]) == 176
    assert departments.cell(row=4, column=10).number_format == "0.0%"

    detail = book["明细"]
    assert detail.max_row == 3 + 176
    assert [c.value for c in detail[3]][:3] == ["编号", "标题", "主办单位"]
    items = list(detail.iter_rows(min_row=4, values_only=True))
    assert len({r[0] for r in items}) == 176 and items[0][0] == "2023建001"
    status = [r[9] for r in items]
    assert status.count("按时办复") == 175 and status.count("正在办理") == 1
    outcomes = [r[7] for r in items]
    assert outcomes.count(Outcome.RESOLVED.label) == 144
    assert outcomes.count(Outcome.FOR_REFERENCE.label) == 19
    assert detail["E4"].is_date and detail["E4"].number_format == "yyyy-mm-dd"
    assert detail.auto_filter.ref == "A3:J179"

    unsatisfied = book["不满意件"]
    assert unsatisfied["A4"].value == report.unsatisfied[0].item.code
    assert unsatisfied["I4"].value.count("\n") == len(report.unsatisfied[0].follow_ups) - 1
    assert "无逾期未办复" in book["逾期"]["A4"].value

    # The chart: openpyxl does not load charts, so read the package itself.
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        names = package.namelist()
        assert "xl/charts/chart1.xml" in names
        chart = package.read("xl/charts/chart1.xml").decode()
        sheet1_rels = package.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        drawing_rels = package.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    assert "<c:barChart>" in chart
    ranges = re.findall(r"<c:f>(.*?)</c:f>", chart)
    assert any(re.fullmatch(r"'?汇总'?!\$B\$\d+:\$B\$\d+", r) for r in ranges), ranges
    assert any(re.fullmatch(r"'?汇总'?!\$A\$\d+:\$A\$\d+", r) for r in ranges), ranges
    assert "drawing1.xml" in sheet1_rels and "chart1.xml" in drawing_rels


def test_the_detail_rows_are_the_report_figures(demo):
    report = reference_report()
    rows = list(report_detail_rows(report.scope, report.as_of))
    assert len(rows) == report.assigned
    assert sum(1 for r in rows if r[6] is not None) == report.replied
    assert sum(1 for r in rows if r[7] == Outcome.RESOLVED.label) == report.outcomes.resolved.count
    # A department's own scope lists only what it leads.
    fangguan = next(d for d in report.departments if d.name == "区房管局")
    scope = Scope(year=2023, department=fangguan.department_id)
    mine = list(report_detail_rows(scope, report.as_of))
    assert len(mine) == fangguan.assigned and {r[2] for r in mine} == {"区房管局"}


def test_formula_like_titles_stay_text(office, lead_department):
    deputy = DeputyFactory()
    _bulk_items(1, 6, department=lead_department, user=office, deputy=deputy)
    for number, title in enumerate(FORMULA_LIKE, start=1):
        Suggestion.objects.filter(year=2024, number=number).update(title=title)
    Suggestion.objects.filter(year=2024, number=6).update(title="标题\x07含控制字符")
    report = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 6, 30))
    content = render_xlsx(report)

    detail = open_workbook(content)["明细"]
    titles = {row[0].value: row[1] for row in detail.iter_rows(min_row=4)}
    written = [c for c in titles.values() if c.value in FORMULA_LIKE]
    assert sorted(c.value for c in written) == sorted(FORMULA_LIKE)
    assert all(c.data_type == "s" for c in written)
    # A control character (not allowed in XML) is written as Excel's escape _x0007_, which
    # Excel shows as the character; openpyxl leaves the escape as it is.
    assert any(c.value == "标题_x0007_含控制字符" for c in titles.values())
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in package.read(n).decode() for n in sheets)


def test_xlsx_query_count_does_not_depend_on_the_number_of_items(office, lead_department):
    deputy = DeputyFactory()

    def queries() -> int:
        report = report_compute(scope=Scope(year=2024), as_of=dt.date(2024, 6, 30))
        with CaptureQueriesContext(connection) as captured:
            content = render_xlsx(report)
        assert open_workbook(content)["明细"].max_row == 3 + report.assigned
        return len(captured.captured_queries)

    _bulk_items(1, 10, department=lead_department, user=office, deputy=deputy)
    small = queries()
    _bulk_items(11, 40, department=lead_department, user=office, deputy=deputy)
    assert queries() == small == 1


@override_settings(ORGANISATION_NAME="测试市测试区人民政府", ORGANISATION_SHORT_NAME="区政府")
def test_an_empty_scope_renders_with_dashes(db):
    report = report_compute(
        scope=Scope(year=2030), as_of=dt.date(2030, 3, 31), previous_as_of=dt.date(2029, 12, 31)
    )
    book = open_workbook(render_xlsx(report))
    assert book["汇总"]["A1"].value.startswith("测试市测试区人民政府2030年度代表建议")
    summary = summary_values(book["汇总"])
    assert summary["交办"][0] == 0 and summary["办理解决率"][1].value == "—"
    assert book["明细"].max_row == 3
    assert "无代表反馈" in book["不满意件"]["A4"].value

    doc = Document(io.BytesIO(render_docx(report, signed_on=dt.date(2030, 4, 8))))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "测试市测试区人民政府\n关于代表建议办理情况的报告"
    assert "暂无由区政府承办的代表建议" in "".join(texts)
    assert texts[-2:] == ["测试市测试区人民政府", "2030年4月8日"]


# ---------------------------------------------------------------------------------------
# Word


def test_word_draft_of_the_reference_quarter(demo):
    report = reference_report()
    doc = Document(io.BytesIO(render_docx(report, signed_on=dt.date(2023, 10, 7))))
    paragraphs = doc.paragraphs
    texts = [p.text for p in paragraphs]

    assert texts[0] == f"{settings.ORGANISATION_NAME}\n关于代表建议办理情况的报告"
    assert "区人大常委会：" in texts
    overall = next(t for t in texts if t.startswith("截至2023年9月30日"))
    assert overall == REFERENCE_NARRATIVE + "现将有关情况报告如下："

    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、"]
    assert headings[3] == "四、下一步工作打算"
    body = "\n".join(texts)
    second = body[body.index(headings[1]) : body.index(headings[2])]
    assert "一是办理好闭会期间代表建议。" in second and "共收到由区政府承办的代表建议7件" in second
    assert "二是对“不满意”件进行跟踪督办。" in second
    assert "三是做好代表集中联系社区意见建议办理。" in second and "共90件" in second
    third = body[body.index(headings[2]) : body.index(headings[3])]
    assert "“关于进一步加强苏州河沿岸环境保护的建议”" in third
    assert "“关于增加上海老旧小区消防栓设施的建议”" in third
    assert texts[-2:] == [settings.ORGANISATION_NAME, "2023年10月7日"]

    # Fonts: every run names its East Asian font (Word ignores w:ascii for Chinese).
    runs = [r for p in paragraphs for r in p.runs if r.text.strip()]
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs}
    assert fonts == {"仿宋_GB2312", "黑体", "方正小标宋简体"}
    assert all(r._element.rPr.rFonts.get(qn("w:ascii")) for r in runs)
    heading_run = next(p for p in paragraphs if p.style.name == "Heading 1").runs[0]
    assert heading_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.get(qn("w:asciiTheme")) is None

    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert abs(section.left_margin - Cm(2.8)) < Cm(0.01)
    assert "PAGE" in section.footer.paragraphs[0]._element.xml


# ---------------------------------------------------------------------------------------
# The command and the registry


def test_renderers_are_registered():
    assert PLANNED_FORMATS == ()
    xlsx, docx = RENDERERS["xlsx"], RENDERERS["docx"]
    assert xlsx.binary and docx.binary
    assert (xlsx.extension, docx.extension) == ("xlsx", "docx")
    assert xlsx.content_type.endswith("spreadsheetml.sheet")
    assert docx.content_type.endswith("wordprocessingml.document")


def test_command_writes_xlsx_and_docx(demo, tmp_path):
    workbook, draft = tmp_path / "f.xlsx", tmp_path / "f.docx"
    out = io.StringIO()
    call_command(
        "report", "--quarter", "2023Q3", "--format", "xlsx", "--output", workbook, stdout=out
    )
    call_command("report", "--quarter", "2023Q3", "--format", "docx", "--output", draft, stdout=out)
    assert str(workbook) in out.getvalue() and str(draft) in out.getvalue()
    book = openpyxl.load_workbook(workbook)
    assert book["明细"].max_row == 3 + 176
    texts = [p.text for p in Document(str(draft)).paragraphs]
    assert any(REFERENCE_NARRATIVE in t for t in texts)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_binary_formats_need_an_output_file(db, fmt):
    with pytest.raises(CommandError, match="须用 --output 指定输出文件"):
        call_command("report", "--quarter", "2023Q3", "--format", fmt, stdout=io.StringIO())
