"""The report's Chinese text, written from a computed Report.

The wording follows the office's own report to the people's congress (the Jing'an 2023
report): for the reference data the first paragraph reads exactly as DESIGN §6 quotes it,
other data give the natural variants (全部办复, 已超期, 下降了, 持平, "—" …). The organisation's
names come from settings, never from literals.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from config.gongwen import cn_date
from departments.models import Deputy
from reports.selectors import Report
from reports.selectors import SpotCheck
from reports.selectors import UnsatisfiedItem
from reports.selectors import UpgradedItem
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source

NO_RATE = "—"
# How a spot check was made is written in its findings (the record has no field for it).
CHECK_METHODS = ("实地走访", "电话回访", "面商", "座谈", "查阅资料")
TITLES_NAMED = 8  # beyond this a paragraph names the first ones and says 等N件

SOURCE_PREFIX = {Source.SESSION: "大会期间提出的", Source.RECESS: "闭会期间提出的"}
LEVEL_PREFIX = {Deputy.Level.CITY: "市", Deputy.Level.DISTRICT: "区"}


def pct(value: Decimal | None) -> str:
    """82.3 → "82.3%"; a rate without denominator → "—"."""
    return NO_RATE if value is None else f"{value}%"


def _quoted(label: str) -> str:
    return f"“{label}”"


def _titles(titles: list[str]) -> str:
    return "".join(_quoted(t) for t in titles[:TITLES_NAMED])


def _organisation() -> str:
    return settings.ORGANISATION_SHORT_NAME


def _handler(report: Report) -> str:
    """Who handles the items: the chosen department, else the organisation (区政府)."""
    return report.scope_department_name or _organisation()


def _subject(report: Report) -> str:
    return SOURCE_PREFIX.get(report.scope.source or "", "") + Kind(report.scope.kind).label


def _this_year(report: Report) -> str:
    return "今年" if report.as_of.year == report.scope.year else f"{report.scope.year}年"


def _congress() -> str:
    """区政府 → 区两会: the congress of the organisation's level."""
    level = _organisation().removesuffix("政府")
    return f"{level}两会" if level != _organisation() else "人代会"


# ---------------------------------------------------------------------------------------
# The overall paragraph (DESIGN §6)


def _pending_clause(report: Report) -> str:
    pending, overdue = report.pending, report.overdue
    if overdue == pending:
        return f"另有{pending}件已超期，正在督促办理。"
    if overdue:
        return f"另有{pending}件正在抓紧办理，其中{overdue}件已超期。"
    all_recess = report.scope.source is None and report.recess.pending == pending
    return f"另有{pending}件{'为闭会期间提出，' if all_recess else ''}正在抓紧办理。"


def _replies_sentence(report: Report) -> str:
    n, replied, on_time = report.assigned, report.replied, report.on_time
    handled = f"由{_handler(report)}承办的{n}件{_subject(report)}"
    if replied == 0:
        late = ""
        if report.overdue == n:
            late = "，均已超期"
        elif report.overdue:
            late = f"，其中{report.overdue}件已超期"
        return f"{handled}均在抓紧办理中，尚未办复{late}。"
    if replied == n:
        if on_time == replied:
            return f"{handled}均已在规定时间内办复。"
        if on_time == 0:
            return f"{handled}均已办复，但均未在规定时间内办复。"
        return f"{handled}均已办复，其中{on_time}件在规定时间内办复。"
    if on_time == replied:
        done = f"有{replied}件均在规定时间内办复"
    else:
        done = f"有{replied}件已办复（其中{on_time}件在规定时间内办复）"
    return f"{handled}中，{done}，{_pending_clause(report)}"


def _outcomes_sentence(report: Report) -> str:
    parts = [
        f"办理结果为{_quoted(outcome.label)}的{share.count}件，占总数的{pct(share.percent)}"
        for outcome, share in report.outcomes.items()
        if share.count
    ]
    return f"在已办复的{report.replied}件{_subject(report)}中，{'；'.join(parts)}。"


def _change_sentence(report: Report) -> str:
    rate, previous, change = (
        report.resolution_rate,
        report.previous_resolution_rate,
        report.change,
    )
    if previous is None or change is None:
        return f"办理解决率为{pct(rate)}。"
    before = f"上一阶段（{pct(previous)}）"
    near = "近" if report.change_is_approximate else ""
    if change > 0:
        return f"办理解决率较{before}提高了{near}{change}个百分点。"
    if change < 0:
        return f"办理解决率较{before}下降了{near}{-change}个百分点。"
    return f"办理解决率与{before}持平。"


