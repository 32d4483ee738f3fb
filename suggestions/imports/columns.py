"""The template's columns, each with the parser of its own cells, and the reference tables
(deputies, sessions) the cells point at.

A parser takes the cell's value as the reader gives it (files.py: whole numbers as ints,
dates as dates or datetimes, text as text), its text, and the lookups; it returns
the value the registration takes, or raises CellError with every problem of the cell. A
blank cell never reaches the parser: it is refused when the column is required and takes
the column's `blank` value otherwise. The checks between columns are the rows' own
(rows.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl.utils.datetime import from_excel

from departments.models import CongressSession
from departments.models import Deputy
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Topic

MAX_NUMBER = 99_999
FIRST_YEAR, LAST_YEAR = 1980, 2100
MAX_TITLE = 200
EXAMPLE_MARK = "示例"  # the template's example row has this in its number cell

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

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_CODE_RE = re.compile(r"^(\d{4})([建社])(\d+)$")
_SPLIT_RE = re.compile(r"[、,，;；/\n]+")
_NAME_RE = re.compile(r"^(.+?)[(（]\s*([^()（）]+?)\s*[)）]$")


class CellError(Exception):
    """A cell's problems, each a message for the user."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = messages


# ---------------------------------------------------------------------------------------
# Cell values


def clean_text(value) -> str:
    """A cell as text: 12.0 → "12", a midnight datetime → its date, spaces stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return str(value).strip()


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
    text = unicodedata.normalize("NFKC", clean_text(value))
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = unicodedata.normalize("NFKC", clean_text(value))
    return int(text) if text.isascii() and text.isdigit() else None


def _full_code(text: str) -> re.Match | None:
    return _CODE_RE.match(unicodedata.normalize("NFKC", text).replace(" ", ""))


def code_parts(text: str) -> tuple[int | None, str | None]:
    """The year and kind a full number such as 2024建012 names, or (None, None)."""
    code = _full_code(text)
    if not code:
        return None, None
    return int(code.group(1)), Kind.SUGGESTION if code.group(2) == "建" else Kind.COMMUNITY_OPINION


def _suggest(name: str, names: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)


def _did_you_mean(what: str, name: str, candidates: list[str], otherwise: str) -> str:
    if candidates:
        options = "”或“".join(candidates)
        return f"未找到{what}“{name}”，是否为“{options}”？"
    return f"未找到{what}“{name}”，{otherwise}"


# ---------------------------------------------------------------------------------------
# The reference tables


class Lookups:
    """Every reference table the rows point at, loaded once, and the day of the check."""

    def __init__(self, today: dt.date):
        self.today = today
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


# ---------------------------------------------------------------------------------------
# One parser a column: (cell value, its text, lookups) → value, or CellError


def _number(value, text: str, lookups: Lookups) -> int:
    code = _full_code(text)
    number = int(code.group(3)) if code else _as_int(value)
    if number is None or not 1 <= number <= MAX_NUMBER:
        raise CellError(
            f"编号“{text}”不正确，应为1至{MAX_NUMBER}的整数（如12）或完整编号（如2024建012）。"
        )
    return number


def _year(value, text: str, lookups: Lookups) -> int:
    year = _as_int(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(f"年度“{text}”不正确，应为四位年份，如2024。")
    return year


def _choice(labels: dict[str, str], what: str, choices) -> Callable[..., str]:
    """The parser of a column holding one of `choices`, written as a label or a value."""
    options = "、".join(f"“{label}”" for _, label in choices)

    def parse(value, text: str, lookups: Lookups) -> str:
        compact = re.sub(r"\s+", "", text)
        if compact in labels:
            return labels[compact]
        hint = _suggest(compact, [label for _, label in choices])
        if hint:
            raise CellError(f"{what}“{text}”不正确，是否为“{hint[0]}”？可选：{options}。")
        raise CellError(f"{what}“{text}”不正确，应为{options}之一。")

    return parse


def _session(value, text: str, lookups: Lookups) -> CongressSession:
    session, message = lookups.session(text)
    if message:
        raise CellError(message)
    return session


def _title(value, text: str, lookups: Lookups) -> str:
    if len(text) > MAX_TITLE:
        raise CellError(f"标题有{len(text)}字，超过{MAX_TITLE}字的上限。")
    return text


def _content(value, text: str, lookups: Lookups) -> str:
    """The text as written (inner spaces and indents kept)."""
    return value if isinstance(value, str) else text


def _lead_deputy(value, text: str, lookups: Lookups) -> Deputy:
    deputy, message = lookups.deputy(text, "领衔代表")
    if message:
        raise CellError(message)
    return deputy


def _co_signers(value, text: str, lookups: Lookups) -> list[Deputy]:
    """Each named deputy once, in the order written (the rows leave out the lead)."""
    found: dict[Deputy, None] = {}
    messages = []
    for name in _SPLIT_RE.split(text):
        name = name.strip()
        if not name:
            continue
        deputy, message = lookups.deputy(name, "联名代表")
        if message:
            messages.append(message)
        else:
            found[deputy] = None
    if messages:
        raise CellError(*messages)
    return list(found)


def _received_on(value, text: str, lookups: Lookups) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise CellError(f"“{text}”不是有效日期，请填写如2023-03-15、2023/3/15或2023年3月15日。")
    if day > lookups.today:
        raise CellError(f"收到日期不能晚于今天（{lookups.today:%Y-%m-%d}）。")
    if day.year < FIRST_YEAR:
        raise CellError(f"收到日期“{day:%Y-%m-%d}”不正确。")
    return day


# ---------------------------------------------------------------------------------------
# The columns


@dataclass(frozen=True)
class Column:
    key: str  # the field of the registration (services.NewSuggestion)
    header: str
    required: bool
    help: str
    width: int
    parser: Callable[[object, str, Lookups], object]
    blank: object = None  # the value of a blank cell in an optional column

    def parse(self, value, lookups: Lookups):
        """The cell's value for the registration; raises CellError."""
        text = clean_text(value)
        if not text:
            if self.required:
                raise CellError(f"请填写{self.header}。")
            return self.blank
        return self.parser(value, text, lookups)


