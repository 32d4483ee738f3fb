"""The report as a Word draft, laid out as the office's report to the people's congress.

The structure follows the Jing'an 2023 report (title, "区人大常委会：", the overall paragraph,
sections 一 to 四, signature and date); the figures and paragraphs come from the computed
Report and reports.narrative, the fixed wording of 四 is the office's standard text, to be
edited before sending. The page layout (公文, GB/T 9704: A4, margins, fonts, page numbers)
is config.gongwen's, shared with the printed documents.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from config.gongwen import CONTENT_TYPE
from config.gongwen import GongwenDocument
from reports.narrative import cn_date
from reports.narrative import narrative_overall
from reports.narrative import narrative_sections
from reports.narrative import pct
from reports.selectors import Report
from suggestions.models import Kind
from suggestions.models import Outcome

__all__ = ["CONTENT_TYPE", "render_docx"]

ORDINALS = "一二三四五六七八九十"

# How each narrative section is introduced in the body ("一是办理好闭会期间代表建议。…"),
# as the reference report words them; an unknown section keeps its own heading.
LEADS = {
    "闭会期间代表建议办理情况": "办理好闭会期间代表建议",
    "“不满意”件跟踪督办情况": "对“不满意”件进行跟踪督办",
    "代表集中联系社区意见建议办理情况": "做好代表集中联系社区意见建议办理",
}
SECTION_TWO = (
    "闭会期间代表建议办理情况",
    "“不满意”件跟踪督办情况",
    "代表集中联系社区意见建议办理情况",
)
SECTION_THREE = ("抽查和跟踪复查情况",)

HEADINGS = (
    "一、明确责任、密切协作，进一步夯实办理工作基础",
    "二、突出重点、放大效应，不断提高办理工作质量",
    "三、强化督办、跟踪问效，切实增强办理工作实效",
    "四、下一步工作打算",
)


class Draft(GongwenDocument):
    def save(self, report: Report) -> bytes:
        return self.to_bytes(
            title=_title(),
            author=settings.ORGANISATION_NAME,
            comments=f"截至{cn_date(report.as_of)}的统计，由代表建议办理系统生成的草稿。",
            moment=dt.datetime.combine(report.as_of, dt.time()),
        )


# ---------------------------------------------------------------------------------------
# Wording


TITLE_SUBJECT = "关于代表建议办理情况的报告"


def _title() -> str:
    return f"{settings.ORGANISATION_NAME}{TITLE_SUBJECT}"


def _congress_committee() -> str:
    """区政府 → 区人大常委会: the standing committee of the organisation's level."""
    short = settings.ORGANISATION_SHORT_NAME
    level = short.removesuffix("政府")
    return f"{level}人大常委会" if level != short else "人大常委会"


def _subject(report: Report) -> str:
    return Kind(report.scope.kind).label


def _handler(report: Report) -> str:
    return report.scope_department_name or settings.ORGANISATION_SHORT_NAME


def _preface(report: Report) -> str:
    return (
        f"{settings.ORGANISATION_SHORT_NAME}高度重视{report.scope.year}年度{_subject(report)}"
        "办理工作，把办理好代表建议作为积极履职的重要内容、了解民意的重要渠道和改进工作的"
        "重要措施，努力增强服务意识、质量意识和责任意识，不断提升办理工作水平。"
    )


def _responsibility(report: Report) -> str:
    """一是: how the items are spread over the lead departments."""
    rows = sorted(report.departments, key=lambda d: -d.assigned)
    subject = _subject(report)
    if not rows:
        return f"截至{cn_date(report.as_of)}，暂无由{_handler(report)}承办的{subject}。"
    if len(rows) == 1:
        spread = f"由{rows[0].name}主办"
    else:
        top = "、".join(f"{d.name}（{d.assigned}件）" for d in rows[:3])
        spread = f"分别由{len(rows)}个承办单位主办，其中主办件数较多的是{top}"
    return (
        f"{report.scope.year}年由{_handler(report)}承办的{report.assigned}件{subject}，{spread}。"
        "各承办单位认真落实办理责任，规范调查研究、措施落实、走访答复等关键环节，"
        "确保按时保质完成办理任务。"
    )


