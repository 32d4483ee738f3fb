"""The import template: the sheet to fill (headers with their help, drop-down lists, one
example row), the instructions, and two hidden sheets holding the lists: 选项 (the fixed
choices and the sessions) and 名单 (the deputies in office, the main source of typos).

Both visible sheets print on A4 landscape, one page wide, the header row on every page."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.db.models import Count
from django.utils import timezone
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from departments.models import CongressSession
from departments.models import Deputy
from suggestions.imports.columns import COLUMN_BY_KEY
from suggestions.imports.columns import COLUMNS
from suggestions.imports.columns import EXAMPLE_MARK
from suggestions.imports.columns import FIRST_YEAR
from suggestions.imports.columns import LAST_YEAR
from suggestions.imports.files import GUIDE_SHEET
from suggestions.imports.files import MAX_ROWS
from suggestions.imports.files import file_size_limit
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Topic

DATE_FORMAT = "yyyy-mm-dd"
FORMATTED_DATE_ROWS = 200  # rows below the example whose date cells are pre-formatted
LIST_PROMPTS = {
    "kind": "请从列表中选择类别",
    "source": "请从列表中选择：大会期间 / 闭会期间",
    "topic": "请从列表中选择主题分类",
    "session": "请从列表中选择会议；闭会期间留空",
}


def build_template() -> bytes:
    """The workbook users download, fill in and upload."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "建议"
    lists = wb.create_sheet("选项")
    roll = wb.create_sheet(ROLL_SHEET)
    guide = wb.create_sheet(GUIDE_SHEET)
    wb.move_sheet(guide, offset=-2)  # 建议, 填写说明, 选项, 名单

    sessions = list(CongressSession.objects.order_by("-starts_on").values_list("name", flat=True))
    deputies = deputy_roll()
    refs = _write_lists(lists, sessions) | _write_roll(roll, deputies)
    _write_headers(ws)
    _write_example(ws, sessions, deputies)
    _add_validations(ws, refs)
    _write_guide(guide)
    set_print_layout(ws, title_rows="1:1")
    set_print_layout(guide)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(key: str) -> str:
    return get_column_letter([c.key for c in COLUMNS].index(key) + 1)


def _write_lists(lists, sessions: list[str]) -> dict[str, str]:
    """The hidden sheet of drop-down options; returns each list's range by column key."""
    options = {
        "kind": [label for _, label in Kind.choices],
        "source": [label for _, label in Source.choices],
        "topic": [label for _, label in Topic.choices],
        "session": sessions,
    }
    refs = {}
    for col, (key, values) in enumerate(options.items(), 1):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=COLUMN_BY_KEY[key].header)
        for row, value in enumerate(values, 2):
            lists.cell(row=row, column=col, value=value)
        if values:
            refs[key] = f"选项!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"
    return refs


ROLL_SHEET = "名单"
DEPUTY_PROMPTS = {
    "lead_deputy": "请从下拉列表中选择在任代表；同名代表带有层级，如 张三（区人大代表）",
}
CO_SIGNERS_PROMPT = "多名代表用顿号“、”分隔，姓名须与领衔代表下拉列表中的写法一致"


def deputy_roll() -> list[str]:
    """The deputies in office as the import reads them: a name held by more than one
    deputy (in office or not) carries its level, which the import understands."""
    shared = set(
        Deputy.objects.values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    return [
        f"{d.name}（{d.get_level_display()}）" if d.name in shared else d.name
        for d in Deputy.objects.filter(is_active=True).order_by("name", "level", "id")
    ]


def _write_roll(roll, deputies: list[str]) -> dict[str, str]:
    """The hidden sheet 名单: one column of deputies' names; returns its range."""
    roll.cell(row=1, column=1, value="在任代表")
    roll.column_dimensions["A"].width = 24
    for row, name in enumerate(deputies, 2):
        roll.cell(row=row, column=1, value=name)
    roll.sheet_state = "hidden"
    if not deputies:
        return {}
    return {"lead_deputy": f"{ROLL_SHEET}!$A$2:$A${len(deputies) + 1}"}


# Printed: A4 landscape, one page wide however many pages long, "第 n 页，共 m 页" below
# (&P and &N are Excel's page fields).
PAGE_FOOTER = "第 &P 页，共 &N 页"


def set_print_layout(ws, *, title_rows: str = "") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.25
    ws.oddFooter.center.text = PAGE_FOOTER
    if title_rows:
        ws.print_title_rows = title_rows


def _write_headers(ws) -> None:
    """Required headers in red, optional in blue, each with its help as a comment."""
    header_font = Font(bold=True, color="FFFFFF")
    required_fill = PatternFill("solid", fgColor="C0392B")
    optional_fill = PatternFill("solid", fgColor="2E5E8C")
    for col, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=col, value=column.header)
        cell.font = header_font
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.comment = Comment(("必填。" if column.required else "选填。") + column.help, "系统")
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.freeze_panes = "A2"