COLUMNS: tuple[Column, ...] = (
    Column(
        "number",
        "编号",
        True,
        "同一年度、同一类别内唯一的序号，如 12；也可填完整编号 2024建012",
        10,
        _number,
    ),
    Column("year", "年度", False, "四位年份；留空时取收到日期的年份", 8, _year),
    Column(
        "kind",
        "类别",
        True,
        "从下拉列表选择：代表建议 / 代表集中联系社区意见建议",
        16,
        _choice(KIND_LABELS, "类别", Kind.choices),
    ),
    Column(
        "source",
        "提出时间",
        True,
        "从下拉列表选择：大会期间 / 闭会期间",
        10,
        _choice(SOURCE_LABELS, "提出时间", Source.choices),
    ),
    Column(
        "session",
        "会议",
        False,
        "大会期间提出的代表建议必填，如 区二届人大三次会议；闭会期间留空",
        22,
        _session,
    ),
    Column("title", "标题", True, f"不超过{MAX_TITLE}字", 40, _title, ""),
    Column("content", "内容", False, "建议正文，可留空", 50, _content, ""),
    Column(
        "topic",
        "主题分类",
        False,
        "从下拉列表选择；留空时为“其他”",
        18,
        _choice(TOPIC_LABELS, "主题分类", Topic.choices),
        Topic.OTHER,
    ),
    Column("lead_deputy", "领衔代表", True, "代表姓名，须与系统中的代表名单一致", 12, _lead_deputy),
    Column(
        "co_signers",
        "联名代表",
        False,
        "多名代表用顿号“、”分隔；同名代表写作 张三（区人大代表）",
        24,
        _co_signers,
        (),
    ),
    Column(
        "received_on",
        "收到日期",
        True,
        "如 2023-03-15、2023/3/15 或 2023年3月15日",
        12,
        _received_on,
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = {c.header: c.key for c in COLUMNS}
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]
