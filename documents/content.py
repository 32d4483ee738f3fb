"""What each printed document says (DESIGN §11): one function per document, building its
content from the item; the renderers (word.py, pdf.py) only lay it out.

- 交办通知单 (assignment notice): the office tells the lead and co departments what they
  handle and every deadline: reply due, co-handling opinion due, return request window.
- 催办通知 (reminder notice): the office tells the lead department its reply is overdue, by
  how many working days (DESIGN §4).
- 答复函封面 (reply cover): the lead department's cover page on its reply letter: round,
  date, outcome, letter.

The items come from selectors.document_items (departments, co-signers and replies
prefetched); the working days come from one WorkingCalendar loaded for the whole batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from config.gongwen import cn_date
from suggestions.deadlines import WorkingCalendar
from suggestions.models import OPEN_STATUSES
from suggestions.models import Assignment
from suggestions.models import Outcome
from suggestions.models import Reply
from suggestions.models import Status
from suggestions.models import Suggestion

ASSIGNMENT_NOTICE = "assignment-notice"
REMINDER_NOTICE = "reminder-notice"
REPLY_COVER = "reply-cover"
KINDS = {
    ASSIGNMENT_NOTICE: "交办通知单",
    REMINDER_NOTICE: "催办通知",
    REPLY_COVER: "答复函封面",
}
NONE = "无"


@dataclass(frozen=True)
class PrintedDocument:
    """One document, ready to lay out: the red 发文机关 line, the title, the addressee, the
    body paragraphs, a table of the item's facts, and the signature (issuer, date)."""

    kind: str
    code: str
    issuer: str
    title: str
    number: str
    addressee: str
    paragraphs: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    signed_on: dt.date

    @property
    def signature(self) -> tuple[str, str]:
        return (self.issuer, cn_date(self.signed_on))


def office_name() -> str:
    """The issuer of the office's documents: 上海市静安区人民政府办公室."""
    return f"{settings.ORGANISATION_NAME}办公室"


def _office_short() -> str:
    return f"{settings.ORGANISATION_SHORT_NAME}办公室"


def _d(day: dt.date | None) -> str:
    return cn_date(day) if day else NONE


# ---------------------------------------------------------------------------------------
# What the documents read from an item (all prefetched)


def _assignments(item: Suggestion) -> list[Assignment]:
    """The active assignments: as documents.selectors prefetches them, or from the detail
    page's prefetch of every assignment."""
    active = getattr(item, "active_assignments", None)
    if active is None:
        active = [a for a in item.assignments.all() if a.is_active]
    return active


def lead_assignment(item: Suggestion) -> Assignment | None:
    return next((a for a in _assignments(item) if a.role == Assignment.Role.LEAD), None)


def co_assignments(item: Suggestion) -> list[Assignment]:
    return [a for a in _assignments(item) if a.role == Assignment.Role.CO]


def latest_reply(item: Suggestion) -> Reply | None:
    replies = list(item.replies.all())
    return max(replies, key=lambda r: r.round) if replies else None


def _co_names(item: Suggestion) -> str:
    return "、".join(a.department.name for a in co_assignments(item)) or NONE


def _co_signers(item: Suggestion) -> str:
    return "、".join(d.name for d in item.co_signers.all()) or NONE


def _subject(item: Suggestion) -> str:
    return f"{item.lead_deputy.name}代表领衔提出的《{item.title}》（{item.code}）"


def _item_rows(item: Suggestion, lead: Assignment) -> list[tuple[str, str]]:
    rows = [
        ("建议编号", item.code),
        ("领衔代表", item.lead_deputy.name),
        ("联名代表", _co_signers(item)),
        ("主办单位", lead.department.name),
        ("会办单位", _co_names(item)),
        ("交办日期", _d(lead.assigned_on)),
    ]
    merged = list(item.merged_members.all())
    if merged:
        # 并案 (DESIGN §11): one notice for the group, naming every merged suggestion.
        names = "、".join(f"{m.code}（{m.lead_deputy.name}）" for m in merged)
        rows.insert(1, ("并案办理", f"{names}并入本件，一并办理、一次答复"))
    return rows


def _opinion_due(item: Suggestion) -> dt.date | None:
    return min((a.opinion_due_on for a in co_assignments(item) if a.opinion_due_on), default=None)


# ---------------------------------------------------------------------------------------
# Which item has which document


def refusal(kind: str, item: Suggestion, today: dt.date) -> str:
    """Why `item` has no document of `kind` (in Chinese), or "" when it has one."""
    if item.status == Status.VOIDED:
        return f"{item.code}已作废，不再打印{KINDS[kind]}。"
    if lead_assignment(item) is None:
        return f"{item.code}尚未交办，没有{KINDS[kind]}。"
    if kind == REMINDER_NOTICE and not is_overdue(item, today):
        return f"{item.code}未超期，不能打印催办通知。"
    if kind == REPLY_COVER and latest_reply(item) is None:
        return f"{item.code}尚无答复，没有答复函封面。"
    return ""


def is_overdue(item: Suggestion, today: dt.date) -> bool:
    """As the list's 超期: awaiting a reply past the due date in force."""
    return item.status in OPEN_STATUSES and item.due_on is not None and item.due_on < today


def available(item: Suggestion, today: dt.date) -> list[tuple[str, str]]:
    """(kind, label) of the documents `item` has today, for the detail page's buttons."""
    return [(kind, label) for kind, label in KINDS.items() if not refusal(kind, item, today)]


