"""The import template: the sheet to fill (headers with their help, drop-down lists, one
example row), the instructions, and a hidden sheet holding the lists."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.utils import timezone
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

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
    guide = wb.create_sheet(GUIDE_SHEET)
    wb.move_sheet(guide, offset=-1)  # 建议, 填写说明, 选项

    sessions = list(CongressSession.objects.order_by("-starts_on").values_list("name", flat=True))
    refs = _write_lists(lists, sessions)
    _write_headers(ws)
    _write_example(ws, sessions)
    _add_validations(ws, refs)
    _write_guide(guide)
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


def _write_example(ws, sessions: list[str]) -> None:
    """Row 2, in grey, marked 示例 in its number cell so that the import skips it."""
    year = timezone.localdate().year
    deputy = Deputy.objects.filter(is_active=True).order_by("id").first()
    example = {
        "number": EXAMPLE_MARK,
        "year": year,
        "kind": Kind.SUGGESTION.label,
        "source": Source.SESSION.label,
        "session": sessions[0] if sessions else "区二届人大三次会议",
        "title": "关于加快老旧小区加装电梯的建议（示例行，导入时自动跳过）",
        "content": "建议内容……",
        "topic": Topic.HOUSING.label,
        "lead_deputy": deputy.name if deputy else "张三",
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
    for key, prompt in LIST_PROMPTS.items():
        if key not in refs:
            continue
        letter = _letter(key)
        validation = DataValidation(type="list", formula1=f"={refs[key]}", allow_blank=True)
        validation.error = f"请从下拉列表中选择{COLUMN_BY_KEY[key].header}。"
        validation.errorTitle = "输入不正确"
        validation.prompt = prompt
        validation.showErrorMessage = True
        validation.showInputMessage = True
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
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
