"""The reader on python-calamine gives every cell the value openpyxl gave, and what
calamine cannot say (formulas, error cells, how far a sheet reaches) is read from the
sheet's XML before calamine loads it."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.chart import BarChart
from openpyxl.chart import Reference

from suggestions import imports
from suggestions.imports import files
from suggestions.imports.columns import _as_int
from suggestions.imports.columns import clean_text
from tests.suggestions import test_import_rows
from tests.suggestions.test_import_files import refused
from tests.suggestions.test_import_files import rezip
from tests.suggestions.test_import_rows import HEADERS
from tests.suggestions.test_import_rows import good_row
from tests.suggestions.test_import_rows import xlsx

people = test_import_rows.people
TITLE = HEADERS.index("标题")

# (value written, number format or None)
CELLS = [
    (1, None),
    (1.0, None),
    (1.5, None),
    (-3, None),
    (45000, None),
    (20230315, None),
    (12345678901234567890, None),
    ("001", None),
    ("  2024建012 ", None),
    ("2023年3月15日", None),
    (dt.datetime(2023, 3, 15), None),
    (dt.datetime(2023, 3, 15), 'yyyy"年"m"月"d"日"'),
    (dt.datetime(2023, 3, 15), "m/d/yy"),
    (dt.datetime(2023, 3, 15, 10, 30), None),
    (dt.date(2023, 3, 15), None),
    (dt.time(10, 30), None),
    (True, None),
    (False, None),
    ("#N/A", None),  # openpyxl writes it as an error value, as Excel does when typed
]


def sheet_with(values: list) -> bytes:
    """The template's headers, then one good row per value, with the value as its title."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for number, (value, number_format) in enumerate(values, 1):
        ws.append([good_row(number)[h] for h in HEADERS])
        cell = ws.cell(row=number + 1, column=TITLE + 1, value=value)
        if number_format:
            cell.number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def openpyxl_values(data: bytes, column: int) -> list:
    """What the reader gave before: openpyxl read-only, values only."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
    try:
        return [row[column] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()


def test_every_kind_of_cell_reads_as_openpyxl_read_it():
    data = sheet_with(CELLS)
    before = openpyxl_values(data, TITLE)
    after = [values[imports.HEADERS["标题"]] for _, values in imports.read_sheet(data).rows]
    assert len(after) == len(before) == len(CELLS)
    for (written, _), old, new in zip(CELLS, before, after, strict=True):
        assert clean_text(new) == clean_text(old), written
        assert imports.parse_date(new) == imports.parse_date(old), written
        assert _as_int(new) == _as_int(old), written
        assert isinstance(new, bool) == isinstance(old, bool), written
    assert after[:2] == [1, 1] and type(after[0]) is int and type(after[1]) is int
    assert after[7] == "001" and after[18] == "#N/A"
    assert imports.parse_date(after[11]) == dt.date(2023, 3, 15)  # 2023年3月15日 format


def test_the_imported_columns_get_the_same_values(people):
    """Numbers written as floats, dates as midnight datetimes, and the number as text
    "001": the rows check out to the same values either way."""
    row = good_row(1, 编号=7.0, 年度=2024.0, 收到日期=dt.datetime(2024, 1, 15))
    report = imports.validate_file(xlsx([row, good_row(2, 编号="002")]))
    assert report.ok
    first, second = report.rows
    assert (first.number, first.year, first.received_on) == (7, 2024, dt.date(2024, 1, 15))
    assert second.number == 2


def test_data_below_blank_rows_and_right_of_a_blank_column(people):
    wb = openpyxl.Workbook()
    ws = wb.active
    for column, header in enumerate(HEADERS, 3):  # from column C, on row 4
        ws.cell(row=4, column=column, value=header)
    for column, header in enumerate(HEADERS, 3):
        ws.cell(row=7, column=column, value=good_row(1)[header])
    out = io.BytesIO()
    wb.save(out)
    raw = imports.read_sheet(out.getvalue())
    assert raw.header_row == 4 and min(raw.columns) == 2
    assert [number for number, _ in raw.rows] == [7]


def test_hidden_and_chart_sheets_are_passed_over(people):
    wb = openpyxl.Workbook()
    chart_data = wb.active
    chart_data.title = "图表数据"
    chart_data.sheet_state = "hidden"
    chart_data.append(["a", 1])
    chart = BarChart()
    chart.add_data(Reference(chart_data, min_col=2, min_row=1, max_row=1))
    wb.create_chartsheet("图表", 0).add_chart(chart)
    ws = wb.create_sheet("建议")
    ws.append(HEADERS)
    ws.append([good_row(1)[h] for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    raw = imports.read_sheet(out.getvalue())
    assert raw.sheet == "建议" and len(raw.rows) == 1


def relative_targets(data: bytes) -> bytes:
    """The package with the sheets' targets relative to xl/, as Excel writes them
    (openpyxl writes them from the package root)."""
    moved = rezip(
        data,
        edit={
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b'Target="/xl/worksheets/', b'Target="worksheets/'
            )
        },
    )
    assert moved != data
    return moved


def test_sheet_paths_relative_to_the_workbook(people):
    assert len(imports.read_sheet(relative_targets(xlsx([good_row(1)]))).rows) == 1
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([good_row(1)[h] for h in HEADERS])
    ws["F2"] = "=A2"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(imports.ImportFileError) as problem:
        imports.read_sheet(relative_targets(out.getvalue()))  # the sheet's XML is found
    assert problem.value.message.startswith("F2单元格是公式")


class NoCalamine:
    @classmethod
    def from_filelike(cls, *args, **kwargs):
        raise AssertionError("calamine must not open this file")


def test_a_zip_bomb_is_refused_before_calamine_opens_it(people, office, monkeypatch):
    monkeypatch.setattr(files, "CalamineWorkbook", NoCalamine)
    bomb = rezip(xlsx([good_row(1)]), add={"xl/media/padding.bin": b"\0" * (50 * 1024 * 1024)})
    assert refused(bomb, office).startswith("文件解压后的内容异常庞大（疑似“压缩炸弹”）")


def test_a_sheet_reaching_too_far_is_refused_before_calamine_loads_it(people, office, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([good_row(1)[h] for h in HEADERS])
    ws["XFD1048576"] = "x"  # one stray value: 17 billion cells for calamine's range
    out = io.BytesIO()
    wb.save(out)
    loaded = []
    real = files.CalamineWorkbook

    class Watched:
        @classmethod
        def from_filelike(cls, source):
            book = real.from_filelike(source)

            class Book:
                sheets_metadata = book.sheets_metadata

                def get_sheet_by_name(self, name):
                    loaded.append(name)
                    return book.get_sheet_by_name(name)

                def close(self):
                    book.close()

            return Book()

    monkeypatch.setattr(files, "CalamineWorkbook", Watched)
    assert refused(out.getvalue(), office) == (
        "工作表“Sheet”的内容延伸到第1048576行、第XFD列，范围过大，无法读取。"
        "请删除表格下方和右侧多余的内容（选中多余的行或列后“删除”），保存后重新上传。"
    )
    assert loaded == []
    assert imports.validate_file(xlsx([good_row(1)])).ok and loaded == ["建议"]


def test_20000_rows_reaching_column_z_are_read(people):
    """The reach limit leaves room for a full file: 20,000 rows, 26 columns."""
    assert files.MAX_SHEET_CELLS > 20_000 * 26 * 2
