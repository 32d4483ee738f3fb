"""Reading the file: what is refused before parsing (size, format, zip directory), what is
refused in the sheet (merged cells, formulas), and the search for the sheet and its header
row. Every refusal is an ImportFileError whose message tells the user what to do.

The cells are read by python-calamine (Rust): 10,000 rows take about a tenth of the time
openpyxl's read-only mode took (bench/README.md). What calamine does not say is read from
the sheet's own XML in one streaming pass before calamine loads the sheet (`_scan_sheet`):

- formulas: calamine returns a formula cell's cached value, never the formula;
- error cells (#N/A typed as a value): calamine returns "" where openpyxl returned the
  code, so the codes are put back from the XML and a cell keeps the value it had;
- how far the sheet reaches: calamine holds the whole used range in memory, so a sheet
  reaching past MAX_SHEET_CELLS (a stray value at XFD1048576) is refused before loading;
- entity declarations (an XML bomb): refused, as openpyxl's defusedxml refused them;
- merged ranges: calamine reports them too, but the same pass finds them in the order and
  with the references ("I3:I4") the message has always given.

The sheets' paths in the package come from xl/workbook.xml and its relationships, parsed
by lxml with entities never resolved. openpyxl is not used to read the file at all.
Calamine gives whole numbers as floats, blank cells as "" and midnight dates as dates;
`_cell` turns them into what openpyxl gave (1.0 → 1, "" → None), and columns.py parses
a date and a midnight datetime alike."""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

import openpyxl.utils
from lxml import etree
from python_calamine import CalamineWorkbook
from python_calamine import SheetTypeEnum
from python_calamine import SheetVisibleEnum

from suggestions.imports.columns import HEADERS
from suggestions.imports.columns import REQUIRED_HEADERS
from suggestions.imports.columns import clean_text

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# The zip directory is checked before anything is decompressed: a real .xlsx of at most
# MAX_FILE_BYTES unpacks to well under this, and its parts compress at most ~20:1.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 500
HEADER_SEARCH_ROWS = 10
MAX_LISTED_CELLS = 10
# Calamine holds a sheet's used range (first to last cell with a value, rows x columns)
# in memory, ~25 bytes a cell: 5M cells is 20,000 rows by 250 columns, ~125 MB.
MAX_SHEET_CELLS = 5_000_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

GUIDE_SHEET = "填写说明"  # the template's instructions, never read as data
DAMAGED = (
    "文件已损坏或格式不正确，无法读取。请在Excel中打开并另存为.xlsx后重试，或下载导入模板重新填写。"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the user what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def file_size_limit() -> str:
    """MAX_FILE_BYTES as the messages write it: "10 MB"."""
    return f"{MAX_FILE_BYTES / 1024 / 1024:g} MB"


def file_too_big(size: int) -> str:
    """How every refusal of a file over the limit begins; the reader, the upload page and
    the command each go on in their own words."""
    return f"文件大小为{size / 1024 / 1024:.1f} MB，超过{file_size_limit()}的上限"


# ---------------------------------------------------------------------------------------
# Before parsing: the bytes and the zip directory


def check_file(data: bytes, filename: str = "") -> None:
    """Refuse what is not a plain .xlsx, from its bytes and zip directory only."""
    if not data:
        raise ImportFileError("文件是空的（0字节），请选择填写好的Excel文件（.xlsx）。")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{file_too_big(len(data))}。"
            f"请删除无关的工作表、图片后重试，或分成多个文件（每个不超过{MAX_ROWS}行）导入。"
        )
    if data.startswith(OLE_MAGIC):
        _refuse_ole(data)
    if not data.startswith(ZIP_MAGIC):
        _refuse_not_zip(filename.lower())
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            "文件已损坏或不是完整的Excel工作簿，无法读取。请在Excel中打开并另存为.xlsx后重试。"
        ) from exc
    with archive:
        members = archive.infolist()
        _check_zip_directory(members, len(data))
        _check_package(archive, {m.filename for m in members}, filename.lower())


def _refuse_ole(data: bytes) -> NoReturn:
    """An OLE container: an encrypted .xlsx or an old .xls."""
    if _is_encrypted_ooxml(data):
        raise ImportFileError(
            "文件设置了打开密码，系统无法读取。请在Excel中打开文件，选择“文件 → 信息 → "
            "保护工作簿 → 用密码进行加密”，清空密码并保存后重新上传。"
        )
    raise ImportFileError(
        "这是旧版Excel 97-2003格式（.xls）的文件，系统只接受.xlsx。请在Excel中打开，选择"
        "“文件 → 另存为”，保存类型选“Excel 工作簿(*.xlsx)”（WPS：“文件 → 另存为 → "
        "Excel文件(*.xlsx)”），再上传另存的文件。"
    )


