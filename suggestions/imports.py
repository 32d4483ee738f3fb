"""Excel import of suggestions: one reader and validator for the import page and the
`import_suggestions` command, the import template, and the bulk registration service.

The reader refuses a bad file before parsing it (size, format, zip directory); the
validator checks every row and reports every problem by row and column; the import runs
in one transaction and writes nothing unless every row is valid. A row is identified by
(year, kind, number): a row already registered with the same content is skipped, so
importing the same file twice creates nothing new; with `update`, a registered draft that
differs is updated through `services.suggestion_update`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history

from departments import roles
from departments.models import CongressSession, Deputy, User
from suggestions import services
from suggestions.models import Event, Kind, Source, Status, Suggestion, Topic

# ---------------------------------------------------------------------------------------
# Limits

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# The zip directory is checked before anything is decompressed: a real .xlsx of at most
# 10 MB unpacks to well under this, and its parts compress at most ~20:1.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 500
HEADER_SEARCH_ROWS = 10
MAX_NUMBER = 99_999
EXAMPLE_MARK = "示例"
MAX_LISTED_CELLS = 10

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# ---------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column(
        "number",
        "编号",
        True,
        "同一年度、同一类别内唯一的序号，如 12；也可填完整编号 2024建012",
        10,
    ),
    Column("year", "年度", False, "四位年份；留空时取收到日期的年份", 8),
    Column("kind", "类别", True, "从下拉列表选择：代表建议 / 代表集中联系社区意见建议", 16),
    Column("source", "提出时间", True, "从下拉列表选择：大会期间 / 闭会期间", 10),
    Column(
        "session",
        "会议",
        False,
        "大会期间提出的代表建议必填，如 区二届人大三次会议；闭会期间留空",
        22,
    ),
    Column("title", "标题", True, "不超过200字", 40),
    Column("content", "内容", False, "建议正文，可留空", 50),
    Column("topic", "主题分类", False, "从下拉列表选择；留空时为“其他”", 18),
    Column("lead_deputy", "领衔代表", True, "代表姓名，须与系统中的代表名单一致", 12),
    Column(
        "co_signers",
        "联名代表",
        False,
        "多名代表用顿号“、”分隔；同名代表写作 张三（区人大代表）",
        24,
    ),
    Column("received_on", "收到日期", True, "如 2023-03-15、2023/3/15 或 2023年3月15日", 12),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = {c.header: c.key for c in COLUMNS}
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]

KIND_LABELS = {
    **{label: value for value, label in Kind.choices},
    **{value: value for value in Kind.values},
    "建议": Kind.SUGGESTION,
    "社区意见建议": Kind.COMMUNITY_OPINION,
    "代表集中联系社区意见": Kind.COMMUNITY_OPINION,
}
SOURCE_LABELS = {
    **{label: value for value, label in Source.choices},
    **{label + "提出": value for value, label in Source.choices},
    **{value: value for value in Source.values},
    "大会": Source.SESSION,
    "闭会": Source.RECESS,
}
TOPIC_LABELS = {
    **{label: value for value, label in Topic.choices},
    **{value: value for value in Topic.values},
}
LEVEL_HINTS = {
    "市": Deputy.Level.CITY,
    "市人大代表": Deputy.Level.CITY,
    "市代表": Deputy.Level.CITY,
    "区": Deputy.Level.DISTRICT,
    "区人大代表": Deputy.Level.DISTRICT,
    "区代表": Deputy.Level.DISTRICT,
}

# ---------------------------------------------------------------------------------------
# Results


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the user what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTION_LABELS = {CREATE: "新增", UPDATE: "更新", UNCHANGED: "已登记，内容相同，跳过"}


@dataclass
class ParsedRow:
    row: int
    year: int
    kind: str
    number: int
    source: str
    session: CongressSession | None
    title: str
    content: str
    topic: str
    lead_deputy: Deputy
    co_signers: list[Deputy]
    received_on: dt.date
    existing: Suggestion | None = None
    action: str = CREATE

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.year, self.kind, self.number)

    @property
    def code(self) -> str:
        return Suggestion(year=self.year, kind=self.kind, number=self.number).code

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


# ---------------------------------------------------------------------------------------
# Reading the file


@dataclass
class RawSheet:
    sheet: str
    header_row: int
    columns: dict[int, str]  # 0-based column index → column key
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (sheet row number, key → cell value)


def normalize_header(value) -> str:
    """“ 联名代表（、分隔）* ” → “联名代表”: spaces, marks and explanations are ignored."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\(.*?\)$", "", text)
    return text.strip("*")


