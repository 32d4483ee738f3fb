"""Files the import refuses as a whole: each gets a clear Chinese message and the database
is left untouched."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import openpyxl.xml
import pytest

from suggestions import imports
from suggestions.models import Event
from suggestions.models import Suggestion
from tests.suggestions import test_import_rows
from tests.suggestions.test_import_rows import HEADERS
from tests.suggestions.test_import_rows import good_row
from tests.suggestions.test_import_rows import xlsx

people = test_import_rows.people


def refused(data: bytes, office, filename: str = "建议.xlsx") -> str:
    """The message the import gives for `data`, after checking nothing was written."""
    with pytest.raises(imports.ImportFileError) as problem:
        imports.import_file(data, actor=office, filename=filename)
    assert not Suggestion.objects.exists() and not Event.objects.exists()
    return problem.value.message


def rezip(data: bytes, *, add: dict[str, bytes] = (), drop=(), edit=None) -> bytes:
    """A copy of the .xlsx package with members added, dropped or edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename in drop:
                continue
            content = source.read(item.filename)
            if edit and item.filename in edit:
                content = edit[item.filename](content)
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in dict(add).items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ole(*stream_names: str) -> bytes:
    """The start of an OLE compound file whose directory names the given streams."""
    header = imports.OLE_MAGIC + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in stream_names)
    return header + directory + bytes(2048)


@pytest.fixture
def good(people) -> bytes:
    return xlsx([good_row(1), good_row(2)])


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_good_file_is_accepted(good, office):
    assert imports.import_file(good, actor=office).imported


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "编号,标题\n1,关于\n".encode(),
        b"<html><body><table></table></body></html>",
    ],
)
def test_not_a_spreadsheet(office, data):
    assert refused(data, office).startswith("文件不是Excel工作簿（.xlsx），无法读取。")


def test_a_csv_file_is_told_how_to_resave(office):
    message = refused("编号,标题\n1,关于\n".encode(), office, filename="建议.csv")
    assert "另存为”Excel 工作簿(*.xlsx)" in message


def test_another_zip_package(office):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(data.getvalue(), office).startswith("文件不是Excel工作簿（可能是Word文档")


def test_a_damaged_xlsx(good, office):
    message = refused(good[: len(good) // 2], office)
    assert message.startswith("文件已损坏或不是完整的Excel工作簿")
    message = refused(rezip(good, drop={"xl/_rels/workbook.xml.rels"}), office)
    assert message.startswith("文件已损坏或格式不正确，无法读取。")


def test_the_old_xls_format_says_how_to_resave(office):
    message = refused(ole("Root Entry", "Workbook", "\x05SummaryInformation"), office, "建议.xls")
    assert message.startswith("这是旧版Excel 97-2003格式（.xls）的文件，系统只接受.xlsx。")
    assert "“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”" in message


def test_a_password_protected_workbook(office):
    data = ole("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    message = refused(data, office)
    assert message.startswith("文件设置了打开密码，系统无法读取。")
    assert "清空密码并保存后重新上传" in message


def test_a_macro_enabled_workbook(good, office):
    types = b'<Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
    data = rezip(
        good,
        add={"xl/vbaProject.bin": b"\0" * 64},
        edit={"[Content_Types].xml": lambda c: c.replace(b"</Types>", types + b"</Types>")},
    )
    assert refused(data, office, "建议.xlsm").startswith("这是启用宏的工作簿（.xlsm）")
    # Renamed to .xlsx, the package still tells.
    assert refused(data, office, "建议.xlsx").startswith("这是启用宏的工作簿（.xlsm）")


def test_an_empty_file(office):
    assert refused(b"", office) == "文件是空的（0字节），请选择填写好的Excel文件（.xlsx）。"


def test_an_empty_workbook(office):
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    assert refused(out.getvalue(), office) == "文件中没有任何内容。请下载导入模板，填写后再上传。"


def test_headers_without_rows(people, office):
    assert refused(xlsx([]), office) == "文件中没有数据行：第1行是表头，其下没有填写任何建议。"


def test_wrong_headers(people, office):
    message = refused(xlsx([{"名称": "x"}], ["名称", "日期", "备注"]), office)
    assert message.startswith("未找到表头：前10行中没有“标题”“领衔代表”等列名。")
    assert "编号、类别、提出时间、标题、领衔代表、收到日期" in message


def test_headers_missing_a_required_column(people, office):
    headers = [h for h in HEADERS if h != "领衔代表"]
    message = refused(xlsx([good_row(1)], headers), office)
    assert message.startswith("表头缺少必填列：领衔代表（在第1行找到的表头为：")


def test_a_column_twice(people, office):
    message = refused(xlsx([good_row(1)], [*HEADERS, "标题"]), office)
    assert message == "表头中“标题”出现了不止一次，请删除重复的列。"


def test_over_10_mb(office):
    data = imports.ZIP_MAGIC + bytes(imports.MAX_FILE_BYTES)
    message = refused(data, office)
    assert message.startswith("文件大小为10.0 MB，超过10 MB的上限。")


def test_over_20000_rows(people, office):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("建议")
    ws.append(HEADERS)
    row = [good_row(1)[h] for h in HEADERS]
    for number in range(1, imports.MAX_ROWS + 2):
        row[0] = number
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    assert refused(out.getvalue(), office) == (
        "文件超过20000行数据，请分成多个文件，每个不超过20000行后分批导入。"
    )


def test_a_huge_total_uncompressed_size_is_refused(good, office, monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    padded = rezip(good, add={"xl/media/a.bin": bytes(range(256)) * 8 * 1024})
    assert refused(padded, office).startswith("文件解压后的内容异常庞大")


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def with_bomb(content: bytes) -> bytes:
    body = content.split(b"?>", 1)[-1]
    cell = b"<row r='9'><c r='F9' t='inlineStr'><is><t>&lol3;</t></is></c></row>"
    return BOMB + body.replace(b"</sheetData>", cell + b"</sheetData>")


def test_an_xml_entity_bomb_in_a_sheet_is_refused(good, office):
    """Sheets are parsed by defusedxml, which refuses entity declarations."""
    data = rezip(good, edit={"xl/worksheets/sheet1.xml": with_bomb})
    assert refused(data, office).startswith("文件已损坏或格式不正确，无法读取。")


def test_an_xml_entity_bomb_elsewhere_is_never_expanded(good, office):
    """The other parts are parsed by lxml with entities left unresolved."""
    data = rezip(good, edit={"xl/workbook.xml": with_bomb})
    report = imports.validate_file(data)
    assert report.ok and len(report.rows) == 2


def test_formula_cells(people, office):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([good_row(1)[h] for h in HEADERS])
    ws.append([good_row(2)[h] for h in HEADERS])
    ws["F2"] = '=CONCATENATE("关于","的建议")'
    ws["A3"] = "=A2+1"
    out = io.BytesIO()
    wb.save(out)
    message = refused(out.getvalue(), office)
    assert message.startswith("F2、A3单元格是公式，系统只导入数值。")
    assert "“选择性粘贴 → 数值”" in message


def test_merged_cells_in_the_data_area(people, office):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年代表建议汇总"])
    ws.merge_cells("A1:K1")  # a merged title above the header is fine
    ws.append(HEADERS)
    for number in (1, 2, 3):
        ws.append([good_row(number)[h] for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    assert imports.validate_file(out.getvalue()).ok

    ws.merge_cells("I3:I4")  # the same deputy for two rows
    out = io.BytesIO()
    wb.save(out)
    message = refused(out.getvalue(), office)
    assert message.startswith("数据区域有合并单元格（I3:I4），无法按行导入。")
