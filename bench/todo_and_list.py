"""待办计数 and the list's orders on a large table (run after bench/generate.py), PostgreSQL.

    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/todo_and_list.py
    … bench/todo_and_list.py --plans      (also print each plan's key lines)
    … bench/todo_and_list.py --todo       (part A only)

Part A runs `todo_count` (the navigation's badge, on every page) for each role and part B
the list page's rows as the view reads them (`suggestion_list` + `SuggestionFilter` +
`suggestions.paging`: the first page of 50 and the next one, sought from its last row) for
each sortable order, both directions, and the common filters. Each SQL statement
is captured from the real call and run under EXPLAIN (ANALYZE, BUFFERS); the table shows the
median execution time of RUNS runs (default 3) and the indexes the plan reads. Nothing here
is a test: results go to bench/README.md by hand.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from departments.models import Department  # noqa: E402
from departments.models import Deputy  # noqa: E402
from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from suggestions import paging  # noqa: E402
from suggestions.filters import SuggestionFilter  # noqa: E402
from suggestions.filters import list_keys  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402
from suggestions.selectors import suggestion_list  # noqa: E402
from suggestions.selectors import todo_count  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGE_SIZE = 50
# The statement that reads a page's rows (one more than a page, to know if one follows).
ROWS = f"LIMIT {PAGE_SIZE + 1}"
PLAN_NODE = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)")
# What a scan reads: the index, or "seq <table>" for a whole table.
SCANNED = re.compile(r"(?:using|Bitmap Index Scan on) (\w+)|(Seq Scan on \w+)")


def user(username: str, role: str, department: Department | None = None) -> User:
    account, _ = User.objects.get_or_create(username=username, defaults={"department": department})
    account.groups.add(Group.objects.get(name=role))
    return account


def deputy_user() -> User:
    """The deputy who leads the most items, with an account."""
    busiest = (
        Suggestion.objects.values("lead_deputy").annotate(n=Count("pk")).order_by("-n").first()
    )
    deputy = Deputy.objects.get(pk=busiest["lead_deputy"])
    if deputy.user is None:
        deputy.user = user("bench-deputy", Role.DEPUTY)
        deputy.save(update_fields=["user"])
    return User.objects.get(pk=deputy.user_id)


def explain(sql: str) -> tuple[float, list[str]]:
    """Median execution time (ms) of RUNS runs of EXPLAIN ANALYZE, and the plan's scans."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            (total,) = [line for line in lines if line.startswith("Execution Time")]
            times.append(float(total.split()[2]))
    scans = [line.strip() for line in lines if PLAN_NODE.search(line)]
    return statistics.median(times), scans


def captured(call, marker: str) -> str:
    """The first SQL statement `call` runs that contains `marker` (the count, the rows)."""
    with CaptureQueriesContext(connection) as ctx:
        call()
    statements = [q["sql"] for q in ctx.captured_queries if marker in q["sql"]]
    return statements[0] if statements else ""


def list_page(account: User, params: str, *, next_page: bool = False):
    """The list page's rows as the view reads them (suggestions.paging): the first page,
    or the next one, sought from the first page's last row."""
    data = QueryDict(params, mutable=True)
    filterset = SuggestionFilter(data, queryset=suggestion_list(account))
    qs = filterset.qs
    keys = list_keys(data, filterset.form.cleaned_data.get("o"))
    if next_page:
        data["cursor"] = paging.list_page(data, qs, keys, per_page=PAGE_SIZE).next_cursor()
    return lambda: paging.list_page(data, qs, keys, per_page=PAGE_SIZE)


def report(label: str, sql: str, plans: bool) -> None:
    if not sql:
        print(f"{label:48} {'no query':>10}")
        return
    ms, scans = explain(sql)
    indexes = sorted(
        {
            (index or table).replace("Seq Scan on ", "seq ")
            for line in scans
            for index, table in SCANNED.findall(line)
        }
    )
    print(f"{label:48} {ms:10.1f}  {', '.join(indexes)}")
    if plans:
        for line in scans:
            print(f"{'':50}{line[:150]}")


def main() -> None:
    plans = "--plans" in sys.argv
    busiest = (
        Department.objects.filter(assignments__role="lead", assignments__is_active=True)
        .annotate(n=Count("assignments"))
        .order_by("-n")
        .first()
    )
    smallest = (
        Department.objects.filter(assignments__role="lead", assignments__is_active=True)
        .annotate(n=Count("assignments"))
        .order_by("n")
        .first()
    )
    office = user("bench-office", Role.OFFICE)
    handler = user("bench-handler", Role.HANDLER, busiest)
    small = user("bench-handler-small", Role.HANDLER, smallest)
    supervisor = user("bench-supervisor", Role.SUPERVISOR)
    deputy = deputy_user()
    rows = Suggestion.objects.count()
    year = Suggestion.objects.order_by("-year").values_list("year", flat=True).first()
    print(f"{connection.vendor}, {rows:,} suggestions, median of {RUNS} EXPLAIN ANALYZE runs")
    print(f"{'A. todo_count':48} {'ms':>10}  indexes")
    roles = [
        ("office", office),
        (f"handler of {busiest.name}", handler),
        (f"handler of {smallest.name}", small),
        ("supervisor", supervisor),
        ("deputy", deputy),
    ]
    for label, account in roles:
        report(label, captured(lambda a=account: todo_count(a), "COUNT("), plans)
    if "--todo" in sys.argv:
        return
    print(f"{'B. list, a page of 50':48} {'ms':>10}  indexes")
    cases = [("office", office, ""), ("handler", handler, ""), ("small", small, "")]
    for field in ("due_on", "-due_on", "assigned_on", "-assigned_on"):
        cases += [("office", office, f"o={field}"), ("handler", handler, f"o={field}")]
        cases.append(("small", small, f"o={field}"))
    for field in ("received_on", "-received_on", "number", "-number", "first_replied_on"):
        cases += [("office", office, f"o={field}"), ("handler", handler, f"o={field}")]
    for field in ("-first_replied_on", "status", "title"):
        cases.append(("office", office, f"o={field}"))
    cases += [
        ("office", office, f"year={year}&status=in_progress&o=due_on"),
        ("office", office, f"year={year}&status=replied&o=-due_on"),
        ("office", office, f"year={year}&outcome=resolved"),
        ("office", office, f"year={year}&outcome=planned"),
        ("office", office, f"year={year}&outcome=planned&o=due_on"),
        ("office", office, f"department={busiest.pk}&department_role=lead&o=-due_on"),
        ("office", office, f"department={smallest.pk}&o=due_on"),
        ("handler", handler, f"year={year}&status=in_progress&o=due_on"),
    ]
    for who, account, params in cases:
        report(f"{who} ?{params}", captured(list_page(account, params), ROWS), plans)
        following = captured(list_page(account, params, next_page=True), ROWS)
        report(f"{who} ?{params} next page", following, plans)


if __name__ == "__main__":
    main()