def _clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return str(value).strip()


def check_file(data: bytes, filename: str = "") -> None:
    """Refuse what is not a plain .xlsx, from its bytes and zip directory only."""
    name = filename.lower()
    if not data:
        raise ImportFileError("文件是空的（0字节），请选择填写好的Excel文件（.xlsx）。")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"文件大小为{len(data) / 1024 / 1024:.1f} MB，超过10 MB的上限。"
            f"请删除无关的工作表、图片后重试，或分成多个文件（每个不超过{MAX_ROWS}行）导入。"
        )
    if data.startswith(OLE_MAGIC):
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
    if not data.startswith(ZIP_MAGIC):
        if name.endswith(".csv") or name.endswith(".txt"):
            raise ImportFileError(
                "这是文本文件（CSV），不是Excel工作簿。请用Excel打开后“另存为”"
                "Excel 工作簿(*.xlsx)，或下载导入模板重新填写。"
            )
        raise ImportFileError(
            "文件不是Excel工作簿（.xlsx），无法读取。请下载导入模板，填写后保存为.xlsx再上传。"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            "文件已损坏或不是完整的Excel工作簿，无法读取。请在Excel中打开并另存为.xlsx后重试。"
        ) from exc
    with archive:
        members = archive.infolist()
        _check_zip_directory(members, len(data))
        names = {m.filename for m in members}
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
        content_types = (
            archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        )
        if (
            "xl/vbaProject.bin" in names
            or b"macroEnabled" in content_types
            or name.endswith(".xlsm")
        ):
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


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="(([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?)"')
# A cell whose first child is a formula: <c r="F2" t="str"><f>…</f><v>…</v></c>.
_FORMULA_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b")
_REF_RE = re.compile(rb'\br="([A-Z]+)(\d+)"')


@dataclass
class _SheetScan:
    merged: list[tuple[str, int, int]]  # (ref, first row, last row)
    formulas: list[tuple[str, int]]  # (column letter, row); ("", 0) when the cell has no ref


def _scan_sheet(archive: zipfile.ZipFile, path: str) -> _SheetScan:
    """Merged ranges and formula cells, found in the sheet's XML in one streaming pass
    (openpyxl's read-only mode reports neither cheaply)."""
    merged: dict[tuple[str, int, int], None] = {}
    formulas: dict[tuple[str, int], None] = {}
    tail = b""
    with archive.open(path) as source:
        while chunk := source.read(1 << 20):
            buffer = tail + chunk
            for match in _MERGE_RE.finditer(buffer):
                first = int(match.group(3))
                merged[(match.group(1).decode(), first, int(match.group(5) or first))] = None
            for match in _FORMULA_RE.finditer(buffer):
                ref = _REF_RE.search(match.group(1))
                formulas[(ref.group(1).decode(), int(ref.group(2))) if ref else ("", 0)] = None
            tail = buffer[-1024:]
    return _SheetScan(list(merged), list(formulas))


def read_sheet(data: bytes, filename: str = "") -> RawSheet:
    """Check the file, find the sheet and its header row, and read the data rows."""
    check_file(data, filename)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise ImportFileError(
            "文件已损坏或格式不正确，无法读取。请在Excel中打开并另存为.xlsx后重试，"
            "或下载导入模板重新填写。"
        ) from exc
    try:
        return _read_workbook(workbook)
    except ImportFileError:
        raise
    except Exception as exc:  # the sheets are parsed only now, row by row
        raise ImportFileError(
            "文件已损坏或格式不正确，无法读取。请在Excel中打开并另存为.xlsx后重试，"
            "或下载导入模板重新填写。"
        ) from exc
    finally:
        workbook.close()


