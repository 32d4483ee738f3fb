"""How fast the suggestion list pages stay on a large table (run after bench/generate.py).

    SECRET_KEY=bench SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/list.py
    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/list.py

Each case requests the real page through Django's test client (middleware, selector,
FilterSet, pages and total, template) as an office user and as a handler, and reports the median
of several runs with the number of SQL queries. Nothing here is a test: results go to
bench/README.md by hand.
"""

from __future__ import annotations

import os
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

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # so responses carry their template context (the row counts)

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from departments.models import Department  # noqa: E402
from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from suggestions.filters import LIST_ORDER  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402
from suggestions.paging import Cursor  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def user(username: str, role: str, department: Department | None = None) -> User:
    account, _ = User.objects.get_or_create(username=username, defaults={"department": department})
    account.groups.add(Group.objects.get(name=role))
    return account


def measure(client: Client, url: str) -> tuple[float, int, int]:
    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    try:
        total = response.context["page"].total
    except (KeyError, TypeError):
        return statistics.median(times), queries, "—"  # a page without a paginated list
    return statistics.median(times), queries, f"{'' if total.exact else '~'}{total.value:,}"


def deep_cursor(offset: int) -> str:
    """The 下一页 cursor of the office's unfiltered list at row `offset` (read once, outside
    the timings), so the seek page can be compared with `?page=N` at the same depth."""
    row = Suggestion.objects.order_by(*LIST_ORDER).values("year", "kind", "number", "part_no")[
        offset
    ]
    values = (row["year"], row["kind"], row["number"], row["part_no"])
    return Cursor(values, False, offset // 50 + 2).encode()


def main() -> None:
    rows = Suggestion.objects.count()
    busiest = (
        Department.objects.filter(assignments__role="lead", assignments__is_active=True)
        .order_by("sort_order")
        .first()
    )
    year = Suggestion.objects.order_by("-year").values_list("year", flat=True).first()
    office = Client()
    office.force_login(user("bench-office", Role.OFFICE))
    handler = Client()
    handler.force_login(user("bench-handler", Role.HANDLER, busiest))
    pages = max(1, rows // 50)
    cases = [
        ("office", office, "/suggestions/"),
        ("office", office, f"/suggestions/?page={pages // 2}"),
        ("office", office, f"/suggestions/?cursor={deep_cursor((pages // 2 - 1) * 50 - 1)}"),
        ("office", office, "/suggestions/?exact=1"),
        ("office", office, f"/suggestions/?year={year}&status=in_progress&o=due_on"),
        ("office", office, f"/suggestions/?department={busiest.pk}&department_role=lead&o=-due_on"),
        ("office", office, f"/suggestions/?year={year}&deadline=overdue"),
        ("office", office, "/suggestions/?q=停车"),
        ("handler", handler, "/suggestions/"),
        ("handler", handler, "/suggestions/?status=in_progress&o=due_on"),
        ("handler", handler, "/workspace/"),
        ("office", office, "/"),
    ]
    vendor = connection.vendor
    print(f"{vendor}, {rows:,} suggestions, median of {RUNS} runs")
    print(f"{'who':8} {'ms':>8} {'queries':>8} {'rows':>10}  url")
    for who, client, url in cases:
        seconds, queries, total = measure(client, url)
        print(f"{who:8} {seconds * 1000:8.0f} {queries:8d} {total:>10}  {url[:90]}")


if __name__ == "__main__":
    main()
