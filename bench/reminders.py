"""How the daily reminder job grows with the number of open items (after bench/generate.py).

    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/reminders.py

The generated year is made open for the measurement, inside one transaction that is rolled
back at the end (the database is left as it was): the first `--small` items, then every item,
are put 办理中 with reply due dates spread from 60 days before the day to 30 after it, every
tenth with a co department's opinion still owed and every seventh 计划解决 item's promise
falling on the day. Each department gets one handler and the office one user, so every
notice has recipients (in-app; e-mail and SMS rows are the same INSERT per channel). Each
size runs `send_reminders` twice: the first run creates the day's reminders, the second
finds them all made and creates none. Reports time, queries and notices per run. Nothing
here is a test: results go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from departments.models import Department  # noqa: E402
from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from notices.models import Notification  # noqa: E402
from notices.reminders import send_reminders  # noqa: E402
from suggestions.models import Assignment  # noqa: E402
from suggestions.models import Outcome  # noqa: E402
from suggestions.models import Status  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402

SPREAD = 90  # due dates from day - 60 to day + 29


class Rollback(Exception):
    pass


def _people() -> None:
    handler = Group.objects.get(name=Role.HANDLER)
    for department in Department.objects.all():
        user, _ = User.objects.get_or_create(
            username=f"bench-handler-{department.pk}", defaults={"department": department}
        )
        user.groups.add(handler)
    office, _ = User.objects.get_or_create(username="bench-office")
    office.groups.add(Group.objects.get(name=Role.OFFICE))


def _open(ids: list[int], day: dt.date) -> None:
    """Make the items open, due around `day` (one UPDATE per due-date offset)."""
    items = Suggestion.objects.filter(pk__in=ids) if ids else Suggestion.objects.all()
    items.update(status=Status.IN_PROGRESS, promised_on=None)
    with_rest = items.annotate(rest=F("id") % SPREAD)
    for offset in range(SPREAD):
        with_rest.filter(rest=offset).update(due_on=day + dt.timedelta(days=offset - 60))
    promised = items.annotate(rest=F("id") % 7).filter(rest=0)
    promised.update(outcome=Outcome.PLANNED, promised_on=day)
    co = Assignment.objects.filter(role=Assignment.Role.CO, suggestion__in=items)
    co.update(opinion_on=None, opinion_due_on=day + dt.timedelta(days=3))


def _run(day: dt.date) -> tuple[float, int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = send_reminders(day)
        seconds = time.perf_counter() - started
    return seconds, len(ctx.captured_queries), result


def measure(day: dt.date, small: int) -> None:
    everything = list(Suggestion.objects.order_by("pk").values_list("pk", flat=True))
    print(f"{connection.vendor}: {len(everything):,} items in the database, day {day}")
    try:
        with transaction.atomic():
            _people()
            Suggestion.objects.update(status=Status.CLOSED, due_on=None)
            for label, ids in ((f"{small:,}", everything[:small]), (f"{len(everything):,}", [])):
                _open(ids, day)
                Notification.objects.all().delete()
                for attempt in ("first", "again"):
                    seconds, queries, result = _run(day)
                    print(
                        f"  {label:>9} open items, {attempt:5} run: {seconds:6.2f} s, "
                        f"{queries} queries, {result['reminders']:,} reminders, "
                        f"{result['created']:,} notices created"
                    )
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date(2024, 5, 6))
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    measure(args.day, args.small)


if __name__ == "__main__":
    main()