def narrative_overall(report: Report) -> str:
    head = f"截至{cn_date(report.as_of)}，"
    if report.assigned == 0:
        return f"{head}暂无由{_handler(report)}承办的{_subject(report)}。"
    text = head + _replies_sentence(report)
    if report.replied:
        text += _outcomes_sentence(report) + _change_sentence(report)
    return text


# ---------------------------------------------------------------------------------------
# The other sections, modelled on the reference report


def _recess_paragraph(report: Report) -> str:
    r = report.recess
    parts = [
        f"{_this_year(report)}，{_congress()}闭会期间，共收到由{_handler(report)}承办的"
        f"{Kind(report.scope.kind).label}{r.assigned}件"
    ]
    in_time = "按规定提前" if r.early == r.replied else "按规定" if r.on_time == r.replied else ""
    if r.replied == r.assigned:
        parts.append(f"均已{in_time}办复")
    elif r.replied:
        parts.append(f"其中{r.replied}件已{in_time}办复")
    else:
        parts.append("均在抓紧办理中")
    if r.replied and r.resolved == r.replied:
        parts.append(f"办理结果均为{_quoted(Outcome.RESOLVED.label)}")
    elif r.resolved:
        parts.append(f"其中办理结果为{_quoted(Outcome.RESOLVED.label)}的{r.resolved}件")
    if r.replied and r.pending:
        late = f"，其中{r.overdue}件已超期" if r.overdue else ""
        parts.append(f"另{r.pending}件正在抓紧办理{late}")
    elif r.overdue:
        parts.append(f"其中{r.overdue}件已超期")
    return "，".join(parts) + "。"


def _unsatisfied_line(u: UnsatisfiedItem) -> str:
    records = u.follow_ups_since_unsatisfied
    kinds = list(dict.fromkeys(f.kind_label for f in records))
    line = _quoted(u.item.title)
    if u.item.department:
        line += f"（{u.item.department}）"
    if records:
        line += f"经{'、'.join(kinds)}共{len(records)}次跟踪"
    if u.reworked:
        line += "，承办部门已重新办复"
        if u.rating and u.rating != Satisfaction.UNSATISFIED:
            line += f"，代表反馈{_quoted(Satisfaction(u.rating).label)}"
        else:
            line += "，正在征询代表意见"
    else:
        line += "，承办部门正在重新办理"
    return line


def _unsatisfied_paragraph(report: Report) -> str:
    organisation = _organisation()
    if not report.unsatisfied:
        return f"截至{cn_date(report.as_of)}，暂无代表对办理结果表示{_quoted('不满意')}。"
    lines = "；".join(_unsatisfied_line(u) for u in report.unsatisfied)
    return (
        f"根据征询代表意见情况，{organisation}办公室立即核实"
        f"{len(report.unsatisfied)}件{_quoted('不满意')}件的办理情况，要求承办部门高度重视，"
        "主动加强与代表的沟通交流，定期沟通进展情况，深入推动建议办理。"
        f"其中，{lines}。"
        f"下一步{organisation}督查室将继续跟踪推进落实情况，确保成熟一件，落实一件。"
    )


def _departments_phrase(top: tuple[tuple[str, int], ...]) -> str:
    names = [name for name, _ in top]
    if len(names) == 1:
        return f"交由{names[0]}负责办理"
    if len(names) == 2:
        return f"分别交由{'、'.join(names)}负责办理"
    return f"分别交由{'、'.join(names[:2])}等{len(names)}个部门（单位）负责办理"


def _community_paragraph(report: Report) -> str:
    c = report.community
    handler = _handler(report)
    levels = "、".join(LEVEL_PREFIX[level] for level in LEVEL_PREFIX if level in c.deputy_levels)
    text = (
        f"{_this_year(report)}，{handler}收到{levels}人大代表集中联系社区意见建议共"
        f"{c.assigned}件，{_departments_phrase(c.top_departments)}。"
        f"截至{cn_date(report.as_of)}，由{handler}系统办理的{c.assigned}件意见建议"
    )
    if c.replied == c.assigned:
        text += "均已办复。"
    elif c.replied:
        text += f"中，已办复{c.replied}件。"
    else:
        return text + "均在抓紧办理中。"
    share = c.resolved_or_in_progress
    return (
        text + f"其中，办理结果为{_quoted(Outcome.RESOLVED.label)}和"
        f"{_quoted(Outcome.IN_PROGRESS.label)}的{share.count}件，占总数的{pct(share.percent)}。"
    )


