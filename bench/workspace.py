"""我的待办 (`/workspace/`) on a large table, per role (run after bench/generate.py).

    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/workspace.py
    … bench/workspace.py --plans     (also EXPLAIN ANALYZE each query over SLOW_MS, key lines)
    … bench/workspace.py handler     (only the roles whose label contains a word given)
    … bench/workspace.py --drop=sugg_open_order,…   (without these indexes: dropped in a
                                        transaction that is rolled back at the end)

Each role requests the real page through Django's test client (middleware, selectors,
template, the navigation's 待办 count) RUNS times (default 3): the median time and the
number of queries. One more request is captured query by query (CaptureQueriesContext):
the slowest queries' times, and with --plans their plans under EXPLAIN (ANALYZE, BUFFERS)
(the scans, joins and sorts). The roles: the office, the handler of the busiest department
and of the smallest, a supervisor and the deputy who leads the most items (the users of
bench/todo_and_list.py). Nothing here is a test: results go to bench/README.md by hand.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The real settings made hermetic (static files served from the app folders, no manifest).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.todo_and_list import deputy_user  # noqa: E402
from bench.todo_and_list import user  # noqa: E402
from departments.models import Department  # noqa: E402
from departments.models import Role  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SLOW_MS = float(os.environ.get("BENCH_SLOW_MS", "5"))
URL = "/workspace/"
PLAN_LINE = re.compile(
    r"(Scan|Join|Sort|Limit|Aggregate|Append|Gather|Nested Loop|Execution Time|Buffers)"
)


def by_lead_count(descending: bool) -> Department:
    departments = Department.objects.filter(
        assignments__role="lead", assignments__is_active=True
    ).annotate(n=Count("assignments"))
    return departments.order_by("-n" if descending else "n").first()


def measure(client: Client) -> tuple[float, int, int]:
    """Median milliseconds of RUNS requests, the number of queries and the status code."""
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(URL)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(ctx.captured_queries), response.status_code


def slow_queries(client: Client) -> list[tuple[float, str]]:
    """The page's queries slower than SLOW_MS (one request), slowest first."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    timed = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
    return sorted((t for t in timed if t[0] >= SLOW_MS), reverse=True)


def plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    return [line for line in lines if PLAN_LINE.search(line)]


def main() -> None:
    dropped = [arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--drop=")]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in ",".join(dropped).split(",") if dropped else []:
                cursor.execute(f'DROP INDEX "{name}"')
        measure_roles()
        transaction.set_rollback(True)


def measure_roles() -> None:
    plans = "--plans" in sys.argv
    busiest, smallest = by_lead_count(True), by_lead_count(False)
    roles = [
        ("office", user("bench-office", Role.OFFICE)),
        (f"handler, {busiest.name}", user("bench-handler", Role.HANDLER, busiest)),
        (f"handler, {smallest.name}", user("bench-handler-small", Role.HANDLER, smallest)),
        ("supervisor", user("bench-supervisor", Role.SUPERVISOR)),
        ("deputy", deputy_user()),
    ]
    rows = Suggestion.objects.count()
    print(f"{connection.vendor}, {rows:,} suggestions, {URL}, median of {RUNS} requests")
    print(f"{'who':32} {'ms':>8} {'queries':>8} {'status':>7}")
    words = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    for label, account in roles:
        if words and not any(word in label for word in words):
            continue
        client = Client()
        client.force_login(account)
        client.get(URL)  # warm: the session, the templates
        ms, queries, status = measure(client)
        print(f"{label:32} {ms:8.0f} {queries:8d} {status:7d}")
        for took, sql in slow_queries(client):
            print(f"{'':4}{took:8.1f} ms  {sql[:160]}")
            if plans:
                for line in plan(sql):
                    print(f"{'':18}{line[:150]}")


if __name__ == "__main__":
    main()
