"""The daily job: working days only (the §4 calendar, 调休 included), each reminder once
however many runs or processes, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Kind
from notices.models import Notification
from notices.reminders import send_reminders
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.notices.conftest import received
from tests.project.processes import manage

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def due(s: Suggestion, day: dt.date) -> Suggestion:
    Suggestion.objects.filter(pk=s.pk).update(due_on=day)
    return s


def reminders(user, kind) -> list:
    return list(
        Notification.objects.filter(recipient=user, kind=kind)
        .order_by("id")
        .values_list("due_on", "occasion")
    )


def test_due_soon_ten_and_three_working_days_before(journey, lead_handler, co_handler):
    # Reply due 2024-05-01 (a holiday). Ten working days before: 04-18 (the 调休 Sunday
    # 04-28 counts); three: the 调休 Sunday 04-28 itself.
    journey.to(Status.IN_PROGRESS)
    for day in (D(2024, 4, 17), D(2024, 4, 18), D(2024, 4, 27), D(2024, 4, 28)):
        send_reminders(day)
    assert reminders(lead_handler, Kind.DUE_SOON) == [(D(2024, 5, 1), "d10"), (D(2024, 5, 1), "d3")]
    assert reminders(co_handler, Kind.DUE_SOON) == []


def test_overdue_first_working_day_after_then_every_five(journey, lead_handler, office):
    s = due(journey.to(Status.IN_PROGRESS), D(2024, 4, 30))
    sent = {}
    day = D(2024, 5, 1)
    while day <= D(2024, 5, 20):
        sent[day] = send_reminders(day)["created"]
        day += dt.timedelta(days=1)
    # 05-01…05-05 Labour Day: nothing; 05-06 first working day after; then five working
    # days on, the 调休 Saturday 05-11; then 05-17.
    assert [d for d, n in sent.items() if n] == [D(2024, 5, 6), D(2024, 5, 11), D(2024, 5, 17)]
    rounds = [(D(2024, 4, 30), f"overdue-{n}") for n in (1, 2, 3)]
    assert reminders(lead_handler, Kind.OVERDUE) == rounds
    assert reminders(office, Kind.OVERDUE) == rounds
    # Replied: no more.
    Suggestion.objects.filter(pk=s.pk).update(status=Status.REPLIED, due_on=None)
    assert send_reminders(D(2024, 5, 24))["reminders"] == 0


def test_no_reminder_on_a_sunday_or_a_holiday_one_on_a_makeup_saturday(journey, lead_handler):
    s = due(journey.to(Status.IN_PROGRESS), D(2024, 4, 30))
    assert send_reminders(D(2024, 5, 12))["reminders"] == 0  # Sunday
    assert send_reminders(D(2024, 5, 2))["reminders"] == 0  # Labour Day
    due(s, D(2024, 5, 10))
    # 05-11 is a Saturday worked in exchange (调休上班): the first working day after 05-10.
    assert send_reminders(D(2024, 5, 11))["created"] == 2  # the department's handler, office
    assert reminders(lead_handler, Kind.OVERDUE) == [(D(2024, 5, 10), "overdue-1")]


def test_co_opinion_due_in_three_working_days(journey, co_handler, lead_handler):
    journey.to(Status.IN_PROGRESS)  # co opinion due 2024-03-01 (Friday)
    send_reminders(D(2024, 2, 26))  # Monday: four working days before
    send_reminders(D(2024, 2, 27))  # Tuesday: three
    assert reminders(co_handler, Kind.CO_OPINION_DUE)[-1] == (D(2024, 3, 1), "d3")
    assert len(reminders(co_handler, Kind.CO_OPINION_DUE)) == 2  # on assignment, and now
    assert reminders(lead_handler, Kind.CO_OPINION_DUE) == []


def test_running_twice_creates_each_reminder_once(journey, lead_handler):
    due(journey.to(Status.IN_PROGRESS), D(2024, 4, 30))
    assert send_reminders(D(2024, 5, 6))["created"] == 2
    assert send_reminders(D(2024, 5, 6)) == {"reminders": 1, "created": 0}
    call_command("send_reminders", "--date", "2024-05-06", "--sync")
    assert received(lead_handler).count(Kind.OVERDUE) == 1


@pytest.mark.parametrize("items", [1, 30])
def test_a_fixed_number_of_queries(journey, items):
    for _ in range(items):
        due(journey.to(Status.IN_PROGRESS, with_co=False), D(2024, 4, 30))
    with CaptureQueriesContext(connection) as ctx:
        result = send_reminders(D(2024, 5, 6))
    assert result["created"] == 2 * items
    # policy, oldest overdue date, calendar slice, lead rows, co rows, promised rows, users
    # (+ their groups), contacts, insert, read back by batch.
    assert len(ctx.captured_queries) == 11, [q["sql"][:80] for q in ctx.captured_queries]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database locks whole tables: see the process test",
)
@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_create_each_reminder_once(
    office, lead_handler, co_handler, lead_department, co_department
):
    """PostgreSQL: two connections insert at once against the unique key."""
    from tests.conftest import Journey
    from tests.reference import write_reference_data

    # Real commits: another such test before this one, in the same worker, may have emptied
    # the tables the migrations fill (the working-day calendar decides which reminders 6
    # May 2024 sends). Fill them again (idempotent) rather than rely on the order.
    write_reference_data()

    journey = Journey(office, lead_handler, co_handler, lead_department, co_department)
    for _ in range(5):
        due(journey.to(Status.IN_PROGRESS), D(2024, 4, 30))
    before = Notification.objects.count()
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            call_command("send_reminders", "--date", "2024-05-06")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Notification.objects.count() - before == 5 * 2  # lead handler and office, once


SETUP = """
import datetime as dt
from suggestions import services
from suggestions.models import Suggestion
from tests.factories import DepartmentFactory, SuggestionFactory, handler_user, office_user
lead = DepartmentFactory(name="区房管局")
office = office_user(username="office1")
handler_user(lead, username="fangguan1")
for _ in range(5):
    s = services.suggestion_assign(suggestion=SuggestionFactory(), lead=lead, actor=office)
    Suggestion.objects.filter(pk=s.pk).update(due_on=dt.date(2024, 4, 30))