# ---------------------------------------------------------------------------------------
# The documents

TITLES = {
    ASSIGNMENT_NOTICE: "代表建议交办通知单",
    REMINDER_NOTICE: "代表建议催办通知",
    REPLY_COVER: "代表建议答复函",
}


def _document(
    kind: str,
    item: Suggestion,
    addressee: str,
    paragraphs: list[str] | tuple[str, ...],
    rows: list[tuple[str, str]],
    *,
    signed_on: dt.date,
    issuer: str = "",
) -> PrintedDocument:
    return PrintedDocument(
        kind=kind,
        code=item.code,
        issuer=issuer or office_name(),
        title=TITLES[kind],
        number=f"编号：{item.code}",
        addressee=addressee,
        paragraphs=tuple(paragraphs),
        rows=tuple(rows),
        signed_on=signed_on,
    )


def assignment_notice(item: Suggestion) -> PrintedDocument:
    """交办通知单, dated the day of the assignment."""
    lead = lead_assignment(item)
    opinion_due = _opinion_due(item)
    co = co_assignments(item)
    addressee = lead.department.name + "".join(f"、{a.department.name}" for a in co)
    paragraphs = [
        f"现将{_subject(item)}交由你单位办理，请按照代表建议办理工作的有关规定认真研究办理。",
        f"请主办单位于{_d(lead.due_in_force)}前办复代表，并将答复函报送{_office_short()}。"
        f"如认为不属于本单位职责，请于{_d(lead.return_window_ends_on)}前提出退办申请，"
        "逾期视为同意承办。",
    ]
    if co:
        paragraphs.append(f"请会办单位于{_d(opinion_due)}前将会办意见送主办单位。")
    rows = [
        *_item_rows(item, lead),
        ("办复期限", _d(lead.due_in_force)),
        *([("会办意见期限", _d(opinion_due))] if co else []),
        ("退办申请截止", _d(lead.return_window_ends_on)),
    ]
    return _document(
        ASSIGNMENT_NOTICE, item, f"{addressee}：", paragraphs, rows, signed_on=lead.assigned_on
    )


def overdue_working_days(item: Suggestion, today: dt.date, calendar: WorkingCalendar) -> int:
    """Working days from the due date (exclusive) to today (inclusive), DESIGN §4."""
    return calendar.working_days_between(item.due_on, today)


def reminder_notice(
    item: Suggestion, *, today: dt.date, calendar: WorkingCalendar
) -> PrintedDocument:
    """催办通知 to the lead department, dated today."""
    lead = lead_assignment(item)
    days = overdue_working_days(item, today, calendar)
    rework = item.due_on != lead.due_in_force
    due_what = "重新办理期限" if rework else "办复期限"
    paragraphs = (
        f"{_subject(item)}，于{_d(lead.assigned_on)}交由你单位主办，{due_what}为"
        f"{_d(item.due_on)}。截至{cn_date(today)}，该建议已超期{days}个工作日，尚未答复代表。",
        f"请你单位高度重视，抓紧办理，尽快办复代表，并将答复函报送{_office_short()}；"
        "如有特殊情况，请书面说明理由。",
    )
    rows = [
        *_item_rows(item, lead),
        ("办复期限", _d(lead.due_in_force)),
        *([("重新办理期限", _d(item.due_on))] if rework else []),
        ("超期", f"{days}个工作日（截至{cn_date(today)}）"),
    ]
    return _document(
        REMINDER_NOTICE, item, f"{lead.department.name}：", paragraphs, rows, signed_on=today
    )


def reply_cover(item: Suggestion) -> PrintedDocument:
    """The cover page of the latest reply round's letter, from the department that replied."""
    lead = lead_assignment(item)
    reply = latest_reply(item)
    outcome = Outcome(reply.outcome)
    rows = [
        *_item_rows(item, lead),
        ("答复轮次", f"第{reply.round}轮"),
        ("答复日期", _d(reply.replied_on)),
        ("办理结果", f"{outcome.letter}类 {outcome.label}"),
        ("答复函", reply.letter_name or NONE),
        ("联系人", " ".join(p for p in (reply.contact_person, reply.contact_phone) if p) or NONE),
    ]
    paragraphs = [
        f"您领衔提出的《{item.title}》（{item.code}）收悉。现将第{reply.round}轮办理答复函"
        f"报送如下，办理结果为“{outcome.label}”（{outcome.letter}类）。感谢您对我们工作的"
        "关心和支持，请对办理情况提出意见。"
    ]
    return _document(
        REPLY_COVER,
        item,
        f"{item.lead_deputy.name}代表：",
        paragraphs,
        rows,
        signed_on=reply.replied_on,
        issuer=reply.department.name,
    )


def build(kind: str, items: list[Suggestion], *, today: dt.date) -> list[PrintedDocument]:
    """The documents of `kind` for `items` (each already checked by `refusal`)."""
    if kind == ASSIGNMENT_NOTICE:
        return [assignment_notice(item) for item in items]
    if kind == REPLY_COVER:
        return [reply_cover(item) for item in items]
    # One calendar slice for the whole batch: a fixed number of queries.
    start = min((item.due_on for item in items), default=today)
    calendar = WorkingCalendar.for_range(start, today)
    return [reminder_notice(item, today=today, calendar=calendar) for item in items]