def _refuse_not_zip(name: str) -> NoReturn:
    if name.endswith(".csv") or name.endswith(".txt"):
        raise ImportFileError(
            "这是文本文件（CSV），不是Excel工作簿。请用Excel打开后“另存为”"
            "Excel 工作簿(*.xlsx)，或下载导入模板重新填写。"
        )
    raise ImportFileError(
        "文件不是Excel工作簿（.xlsx），无法读取。请下载导入模板，填写后保存为.xlsx再上传。"
    )


def _check_package(archive: zipfile.ZipFile, names: set[str], name: str) -> None:
    """A zip that is not a plain workbook: .ods, .xlsb, another zip, or one with macros."""
    if "mimetype" in names and "content.xml" in names:
        raise ImportFileError(
            "这是OpenDocument表格（.ods），系统只接受.xlsx。请在WPS或LibreOffice中"
            "“另存为”Excel 工作簿(*.xlsx)后重新上传。"
        )
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise ImportFileError(
                "这是Excel二进制工作簿（.xlsb），系统只接受.xlsx。请在Excel中“另存为”"
                "Excel 工作簿(*.xlsx)后重新上传。"
            )
        raise ImportFileError(
            "文件不是Excel工作簿（可能是Word文档或其他压缩文件），请上传.xlsx格式的Excel文件。"
        )
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if "xl/vbaProject.bin" in names or b"macroEnabled" in content_types or name.endswith(".xlsm"):
        raise ImportFileError(
            "这是启用宏的工作簿（.xlsm），为安全起见系统不接受含宏的文件。请在Excel中"
            "“另存为”Excel 工作簿(*.xlsx)（不含宏）后重新上传。"
        )


def _is_encrypted_ooxml(data: bytes) -> bool:
    """An encrypted .xlsx is an OLE container with EncryptionInfo/EncryptedPackage streams
    (the directory entries hold their names in UTF-16)."""
    return "EncryptedPackage".encode("utf-16-le") in data or (
        "EncryptionInfo".encode("utf-16-le") in data
    )