def _read_workbook(workbook) -> RawSheet:
    candidates = [
        ws
        for ws in workbook.worksheets
        if getattr(ws, "sheet_state", "visible") == "visible" and ws.title != "填写说明"
    ] or list(workbook.worksheets)
    if not candidates:
        raise ImportFileError("文件中没有工作表。请下载导入模板重新填写。")
    best = None
    for ws in candidates:
        found = _find_header(ws)
        if found and (best is None or len(found[1]) > len(best[2])):
            best = (ws, *found)
        if found and all(h in found[1].values() for h in REQUIRED_HEADERS):
            best = (ws, *found)
            break
    if best is None:
        if all(_is_blank_sheet(ws) for ws in candidates):
            raise ImportFileError("文件中没有任何内容。请下载导入模板，填写后再上传。")
        raise ImportFileError(
            f"未找到表头：前{HEADER_SEARCH_ROWS}行中没有“标题”“领衔代表”等列名。请使用导入模板，"
            f"表头须包含：{'、'.join(REQUIRED_HEADERS)}。"
        )
    ws, header_row, headers, ignored = best
    missing = [h for h in REQUIRED_HEADERS if h not in headers.values()]
    if missing:
        raise ImportFileError(
            f"表头缺少必填列：{'、'.join(missing)}（在第{header_row}行找到的表头为："
            f"{'、'.join(headers.values())}）。请使用导入模板，或补上这些列。"
        )
    duplicates = sorted({h for h in headers.values() if list(headers.values()).count(h) > 1})
    if duplicates:
        raise ImportFileError(f"表头中“{'、'.join(duplicates)}”出现了不止一次，请删除重复的列。")
    columns = {index: HEADERS[header] for index, header in headers.items()}
    path = getattr(ws, "_worksheet_path", None)
    if path:
        _refuse_merges_and_formulas(_scan_sheet(workbook._archive, path), header_row, columns)
    rows: list[tuple[int, dict[str, object]]] = []
    for row_number, cells in enumerate(
        ws.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1
    ):
        values = {
            key: cells[index]
            for index, key in columns.items()
            if index < len(cells) and cells[index] is not None
        }
        if not any(_clean_text(v) for v in values.values()):
            continue
        rows.append((row_number, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                f"文件超过{MAX_ROWS}行数据，请分成多个文件，每个不超过{MAX_ROWS}行后分批导入。"
            )
    if not rows:
        raise ImportFileError(f"文件中没有数据行：第{header_row}行是表头，其下没有填写任何建议。")
    return RawSheet(ws.title, header_row, columns, ignored, rows)


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
    letters = {get_column_letter(index + 1) for index in columns}
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


def _is_blank_sheet(ws) -> bool:
    for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
        if any(_clean_text(v) for v in row):
            return False
    return True


def _find_header(ws) -> tuple[int, dict[int, str], list[str]] | None:
    """The first row among the top rows that names at least three known columns."""
    for number, row in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), 1):
        headers: dict[int, str] = {}
        ignored: list[str] = []
        for index, value in enumerate(row):
            name = normalize_header(value)
            if name in HEADERS:
                headers[index] = name
            elif name:
                ignored.append(name)
        if len(headers) >= 3:
            return number, headers, ignored
    return None


# ---------------------------------------------------------------------------------------
# Checking the rows

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_CODE_RE = re.compile(r"^(\d{4})([建社])(\d+)$")
_SPLIT_RE = re.compile(r"[、,，;；/\n]+")
_NAME_RE = re.compile(r"^(.+?)[(（]\s*([^()（）]+?)\s*[)）]$")