def _spot_check_sentences(checks: tuple[SpotCheck, ...], office: str) -> str:
    findings = " ".join(c.findings for c in checks)
    methods = [m for m in CHECK_METHODS if m in findings]
    how = f"通过{'、'.join(methods)}等方式" if methods else ""
    resolved = _quoted(Outcome.RESOLVED.label)
    text = (
        f"{office}对办理结果为{resolved}的建议，{how}进行抽查，检验办理工作真实效果，"
        f"共抽查{len(checks)}件。"
    )
    # A check recorded without a verdict is counted but neither praised nor blamed.
    good = [c.item.title for c in checks if c.consistent_with_reply is True]
    bad = [c.item.title for c in checks if c.consistent_with_reply is False]
    if not good and not bad:
        return text
    if good and not bad:
        return text + (
            f"从检查结果看，{_titles(good)}等建议均得到了较好落实，与{resolved}的办理结果相吻合。"
        )
    text += "从检查结果看，"
    if good:
        text += f"{_titles(good)}等{len(good)}件建议与{resolved}的办理结果相吻合；"
    return text + (
        f"{_titles(bad)}等{len(bad)}件建议的落实情况与办理结果不符，已要求承办部门重新核实办理。"
    )


def _upgraded_sentences(upgraded: tuple[UpgradedItem, ...], report: Report) -> str:
    counts = {
        outcome: sum(1 for u in upgraded if u.from_outcome == outcome)
        for outcome in (Outcome.IN_PROGRESS, Outcome.PLANNED)
    }
    was = "、".join(f"{_quoted(o.label)}的{n}件" for o, n in counts.items() if n)
    titles = [u.item.title for u in upgraded]
    return (
        f"经跟踪复查，{_titles(titles)}等{len(upgraded)}件{_subject(report)}均已得到较好的"
        f"解决和落实，办理结果调整为{_quoted(Outcome.RESOLVED.label)}（其中原为{was}）。"
    )


def _follow_up_paragraph(report: Report) -> str:
    office = f"{_organisation()}办公室"
    parts = []
    if report.spot_checks:
        parts.append(_spot_check_sentences(report.spot_checks, office))
    parts.append(
        f"对办理结果为{_quoted(Outcome.IN_PROGRESS.label)}和{_quoted(Outcome.PLANNED.label)}"
        "的建议，督促承办部门按时间节点推进，做好反馈答复工作。"
    )
    if report.upgraded:
        parts.append(_upgraded_sentences(report.upgraded, report))
    remaining = [
        f"{_quoted(o.label)}的{share.count}件"
        for o, share in report.outcomes.items()
        if o in (Outcome.IN_PROGRESS, Outcome.PLANNED) and share.count
    ]
    if remaining:
        parts.append(f"目前办理结果为{'、'.join(remaining)}，将继续跟踪推进。")
    elif report.replied:
        parts.append(
            f"目前已无办理结果为{_quoted(Outcome.IN_PROGRESS.label)}或"
            f"{_quoted(Outcome.PLANNED.label)}的{_subject(report)}。"
        )
    return "".join(parts)


def narrative_sections(report: Report) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs: the overall figures first, then the topics the reference
    report covers, each only when the scope has something to say about it."""
    sections = [("总体情况", narrative_overall(report))]
    is_suggestion = report.scope.kind == Kind.SUGGESTION
    if is_suggestion and report.scope.source is None and report.recess.assigned:
        sections.append(("闭会期间代表建议办理情况", _recess_paragraph(report)))
    if report.replied:
        sections.append(("“不满意”件跟踪督办情况", _unsatisfied_paragraph(report)))
    if is_suggestion and report.community.assigned:
        sections.append(("代表集中联系社区意见建议办理情况", _community_paragraph(report)))
    if report.replied:
        sections.append(("抽查和跟踪复查情况", _follow_up_paragraph(report)))
    return sections