def _feedback(report: Report) -> str:
    """二是: the deputies' ratings as of the report date."""
    s = report.satisfaction
    if not s.rated:
        return f"截至{cn_date(report.as_of)}，尚未收到代表对办理情况的反馈意见。"
    counts = (
        ("满意", s.satisfied),
        ("基本满意", s.basically_satisfied),
        ("不满意", s.unsatisfied),
    )
    parts = "、".join(f"“{label}”的{n}件" for label, n in counts if n)
    return (
        f"截至{cn_date(report.as_of)}，已收到代表对{s.rated}件{_subject(report)}办理情况的"
        f"反馈意见，其中{parts}，满意率（含基本满意）为{pct(s.rate)}。"
    )


def _next_steps(report: Report) -> list[tuple[str, str]]:
    short = settings.ORGANISATION_SHORT_NAME
    remaining = [
        f"“{outcome.label}”的{share.count}件"
        for outcome, share in report.outcomes.items()
        if outcome in (Outcome.IN_PROGRESS, Outcome.PLANNED) and share.count
    ]
    follow = (
        f"目前办理结果为{'、'.join(remaining)}，{short}将继续保持工作力度，按时间节点开展跟踪复查。"
        if remaining
        else f"{short}将继续保持工作力度，对办理结果为“正在解决”和“计划解决”的代表建议开展"
        "跟踪复查。"
    )
    return [
        (
            "",
            f"下一步，{short}将继续强化跟踪督查、着力完善长效工作机制，努力把办理工作提升到"
            "新的水平。",
        ),
        (
            "（一）强化跟踪问效，确保解决率和满意率保持较高水平。",
            follow + "针对代表存在不同看法的意见建议，主动做好沟通解释工作，争取得到代表最大的"
            "理解与支持。",
        ),
        (
            "（二）完善办理机制，推动办理质量和效率实现双提高。",
            "进一步完善综合协调机制，指导承办单位处理好主会办之间的关系；进一步完善沟通交流"
            "机制，将沟通交流贯穿于办理工作全过程；进一步完善难题处置机制，对代表反映较为集中的"
            "问题加强调研、创新机制，努力求突破、抓落实。",
        ),
        (
            "（三）创新工作方式，丰富办理方法。",
            "加强分析研究，协调各方力量，努力推进疑难问题的妥善落实和解决。",
        ),
    ]


def _split_follow_up(text: str) -> list[tuple[str, str]]:
    """The narrative's follow-up paragraph in the reference's two parts: the spot checks of
    resolved items, then the follow-up of 正在解决/计划解决 (with the re-checks)."""
    in_progress, planned = Outcome.IN_PROGRESS.label, Outcome.PLANNED.label
    start = text.find(f"对办理结果为“{in_progress}”")
    if start <= 0:
        return [("", text)]
    return [
        ("巩固成效，防止问题“回潮”", text[:start]),
        (f"跟踪推进“{in_progress}”和“{planned}”件", text[start:]),
    ]


# ---------------------------------------------------------------------------------------


def render_docx(report: Report, *, signed_on: dt.date | None = None) -> bytes:
    """The Word draft of `report`, signed on `signed_on` (default: today)."""
    signed_on = signed_on or timezone.localdate()
    sections = dict(narrative_sections(report))
    draft = Draft()

    draft.title(settings.ORGANISATION_NAME, TITLE_SUBJECT)
    draft.blank()
    draft.body(f"{_congress_committee()}：", indent=False)
    draft.body(_preface(report))
    draft.body(narrative_overall(report) + "现将有关情况报告如下：")

    draft.heading(HEADINGS[0])
    draft.body(_responsibility(report), lead="一是压实承办责任，规范办理。")
    draft.body(_feedback(report), lead="二是加强沟通反馈，提升满意度。")

    for heading, keys, none in (
        (
            HEADINGS[1],
            SECTION_TWO,
            "本阶段无闭会期间提出的代表建议、“不满意”件和代表集中联系社区意见建议需要报告。",
        ),
        (HEADINGS[2], SECTION_THREE, "本阶段尚无已办复的代表建议，暂未开展抽查和跟踪复查。"),
    ):
        draft.heading(heading)
        paragraphs = [(LEADS.get(key, key), sections[key]) for key in keys if key in sections]
        if keys == SECTION_THREE and paragraphs:
            paragraphs = _split_follow_up(paragraphs[0][1])
        for number, (lead, body) in enumerate(paragraphs):
            draft.body(body, lead=f"{ORDINALS[number]}是{lead}。" if len(paragraphs) > 1 else "")
        if not paragraphs:
            draft.body(none)

    draft.heading(HEADINGS[3])
    for lead, text in _next_steps(report):
        draft.body(text, lead=lead)

    draft.blank()
    draft.blank()
    draft.signature(settings.ORGANISATION_NAME, cn_date(signed_on))
    return draft.save(report)