def _check_zip_directory(members: Sequence[zipfile.ZipInfo], size: int) -> None:
    bomb = ImportFileError(
        "文件解压后的内容异常庞大（疑似“压缩炸弹”），为保护系统已拒绝读取。"
        "请使用导入模板重新填写后上传。"
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise bomb
    total = 0
    for member in members:
        total += member.file_size
        if (
            member.file_size > RATIO_CHECK_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise bomb
    if total > MAX_UNCOMPRESSED_BYTES or (
        total > RATIO_CHECK_FROM_BYTES and total > MAX_COMPRESSION_RATIO * size
    ):
        raise bomb


# ---------------------------------------------------------------------------------------
# What calamine does not say, from the sheet's XML

_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="(([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?)"')
# A cell whose first child is a formula: <c r="F2" t="str"><f>…</f><v>…</v></c>.
_FORMULA_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b")
# An error value: <c r="K5" t="e"><v>#N/A</v></c> (a formula's error is refused anyway).
_ERROR_RE = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>\s*<(?:\w+:)?v>([^<]*)<')
_REF_RE = re.compile(rb'\br="([A-Z]+)(\d+)"')
# How far the sheet reaches: its last reference (rows come in order), and any cell with a
# value past column Z (an empty formatted cell ends in "/>" and calamine skips it).
_LAST_REF_RE = re.compile(rb' r="[A-Z]*(\d+)"')
_WIDE_REF_RE = re.compile(rb'r="([A-Z]{2,3})\d+"([^>]*)>')
_ENTITY_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


@dataclass
class _SheetScan:
    merged: list[tuple[str, int, int]]  # (ref, first row, last row)
    formulas: list[tuple[str, int]]  # (column letter, row); ("", 0) when the cell has no ref
    errors: dict[tuple[int, int], str]  # (row, 0-based column) → "#N/A"
    rows: int = 0  # the last row number
    columns: int = 26  # at least A–Z


def _scan_sheet(archive: zipfile.ZipFile, path: str) -> _SheetScan:
    """Merged ranges, formula and error cells and the sheet's reach, found in its XML in one
    streaming pass. Each regular expression runs only on the chunks a plain substring
    search says may hold a match: a 20,000-row sheet is scanned in about 0.1 s."""
    scan = _SheetScan([], [], {})
    merged: dict[tuple[str, int, int], None] = {}
    formulas: dict[tuple[str, int], None] = {}
    tail = b""
    with archive.open(path) as source:
        while chunk := source.read(1 << 20):
            buffer = tail + chunk
            if _ENTITY_RE.search(buffer):
                raise ImportFileError(DAMAGED)
            if b"mergeCell" in buffer:
                for match in _MERGE_RE.finditer(buffer):
                    first = int(match.group(3))
                    merged[(match.group(1).decode(), first, int(match.group(5) or first))] = None
            if b"<f" in buffer or b":f" in buffer:
                for match in _FORMULA_RE.finditer(buffer):
                    ref = _REF_RE.search(match.group(1))
                    key = (ref.group(1).decode(), int(ref.group(2))) if ref else ("", 0)
                    formulas[key] = None
            _scan_values(buffer, scan)
            tail = buffer[-1024:]
    scan.merged, scan.formulas = list(merged), list(formulas)
    return scan


def _scan_values(buffer: bytes, scan: _SheetScan) -> None:
    if b't="e"' in buffer:
        for match in _ERROR_RE.finditer(buffer):
            ref = _REF_RE.search(match.group(1))
            if ref:
                column = openpyxl.utils.column_index_from_string(ref.group(1).decode()) - 1
                scan.errors[(int(ref.group(2)), column)] = match.group(2).decode()
    last = _LAST_REF_RE.match(buffer, max(buffer.rfind(b' r="'), 0))
    if last:
        scan.rows = max(scan.rows, int(last.group(1)))
    for match in _WIDE_REF_RE.finditer(buffer):
        if not match.group(2).endswith(b"/"):
            column = openpyxl.utils.column_index_from_string(match.group(1).decode())
            scan.columns = max(scan.columns, column)


def _listed(refs: list[str]) -> str:
    more = "等" if len(refs) > MAX_LISTED_CELLS else ""
    return "、".join(refs[:MAX_LISTED_CELLS]) + more


def _refuse_merges_and_formulas(scan: _SheetScan, header_row: int, columns: dict) -> None:
    merged = [ref for ref, _, last in scan.merged if last > header_row]
    if merged:
        raise ImportFileError(
            f"数据区域有合并单元格（{_listed(merged)}），无法按行导入。请选中整个表格，取消"
            "“合并后居中”，并在每一行填写完整后重新上传。"
        )
    letters = {openpyxl.utils.get_column_letter(index + 1) for index in columns}
    formulas = [
        f"{letter}{row}"
        for letter, row in scan.formulas
        if not letter or (row > header_row and letter in letters)
    ]
    if formulas:
        where = _listed([f for f in formulas if f != "0"]) or "部分"
        raise ImportFileError(
            f"{where}单元格是公式，系统只导入数值。请选中这些单元格，复制后"
            "“选择性粘贴 → 数值”，保存后重新上传。"
        )


def _refuse_a_sheet_too_far(scan: _SheetScan, name: str) -> None:
    if scan.rows * scan.columns > MAX_SHEET_CELLS:
        last = openpyxl.utils.get_column_letter(scan.columns)
        raise ImportFileError(
            f"工作表“{name}”的内容延伸到第{scan.rows}行、第{last}列，范围过大，无法读取。"
            "请删除表格下方和右侧多余的内容（选中多余的行或列后“删除”），保存后重新上传。"
        )


# ---------------------------------------------------------------------------------------
# The workbook's sheets


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the package, from xl/workbook.xml and its relationships
    (lxml, entities never resolved)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter("{*}Relationship")}
    workbook = etree.fromstring(archive.read("xl/workbook.xml"), parser)
    paths: dict[str, str] = {}
    for sheet in workbook.iter("{*}sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id, "")
        if target:
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            paths[sheet.get("name")] = posixpath.normpath(path)
    return paths


class _Workbook:
    """The calamine workbook and the package it was read from; each sheet is scanned, then
    loaded, at most once."""

    def __init__(self, data: bytes):
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.paths = _sheet_paths(self.archive)
        self.scans: dict[str, _SheetScan] = {}
        self.rows: dict[str, list[list]] = {}

    def worksheets(self) -> list[tuple[str, bool]]:
        """(name, visible) of every worksheet (not chart sheets), in workbook order."""
        return [
            (meta.name, meta.visible == SheetVisibleEnum.Visible)
            for meta in self.book.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        ]

    def scan(self, name: str) -> _SheetScan:
        if name not in self.scans:
            path = self.paths.get(name)
            self.scans[name] = _scan_sheet(self.archive, path) if path else _SheetScan([], [], {})
        return self.scans[name]

    def cells(self, name: str) -> list[list]:
        """Every row from row 1 and column A as calamine gives it (a blank cell is "", see
        `_cell`), with the error codes put back."""
        if name not in self.rows:
            scan = self.scan(name)
            _refuse_a_sheet_too_far(scan, name)
            rows = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for (row, column), code in scan.errors.items():
                if row <= len(rows) and column < len(rows[row - 1]):
                    rows[row - 1][column] = code
            self.rows[name] = rows
        return self.rows[name]

    def close(self) -> None:
        self.book.close()
        self.archive.close()


def _cell(value):
    """A calamine value as openpyxl gave it: a blank cell is None, a whole number an int."""
    if value == "":
        return None
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# ---------------------------------------------------------------------------------------
# The sheet, its header row and its data rows


@dataclass
class RawSheet:
    sheet: str
    header_row: int
    columns: dict[int, str]  # 0-based column index → column key
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (sheet row number, key → cell value)


@dataclass
class _Header:
    sheet: str
    row: int
    headers: dict[int, str]  # 0-based column index → header
    ignored: list[str]


def normalize_header(value) -> str:
    """“ 联名代表（、分隔）* ” → “联名代表”: spaces, marks and explanations are ignored."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\(.*?\)$", "", text)
    return text.strip("*")


def read_sheet(data: bytes, filename: str = "") -> RawSheet:
    """Check the file, find the sheet and its header row, and read the data rows."""
    check_file(data, filename)
    try:
        workbook = _Workbook(data)
    except Exception as exc:  # calamine, zipfile and lxml raise many kinds for a damaged file
        raise ImportFileError(DAMAGED) from exc
    try:
        return _read_workbook(workbook)
    except ImportFileError:
        raise
    except Exception as exc:  # the sheets are parsed only now
        raise ImportFileError(DAMAGED) from exc
    finally:
        workbook.close()


def _read_workbook(workbook: _Workbook) -> RawSheet:
    header = _find_sheet(workbook)
    _check_headers(header)
    columns = {index: HEADERS[name] for index, name in header.headers.items()}
    _refuse_merges_and_formulas(workbook.scan(header.sheet), header.row, columns)
    rows = _read_rows(workbook.cells(header.sheet), header.row, columns)
    return RawSheet(header.sheet, header.row, columns, header.ignored, rows)


def _find_sheet(workbook: _Workbook) -> _Header:
    """The first visible sheet with every required header, else the one naming most
    columns."""
    sheets = workbook.worksheets()
    candidates = [name for name, visible in sheets if visible and name != GUIDE_SHEET] or [
        name for name, _ in sheets
    ]
    if not candidates:
        raise ImportFileError("文件中没有工作表。请下载导入模板重新填写。")
    best = None
    for name in candidates:
        found = _find_header(name, workbook.cells(name))
        if found is None:
            continue
        if best is None or len(found.headers) > len(best.headers):
            best = found
        if all(h in found.headers.values() for h in REQUIRED_HEADERS):
            return found
    if best is not None:
        return best
    if all(_is_blank_sheet(workbook.cells(name)) for name in candidates):
        raise ImportFileError("文件中没有任何内容。请下载导入模板，填写后再上传。")
    raise ImportFileError(
        f"未找到表头：前{HEADER_SEARCH_ROWS}行中没有“标题”“领衔代表”等列名。请使用导入模板，"
        f"表头须包含：{'、'.join(REQUIRED_HEADERS)}。"
    )


def _check_headers(header: _Header) -> None:
    names = list(header.headers.values())
    missing = [h for h in REQUIRED_HEADERS if h not in names]
    if missing:
        raise ImportFileError(
            f"表头缺少必填列：{'、'.join(missing)}（在第{header.row}行找到的表头为："
            f"{'、'.join(names)}）。请使用导入模板，或补上这些列。"
        )
    duplicates = sorted({h for h in names if names.count(h) > 1})
    if duplicates:
        raise ImportFileError(f"表头中“{'、'.join(duplicates)}”出现了不止一次，请删除重复的列。")


def _read_rows(
    cells: list[list], header_row: int, columns: dict[int, str]
) -> list[tuple[int, dict]]:
    """The rows below the header that hold anything, as (sheet row number, key → value)."""
    rows: list[tuple[int, dict[str, object]]] = []
    for row_number, row in enumerate(cells[header_row:], header_row + 1):
        values = {
            key: value
            for index, key in columns.items()
            if index < len(row) and (value := _cell(row[index])) is not None
        }
        if not any(clean_text(v) for v in values.values()):
            continue
        rows.append((row_number, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                f"文件超过{MAX_ROWS}行数据，请分成多个文件，每个不超过{MAX_ROWS}行后分批导入。"
            )
    if not rows:
        raise ImportFileError(f"文件中没有数据行：第{header_row}行是表头，其下没有填写任何建议。")
    return rows


def _is_blank_sheet(cells: list[list]) -> bool:
    return not any(clean_text(v) for row in cells[:HEADER_SEARCH_ROWS] for v in row)


def _find_header(name: str, cells: list[list]) -> _Header | None:
    """The first row among the top rows that names at least three known columns."""
    for number, row in enumerate(cells[:HEADER_SEARCH_ROWS], 1):
        headers: dict[int, str] = {}
        ignored: list[str] = []
        for index, value in enumerate(row):
            header = normalize_header(value)
            if header in HEADERS:
                headers[index] = header
            elif header:
                ignored.append(header)
        if len(headers) >= 3:
            return _Header(name, number, headers, ignored)
    return None
