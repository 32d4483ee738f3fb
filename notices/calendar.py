"""The iCalendar feed (RFC 5545, through the icalendar library) of the due dates a user
owes: a handler, the reply due dates of its department's lead items and the co-opinion
due dates of its co items; the office, every open item's reply due date. One all-day event
an item, updated in place by its UID when a due date moves."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.utils import timezone

from config.gongwen import cn_date
from departments import roles
from suggestions.models import Assignment
from suggestions.models import Status
from suggestions.models import Suggestion

OPEN = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REWORK)


def _owed(user) -> list[tuple[Suggestion, dt.date, str]]:
    """(item, due date, what is due), one query."""
    if roles.is_office(user):
        items = Suggestion.objects.filter(status__in=OPEN, due_on__isnull=False)
        return [(s, s.due_on, "答复") for s in items.order_by("due_on", "id")]
    if not roles.is_handler(user):
        return []
    held = (
        Assignment.objects.filter(
            department_id=user.department_id, is_active=True, suggestion__status__in=OPEN
        )
        .select_related("suggestion")
        .order_by("id")
    )
    owed = []
    for a in held:
        if a.role == Assignment.Role.LEAD and a.suggestion.due_on:
            owed.append((a.suggestion, a.suggestion.due_on, "答复"))
        elif a.role == Assignment.Role.CO and not a.opinion_on and a.opinion_due_on:
            owed.append((a.suggestion, a.opinion_due_on, "会办意见"))
    return owed


def feed_for(user, *, base_url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.SYSTEM_NAME}//due dates//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{settings.SYSTEM_NAME}·{user}的办理期限")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for item, due_on, what in _owed(user):
        event = icalendar.Event()
        event.add("uid", f"suggestion-{item.pk}-{what}@{settings.SYSTEM_NAME}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due_on)
        event.add("dtend", due_on + dt.timedelta(days=1))
        event.add("summary", f"【{what}到期】{item.code} {item.title}")
        event.add("description", f"{item.title}\n{what}期限：{cn_date(due_on)}")
        event.add("url", f"{base_url}/suggestions/{item.pk}/")
        cal.add_component(event)
    return cal.to_ical()