def parse_date(value) -> dt.date | None:
    """An Excel date, a serial number, 20230315, 2023-03-15, 2023/3/15 or 2023年3月15日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return parse_date(str(int(value)))
        if 1 <= value < 80_000:
            return from_excel(value).date()
        return None
    text = unicodedata.normalize("NFKC", _clean_text(value))
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _content(value) -> str:
    """The text as written (inner spaces and indents kept), or "" for a blank cell."""
    text = value if isinstance(value, str) else _clean_text(value)
    return text if text.strip() else ""


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = unicodedata.normalize("NFKC", _clean_text(value))
    return int(text) if text.isdigit() else None


def _suggest(name: str, names: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)


def _did_you_mean(what: str, name: str, candidates: list[str], otherwise: str) -> str:
    if candidates:
        options = "”或“".join(candidates)
        return f"未找到{what}“{name}”，是否为“{options}”？"
    return f"未找到{what}“{name}”，{otherwise}"


class _Lookups:
    """Every reference table the rows point at, loaded once."""

    def __init__(self):
        self.deputies: dict[str, list[Deputy]] = defaultdict(list)
        for deputy in Deputy.objects.order_by("-is_active", "id"):
            self.deputies[deputy.name].append(deputy)
        self.sessions = {s.name: s for s in CongressSession.objects.all()}
        self._deputy_cache: dict[str, tuple[Deputy | None, str]] = {}

    def deputy(self, text: str, what: str) -> tuple[Deputy | None, str]:
        """(deputy, "") or (None, message)."""
        key = f"{what}\x00{text}"
        if key not in self._deputy_cache:
            self._deputy_cache[key] = self._find_deputy(text, what)
        return self._deputy_cache[key]

    def _find_deputy(self, text: str, what: str) -> tuple[Deputy | None, str]:
        name, level = text, None
        match = _NAME_RE.match(text)
        if match and match.group(2) in LEVEL_HINTS:
            name, level = match.group(1).strip(), LEVEL_HINTS[match.group(2)]
        found = self.deputies.get(name, [])
        if level:
            found = [d for d in found if d.level == level]
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            levels = "、".join(d.get_level_display() for d in found)
            return None, (
                f"{what}“{name}”有{len(found)}名同名代表（{levels}），请写作"
                f"“{name}（{found[0].get_level_display()}）”以区分。"
            )
        if name in self.deputies:  # the name exists, at another level
            levels = "、".join(d.get_level_display() for d in self.deputies[name])
            return None, f"未找到{what}“{text}”：系统中的“{name}”是{levels}。"
        return None, _did_you_mean(
            what, name, _suggest(name, self.deputies), "请核对姓名，或先在系统管理中添加该代表。"
        )

    def session(self, text: str) -> tuple[CongressSession | None, str]:
        name = re.sub(r"\s+", "", text)
        found = self.sessions.get(name) or self.sessions.get(text)
        if found:
            return found, ""
        return None, _did_you_mean(
            "会议",
            text,
            _suggest(name, self.sessions),
            "请核对会议名称，或先在系统管理中添加该会议。",
        )


def _choice(value: str, labels: dict[str, str], what: str, choices) -> tuple[str | None, str]:
    text = re.sub(r"\s+", "", value)
    if text in labels:
        return labels[text], ""
    options = "、".join(f"“{label}”" for _, label in choices)
    hint = _suggest(text, [label for _, label in choices])
    message = f"{what}“{value}”不正确，应为{options}之一。"
    if hint:
        message = f"{what}“{value}”不正确，是否为“{hint[0]}”？可选：{options}。"
    return None, message


def validate_rows(
    raw: RawSheet, *, update: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Check every row against the rules and the database; never writes."""
    today = today or timezone.localdate()
    report = ImportReport(
        sheet=raw.sheet, header_row=raw.header_row, ignored_columns=raw.ignored_columns
    )
    lookups = _Lookups()
    seen: dict[tuple[int, str, int], int] = {}
    for row_number, values in raw.rows:
        if _clean_text(values.get("number")) == EXAMPLE_MARK:
            report.example_rows.append(row_number)
            continue
        report.data_rows += 1
        parsed = _parse_row(row_number, values, lookups, today, report.errors)
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
    report.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    return report


def _column_order(header: str) -> int:
    for index, column in enumerate(COLUMNS):
        if column.header == header:
            return index
    return -1


