"""The daily job (DESIGN §9): which reminders a working day sends.

- 临期: 10 (the policy's due-soon days) and 3 working days before the reply is due, to the
  lead department;
- 已超期: the first working day after the due date, then every 5 working days until the
  item is replied, to the lead department and the office;
- 会办意见待提交: 3 working days before the co-opinion is due, to the co department;
- 计划完成时间到期: on the promised completion date of a 正在解决 / 计划解决 item (DESIGN
  §11), to its lead department; a date that falls on a day off is reminded on the next
  working day.

Nothing on a day off (the §4 calendar: weekends, statutory holidays, 调休 working days).
A fixed number of queries whatever the number of items: the policy, the oldest overdue
date, one calendar slice, the lead rows, the co rows, the promised rows, then
`notices.services.notify`.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db.models import Min
from django.db.models import Q

from config.gongwen import cn_date
from notices.models import Kind
from notices.services import Notice
from notices.services import notify
from suggestions.deadlines import WorkingCalendar
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import OPEN_STATUSES
from suggestions.models import Assignment
from suggestions.models import DeadlinePolicy
from suggestions.models import Suggestion

# How far back a run looks for the days off before it (a promised date on a holiday).
DAYS_OFF_REACH = 15
CO_OPINION_WORKING_DAYS = 3
LAST_WARNING_WORKING_DAYS = 3
OVERDUE_EVERY_WORKING_DAYS = 5


def _item(a: Assignment) -> str:
    return f"{a.suggestion.code}《{a.suggestion.title}》"


# What a reminder reads of a row: a day's run builds tens of thousands of them at scale,
# and a whole Suggestion costs three times these fields.
ROW_FIELDS = (
    "department_id",
    "opinion_due_on",
    "suggestion__year",
    "suggestion__kind",
    "suggestion__number",
    "suggestion__part_no",
    "suggestion__title",
    "suggestion__due_on",
    "suggestion__promised_on",
)


def _assignments():
    return Assignment.objects.select_related("suggestion").only(*ROW_FIELDS)


def _rows():
    return (
        _assignments()
        .filter(is_active=True, suggestion__status__in=OPEN_STATUSES)
        .order_by("suggestion_id")
    )


class _Plan:
    """The calendar questions of one run, answered from one preloaded slice."""

    def __init__(self, day: dt.date, cal: WorkingCalendar, reach: int):
        self.day, self.cal, self.reach = day, cal, reach
        self.overdue_round = cache(self._overdue_round)

    def due_in(self, working_days: int) -> list[dt.date]:
        """The due dates that are `working_days` working days after today."""
        days = [self.day + dt.timedelta(days=i) for i in range(1, self.reach)]
        return [d for d in days if self.cal.add_working_days(d, -working_days) == self.day]

    def promised_dates(self) -> list[dt.date]:
        """Today and the days off just before it: their promises fall due today."""
        dates = [self.day]
        for back in range(1, DAYS_OFF_REACH):
            earlier = self.day - dt.timedelta(days=back)
            if self.cal.is_working_day(earlier):
                break
            dates.append(earlier)
        return dates

    def _overdue_round(self, due_on: dt.date) -> int:
        """1, 2, … when today is an overdue reminder day for `due_on`, else 0."""
        first = self.cal.add_working_days(due_on, 1)
        since = self.cal.working_days_between(first, self.day)
        if since < 0 or since % OVERDUE_EVERY_WORKING_DAYS:
            return 0
        return since // OVERDUE_EVERY_WORKING_DAYS + 1


def _lead_notices(plan: _Plan, thresholds: list[int]) -> list[Notice]:
    warn = {d: t for t in thresholds for d in plan.due_in(t)}
    rows = _rows().filter(
        Q(suggestion__due_on__lt=plan.day) | Q(suggestion__due_on__in=list(warn)),
        role=Assignment.Role.LEAD,
    )
    notices = []
    for a in rows:
        due_on = a.suggestion.due_on
        if due_on in warn:
            t = warn[due_on]
            text = f"{_item(a)}距答复期限（{cn_date(due_on)}）还有{t}个工作日，请抓紧办理。"
            notices.append(
                Notice(
                    a.suggestion_id,
                    Kind.DUE_SOON,
                    text,
                    due_on,
                    f"d{t}",
                    departments=(a.department_id,),
                )
            )
            continue
        n = plan.overdue_round(due_on)
        if n:
            text = (
                f"{_item(a)}已超过答复期限（{cn_date(due_on)}），尚未答复，"
                f"请尽快办理（第{n}次提醒）。"
            )
            notices.append(
                Notice(
                    a.suggestion_id,
                    Kind.OVERDUE,
                    text,
                    due_on,
                    f"overdue-{n}",
                    departments=(a.department_id,),
                    office=True,
                )
            )
    return notices


def _co_notices(plan: _Plan) -> list[Notice]:
    rows = _rows().filter(
        role=Assignment.Role.CO,
        opinion_on__isnull=True,
        opinion_due_on__in=plan.due_in(CO_OPINION_WORKING_DAYS),
    )
    return [
        Notice(
            a.suggestion_id,
            Kind.CO_OPINION_DUE,
            f"{_item(a)}的会办意见须于{cn_date(a.opinion_due_on)}前提交主办单位"
            f"（还有{CO_OPINION_WORKING_DAYS}个工作日）。",
            a.opinion_due_on,
            f"d{CO_OPINION_WORKING_DAYS}",
            departments=(a.department_id,),
        )
        for a in rows
    ]


def _promised_notices(plan: _Plan) -> list[Notice]:
    rows = _assignments().filter(
        is_active=True,
        role=Assignment.Role.LEAD,
        suggestion__promised_on__in=plan.promised_dates(),
        suggestion__outcome__in=FOLLOW_UP_OUTCOMES,
        suggestion__voided_on__isnull=True,
    )
    return [
        Notice(
            a.suggestion_id,
            Kind.PROMISED_DUE,
            f"{_item(a)}答复中承诺的计划完成时间（{cn_date(a.suggestion.promised_on)}）已到，"
            f"请报告办理进展或办结情况。",
            a.suggestion.promised_on,
            "promised",
            departments=(a.department_id,),
        )
        for a in rows.order_by("suggestion_id")
    ]


def reminders_for(day: dt.date) -> list[Notice]:
    """The reminders `day` sends; none on a day off."""
    policy = DeadlinePolicy.current()
    thresholds = sorted({policy.due_soon_working_days, LAST_WARNING_WORKING_DAYS}, reverse=True)
    reach = max(*thresholds, CO_OPINION_WORKING_DAYS) * 2 + 30
    oldest = Suggestion.objects.filter(status__in=OPEN_STATUSES, due_on__lt=day).aggregate(
        d=Min("due_on")
    )["d"]
    start = min(oldest or day, day - dt.timedelta(days=DAYS_OFF_REACH))
    cal = WorkingCalendar.for_range(start, day + dt.timedelta(days=reach))
    if not cal.is_working_day(day):
        return []
    plan = _Plan(day, cal, reach)
    return _lead_notices(plan, thresholds) + _co_notices(plan) + _promised_notices(plan)


def send_reminders(day: dt.date) -> dict:
    notices = reminders_for(day)
    created = notify(notices)
    return {"reminders": len(notices), "created": len(created)}
