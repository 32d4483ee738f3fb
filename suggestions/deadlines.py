"""Deadlines of DESIGN §4: calendar months with month-end clamping and working days.

Working days come from the CalendarDay table (filled from chinese-calendar by a migration,
editable in the admin). A date the table does not cover falls back to Monday–Friday, and
`calendar_covers()` lets the admin warn about it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.db.models import Min

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# A window of working days never spans more than this many calendar days, even across the
# Spring Festival or National Day: enough room to load the calendar in one query.
_CALENDAR_SLACK_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """31 Jan + 1 month = 28/29 Feb: the day clamps to the target month's end."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working-day arithmetic over a preloaded slice of the CalendarDay table."""

    overrides: dict[dt.date, bool]

    @classmethod
    def for_range(cls, start: dt.date, end: dt.date) -> WorkingCalendar:
        from suggestions.models import CalendarDay

        rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_working_day"
        )
        return cls(dict(rows))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The date `count` working days after `day` (before it when count is negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += dt.timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        return sum(
            1 for i in range(1, days + 1) if self.is_working_day(start + dt.timedelta(days=i))
        )


def _span(day: dt.date, working_days: int) -> tuple[dt.date, dt.date]:
    reach = dt.timedelta(days=abs(working_days) * 2 + _CALENDAR_SLACK_DAYS)
    return (day, day + reach) if working_days >= 0 else (day - reach, day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    start, end = _span(day, count)
    return WorkingCalendar.for_range(start, end).add_working_days(day, count)


def working_days_between(start: dt.date, end: dt.date) -> int:
    low, high = sorted((start, end))
    return WorkingCalendar.for_range(low, high).working_days_between(start, end)


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar.for_range(day, day).is_working_day(day)


def calendar_range() -> tuple[dt.date | None, dt.date | None]:
    from suggestions.models import CalendarDay

    bounds = CalendarDay.objects.aggregate(first=Min("date"), last=Max("date"))
    return bounds["first"], bounds["last"]


def calendar_covers(day: dt.date) -> bool:
    first, last = calendar_range()
    return first is not None and first <= day <= last


def chinese_calendar_days(years: range) -> list[tuple[dt.date, bool, str]]:
    """Every day of the given years that chinese-calendar knows: (date, working?, name)."""
    import chinese_calendar

    days = []
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            try:
                on_holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                break
            working = not on_holiday
            label = HOLIDAY_NAMES_ZH.get(name, name or "") if name else ""
            if working and day.weekday() >= 5:
                label = f"{label}调休上班" if label else "调休上班"
            days.append((day, working, label))
            day += dt.timedelta(days=1)
    return days


def chinese_calendar_years() -> range:
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays})
    return range(years[0], years[-1] + 1)


def fill_calendar(*, years: range | None = None, overwrite_manual: bool = False) -> int:
    """Load chinese-calendar's days into the table; manual edits are kept unless asked."""
    from suggestions.models import CalendarDay

    years = years or chinese_calendar_years()
    rows = chinese_calendar_days(years)
    existing = {
        row[0]: row[1:]
        for row in CalendarDay.objects.filter(date__year__in=list(years)).values_list(
            "date", "source", "is_working_day", "name"
        )
    }
    new = [
        CalendarDay(date=d, is_working_day=w, name=n, source=CalendarDay.Source.PACKAGE)
        for d, w, n in rows
        if d not in existing
    ]
    CalendarDay.objects.bulk_create(new, batch_size=1000)
    updated = 0
    for d, w, n in rows:
        if d not in existing:
            continue
        source, working, name = existing[d]
        keep_manual = source == CalendarDay.Source.MANUAL and not overwrite_manual
        if not keep_manual and (working, name, source) != (w, n, CalendarDay.Source.PACKAGE):
            CalendarDay.objects.filter(date=d).update(
                is_working_day=w, name=n, source=CalendarDay.Source.PACKAGE
            )
            updated += 1
    return len(new) + updated