def _parse_row(
    row: int, values: dict, lookups: _Lookups, today: dt.date, errors: list[RowError]
) -> ParsedRow | None:
    before = len(errors)

    def error(key: str, message: str) -> None:
        errors.append(RowError(row, COLUMN_BY_KEY[key].header if key else "", message))

    def text(key: str) -> str:
        return _clean_text(values.get(key))

    for column in COLUMNS:
        if column.required and not text(column.key):
            error(column.key, f"请填写{column.header}。")

    year = number = None
    kind = source = None
    code_year = code_kind = None
    if text("number"):
        raw_number = unicodedata.normalize("NFKC", text("number")).replace(" ", "")
        code = _CODE_RE.match(raw_number)
        if code:
            code_year = int(code.group(1))
            code_kind = Kind.SUGGESTION if code.group(2) == "建" else Kind.COMMUNITY_OPINION
            number = int(code.group(3))
        else:
            number = _as_int(values.get("number"))
        if number is None or not 1 <= number <= MAX_NUMBER:
            number = None
            error(
                "number",
                f"编号“{text('number')}”不正确，应为1至99999的整数（如12）或完整编号（如2024建012）。",
            )
    if text("year"):
        year = _as_int(values.get("year"))
        if year is None or not 1980 <= year <= 2100:
            error("year", f"年度“{text('year')}”不正确，应为四位年份，如2024。")
            year = None
        elif code_year and code_year != year:
            error("number", f"编号“{text('number')}”与年度“{year}”不一致。")
    if text("kind"):
        kind, message = _choice(text("kind"), KIND_LABELS, "类别", Kind.choices)
        if message:
            error("kind", message)
        elif code_kind and code_kind != kind:
            error("number", f"编号“{text('number')}”与类别“{text('kind')}”不一致。")
    if text("source"):
        source, message = _choice(text("source"), SOURCE_LABELS, "提出时间", Source.choices)
        if message:
            error("source", message)
    topic = Topic.OTHER
    if text("topic"):
        topic, message = _choice(text("topic"), TOPIC_LABELS, "主题分类", Topic.choices)
        if message:
            error("topic", message)
    session = None
    if text("session"):
        session, message = lookups.session(text("session"))
        if message:
            error("session", message)
    title = text("title")
    if len(title) > 200:
        error("title", f"标题有{len(title)}字，超过200字的上限。")
    received_on = None
    if text("received_on"):
        received_on = parse_date(values.get("received_on"))
        if received_on is None:
            error(
                "received_on",
                f"“{text('received_on')}”不是有效日期，请填写如2023-03-15、2023/3/15或2023年3月15日。",
            )
        elif received_on > today:
            error("received_on", f"收到日期不能晚于今天（{today:%Y-%m-%d}）。")
            received_on = None
        elif received_on.year < 1980:
            error("received_on", f"收到日期“{received_on:%Y-%m-%d}”不正确。")
            received_on = None
    lead = None
    if text("lead_deputy"):
        lead, message = lookups.deputy(text("lead_deputy"), "领衔代表")
        if message:
            error("lead_deputy", message)
    co_signers: list[Deputy] = []
    for name in _SPLIT_RE.split(text("co_signers")):
        name = name.strip()
        if not name:
            continue
        deputy, message = lookups.deputy(name, "联名代表")
        if message:
            error("co_signers", message)
        elif deputy != lead and deputy not in co_signers:
            co_signers.append(deputy)
    if year is None and not text("year"):
        year = code_year or (received_on.year if received_on else None)
    # The rules between fields are the services' own.
    if kind and source and (session is not None or not text("session")):
        try:
            services.validate_suggestion_fields(
                {"kind": kind, "source": source, "title": title or "-", "session": session}
            )
        except ValidationError as refusal:
            code = refusal.error_list[0].code
            error(code if code in COLUMN_BY_KEY else "", refusal.messages[0])
    if len(errors) > before:
        return None
    return ParsedRow(
        row=row,
        year=year,
        kind=kind,
        number=number,
        source=source,
        session=session,
        title=title,
        content=_content(values.get("content")),
        topic=topic,
        lead_deputy=lead,
        co_signers=co_signers,
        received_on=received_on,
    )


def _match_existing(report: ImportReport, update: bool) -> None:
    """Mark rows already registered: unchanged ones are skipped, drafts updated (with
    `update`), anything else is an error."""
    if not report.rows:
        return
    pairs = {(r.year, r.kind) for r in report.rows}
    condition = Q()
    for year, kind in pairs:
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
            if _same(row, existing):
                row.action = UNCHANGED
            elif existing.status != Status.DRAFT:
                report.errors.append(
                    RowError(
                        row.row,
                        "编号",
                        f"{existing.code}已登记为“{existing.title}”，办理状态为"
                        f"“{existing.get_status_display()}”，与本行内容不同。已交办的建议"
                        "不能通过导入修改：请改正编号，或在该建议的页面上修改。",
                    )
                )
            elif update:
                row.action = UPDATE
            else:
                report.errors.append(
                    RowError(
                        row.row,
                        "编号",
                        f"{existing.year}年度{existing.get_kind_display()}编号{existing.number}"
                        f"已登记为“{existing.title}”（{existing.get_status_display()}），"
                        "与本行内容不同。如需用本行内容更新这件待交办的建议，请勾选"
                        "“更新已登记的待交办建议”（命令行加 --update）；否则请改正编号。",
                    )
                )


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