"""
COUNT = (
    "from notices.models import Notification; "
    "print(Notification.objects.filter(kind='overdue').count())"
)


def test_two_processes_at_once_create_each_reminder_once(tmp_path):
    """Two `send_reminders` processes on one SQLite file database at the same moment (its
    own file, so this runs in the PostgreSQL suite too)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        SECRET_KEY="reminders",
        SQLITE_PATH=str(tmp_path / "reminders.sqlite3"),
    )

    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", SETUP)
    command = [sys.executable, "manage.py", "send_reminders", "--date", "2024-05-06"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE) for _ in "ab"]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read()
    assert manage(env, "shell", "-c", COUNT).split()[-1] == "10"  # 5 items x (handler, office)


def promised(s: Suggestion, day: dt.date) -> Suggestion:
    Suggestion.objects.filter(pk=s.pk).update(promised_on=day)
    return s


def test_promised_completion_on_its_date_to_the_lead_once(journey, lead_handler, co_handler):
    s = journey.to(Status.CLOSED)  # 计划解决, promised 2024-12-31, rated and closed
    assert Suggestion.objects.get(pk=s.pk).promised_on == D(2024, 12, 31)
    assert send_reminders(D(2024, 12, 30))["created"] == 0
    assert send_reminders(D(2024, 12, 31))["created"] == 1
    assert send_reminders(D(2024, 12, 31))["created"] == 0
    assert reminders(lead_handler, Kind.PROMISED_DUE) == [(D(2024, 12, 31), "promised")]
    assert reminders(co_handler, Kind.PROMISED_DUE) == []
    text = Notification.objects.get(kind=Kind.PROMISED_DUE).text
    assert s.code in text and "2024年12月31日" in text


def test_a_promise_falling_on_a_holiday_is_reminded_the_next_working_day(journey, lead_handler):
    promised(journey.to(Status.REPLIED), D(2024, 10, 3))  # National Day holiday
    assert send_reminders(D(2024, 10, 3))["created"] == 0
    assert send_reminders(D(2024, 10, 8))["created"] == 1
    assert send_reminders(D(2024, 10, 9))["created"] == 0
    assert reminders(lead_handler, Kind.PROMISED_DUE) == [(D(2024, 10, 3), "promised")]


def test_no_promise_reminder_once_resolved(journey, lead_handler):
    s = journey.to(Status.REPLIED)
    Suggestion.objects.filter(pk=s.pk).update(outcome="resolved")
    assert send_reminders(D(2024, 12, 31))["created"] == 0
    assert reminders(lead_handler, Kind.PROMISED_DUE) == []