def _write_example(ws, sessions: list[str], deputies: list[str]) -> None:
    """Row 2, in grey, marked 示例 in its number cell so that the import skips it."""
    year = timezone.localdate().year
    example = {
        "number": EXAMPLE_MARK,
        "year": year,
        "kind": Kind.SUGGESTION.label,
        "source": Source.SESSION.label,
        "session": sessions[0] if sessions else "区二届人大三次会议",
        "title": "关于加快老旧小区加装电梯的建议（示例行，导入时自动跳过）",
        "content": "建议内容……",
        "topic": Topic.HOUSING.label,
        "lead_deputy": deputies[0] if deputies else "张三",
        "co_signers": "李四、王五",
        "received_on": dt.date(year, 1, 15),
    }
    grey = Font(italic=True, color="808080")
    for col, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=2, column=col, value=example[column.key])
        cell.font = grey
        if column.key == "received_on":
            cell.number_format = DATE_FORMAT
    column = [c.key for c in COLUMNS].index("received_on") + 1
    for row in range(3, 3 + FORMATTED_DATE_ROWS):
        ws.cell(row=row, column=column).number_format = DATE_FORMAT


def _add_validations(ws, refs: dict[str, str]) -> None:
    """Drop-down lists for the choice columns, ranges for the year and the date, down to
    the last row a file may hold."""
    last = MAX_ROWS + 1
    for key, prompt in (LIST_PROMPTS | DEPUTY_PROMPTS).items():
        if key not in refs:
            continue
        letter = _letter(key)
        validation = DataValidation(type="list", formula1=f"={refs[key]}", allow_blank=True)
        validation.error = f"“{COLUMN_BY_KEY[key].header}”须从下拉列表中选择。" + (
            "名单中没有的代表请先在系统管理中添加。" if key in DEPUTY_PROMPTS else ""
        )
        validation.errorTitle = "输入不正确"
        validation.prompt = prompt
        validation.showErrorMessage = True
        validation.showInputMessage = True
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    # 联名代表 holds several names in one cell, which a list cannot check: a prompt only;
    # the import checks each name.
    co_signers = _letter("co_signers")
    prompt = DataValidation(allow_blank=True, showInputMessage=True, prompt=CO_SIGNERS_PROMPT)
    prompt.add(f"{co_signers}2:{co_signers}{last}")
    ws.add_data_validation(prompt)
    first_day = int(to_excel(dt.date(FIRST_YEAR, 1, 1)))  # 29221, as Excel counts days
    for key, kind, kwargs in (
        (
            "year",
            "whole",
            {"operator": "between", "formula1": str(FIRST_YEAR), "formula2": str(LAST_YEAR)},
        ),
        ("received_on", "date", {"operator": "greaterThan", "formula1": str(first_day)}),
    ):
        letter = _letter(key)
        validation = DataValidation(type=kind, allow_blank=True, **kwargs)
        validation.error = f"请填写正确的{COLUMN_BY_KEY[key].header}。"
        validation.errorTitle = "输入不正确"
        validation.showErrorMessage = True
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)


def _write_guide(ws) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 80
    ws.append(["代表建议导入模板 · 填写说明"])
    ws["A1"].font = Font(bold=True, size=14)
    notes = [
        "1. 在“建议”工作表中每行填写一件建议；表头不要修改，列的顺序可以调整，多余的列会被忽略。",
        "2. 第2行是示例（编号为“示例”），导入时自动跳过，可以保留或删除。",
        f"3. 每个文件不超过{MAX_ROWS}行、{file_size_limit()}；只接受.xlsx格式，"
        "不接受.xls、.xlsm和设置了密码的文件。",
        "4. 不要使用公式和合并单元格；从其他表格复制时请“选择性粘贴 → 数值”。",
        "5. 以年度、类别、编号识别一件建议：已登记且内容相同的行会跳过，"
        "重复导入同一文件不会重复登记。",
        "   如需用表格内容修改已登记、尚未交办的建议，请在导入页面勾选“更新已登记的待交办建议”。",
        "6. 导入前系统会逐行检查，有任何错误都不会导入；改正后重新上传即可。",
        "7. 承办单位在导入后由区政府办公室在系统中交办。",
        "8. 领衔代表从下拉列表中选择（系统中的在任代表）；联名代表的姓名须与列表中的写法一致，"
        "同名代表带有层级。",
    ]
    for note in notes:
        ws.append([note])
    ws.append([])
    ws.append(["列名", "是否必填", "填写要求"])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        ws.append([column.header, "必填" if column.required else "选填", column.help])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