def validate_file(
    data: bytes, *, filename: str = "", update: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Read and check a file. Raises ImportFileError for a file that cannot be read."""
    raw = read_sheet(data, filename)
    report = validate_rows(raw, update=update, today=today)
    report.filename = filename
    return report


# ---------------------------------------------------------------------------------------
# Writing


class RowRefused(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


@transaction.atomic
def suggestions_import(
    *, rows: Sequence[ParsedRow], actor: User, when: dt.datetime | None = None
) -> dict[str, int]:
    """Register the validated rows in bulk, as `suggestion_create` would one by one: each
    gets a history row with the actor and a 登记 event; drafts marked for update go through
    `services.suggestion_update`. All rows or none."""
    if not roles.may_import(actor):
        raise ValidationError(roles.IMPORT_REFUSED, code="permission")
    when = when or timezone.now()
    new_rows = [r for r in rows if r.action == CREATE]
    suggestions = [
        Suggestion(
            year=r.year,
            kind=r.kind,
            source=r.source,
            number=r.number,
            session=r.session,
            title=r.title,
            content=r.content,
            topic=r.topic,
            lead_deputy=r.lead_deputy,
            received_on=r.received_on,
            created_by=actor,
        )
        for r in new_rows
    ]
    created = (
        bulk_create_with_history(
            suggestions,
            Suggestion,
            batch_size=500,
            default_user=actor,
            default_change_reason="Excel导入",
            default_date=when,
        )
        if suggestions
        else []
    )
    if created and created[0].pk is None:  # a backend that returns no ids
        keys = Q()
        for s in created:
            keys |= Q(year=s.year, kind=s.kind, number=s.number)
        ids = {
            (y, k, n): pk
            for pk, y, k, n in Suggestion.objects.filter(keys).values_list(
                "pk", "year", "kind", "number"
            )
        }
        for s in created:
            s.pk = ids[(s.year, s.kind, s.number)]
    _link_co_signers(
        (s.pk, d.pk) for s, r in zip(created, new_rows, strict=True) for d in r.co_signers
    )
    Event.objects.bulk_create(
        [
            Event(
                suggestion_id=s.pk,
                action=Event.Action.CREATE,
                actor=actor,
                department=actor.department,
                occurred_at=when,
                to_status=Status.DRAFT,
                note=f"登记为{s.code}（Excel导入）",
            )
            for s in created
        ],
        batch_size=1000,
    )
    updated = 0
    for r in rows:
        if r.action != UPDATE:
            continue
        try:
            services.suggestion_update(
                suggestion=r.existing,
                actor=actor,
                expected_version=r.existing.version,
                co_signers=r.co_signers,
                when=when,
                **r.fields(),
            )
        except ValidationError as refusal:
            raise RowRefused(r.row, refusal.messages[0]) from refusal
        updated += 1
    return {"created": len(created), "updated": updated}


def _link_co_signers(pairs: Iterable[tuple[int, int]]) -> None:
    """Insert (suggestion, deputy) rows of the co-signer link table with one executemany:
    for 20k rows it takes 0.06 s, the ORM's bulk_create 0.2–0.5 s (bench/README.md).
    The pairs are unique by construction (co-signers are deduplicated per row); the link
    table has no history."""
    through = Suggestion.co_signers.through
    meta = through._meta
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} "
        f"({quote(meta.get_field('suggestion').column)}, {quote(meta.get_field('deputy').column)}) "
        "VALUES (%s, %s)"
    )
    pairs = list(pairs)
    if pairs:
        with connection.cursor() as cursor:
            cursor.executemany(sql, pairs)


def import_file(
    data: bytes,
    *,
    actor: User | None,
    filename: str = "",
    update: bool = False,
    dry_run: bool = False,
    when: dt.datetime | None = None,
) -> ImportReport:
    """Validate, then (unless `dry_run` or anything is wrong) import, in one transaction.

    Raises ImportFileError for an unreadable file; row problems come back in the report,
    with nothing written.
    """
    today = timezone.localdate(when) if when else None
    try:
        with transaction.atomic():
            report = validate_file(data, filename=filename, update=update, today=today)
            if report.errors or dry_run:
                return report
            if actor is None:
                raise ValueError("import_file() needs an actor unless dry_run")
            suggestions_import(rows=report.rows, actor=actor, when=when)
            report.imported = True
            return report
    except RowRefused as refused:
        report.errors.append(RowError(refused.row, "", refused.message))
    except IntegrityError:
        report.errors.append(
            RowError(
                0,
                "",
                "导入时发现编号已被他人同时登记，未导入任何数据。请重新上传文件预览后再确认。",
            )
        )
    report.imported = False
    for r in report.rows:
        if r.action == CREATE:
            r.existing = None
    return report


# ---------------------------------------------------------------------------------------
# The template


def build_template() -> bytes:
    """The import template: the sheet to fill (with drop-down lists and one example row),
    the instructions, and a hidden sheet holding the lists."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "建议"
    lists = wb.create_sheet("选项")
    guide = wb.create_sheet("填写说明")
    wb.move_sheet(guide, offset=-1)  # 建议, 填写说明, 选项

    sessions = list(CongressSession.objects.order_by("-starts_on").values_list("name", flat=True))
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

    deputy = Deputy.objects.filter(is_active=True).order_by("id").first()
    example = {
        "number": EXAMPLE_MARK,
        "year": timezone.localdate().year,
        "kind": Kind.SUGGESTION.label,
        "source": Source.SESSION.label,
        "session": sessions[0] if sessions else "区二届人大三次会议",
        "title": "关于加快老旧小区加装电梯的建议（示例行，导入时自动跳过）",
        "content": "建议内容……",
        "topic": Topic.HOUSING.label,
        "lead_deputy": deputy.name if deputy else "张三",
        "co_signers": "李四、王五",
        "received_on": dt.date(timezone.localdate().year, 1, 15),
    }
    grey = Font(italic=True, color="808080")
    for col, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=2, column=col, value=example[column.key])
        cell.font = grey
        if column.key == "received_on":
            cell.number_format = "yyyy-mm-dd"

    last = MAX_ROWS + 1
    for key, prompt in (
        ("kind", "请从列表中选择类别"),
        ("source", "请从列表中选择：大会期间 / 闭会期间"),
        ("topic", "请从列表中选择主题分类"),
        ("session", "请从列表中选择会议；闭会期间留空"),
    ):
        if key not in refs:
            continue
        letter = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        validation = DataValidation(type="list", formula1=f"={refs[key]}", allow_blank=True)
        validation.error = f"请从下拉列表中选择{COLUMN_BY_KEY[key].header}。"
        validation.errorTitle = "输入不正确"
        validation.prompt = prompt
        validation.showErrorMessage = True
        validation.showInputMessage = True
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    for key, kind, kwargs in (
        ("year", "whole", {"operator": "between", "formula1": "1980", "formula2": "2100"}),
        ("received_on", "date", {"operator": "greaterThan", "formula1": "29221"}),
    ):
        letter = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        validation = DataValidation(type=kind, allow_blank=True, **kwargs)
        validation.error = f"请填写正确的{COLUMN_BY_KEY[key].header}。"
        validation.errorTitle = "输入不正确"
        validation.showErrorMessage = True
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)
    for row in range(3, 203):
        ws.cell(
            row=row, column=[c.key for c in COLUMNS].index("received_on") + 1
        ).number_format = "yyyy-mm-dd"

    _write_guide(guide)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_guide(ws) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 80
    ws.append(["代表建议导入模板 · 填写说明"])
    ws["A1"].font = Font(bold=True, size=14)
    notes = [
        "1. 在“建议”工作表中每行填写一件建议；表头不要修改，列的顺序可以调整，多余的列会被忽略。",
        "2. 第2行是示例（编号为“示例”），导入时自动跳过，可以保留或删除。",
        f"3. 每个文件不超过{MAX_ROWS}行、10 MB；只接受.xlsx格式，"
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
