"""Issue 17's benchmark in one run: every page it names, side by side with its floor, on the
database the environment names (after bench/generate.py; PostgreSQL at 1M is the target).

    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/scale.py [--http]

Each case requests the real page through Django's test client (middleware, selector,
FilterSet, template: the server's time without the network) or runs its floor, in rounds:
one warm-up round, then BENCH_RUNS (3) rounds in which every case runs once in turn, so
that the machine's load falls on all of them alike; the median is reported with the
queries of the last run and the time they took (the SQL of the page, beside its floor's).

- List pages (office p1, filtered p1, a deep page by 下一页 and by number, the handler's
  p1, the due-date order) against a hand-written keyset query of the same rows in the same
  order (the columns the list shows, the lead deputy joined, 50 rows, seek from the page's
  edge) and Django's admin changelist of the suggestions (p1 and the same depth).
- The detail page, the API list (`/api/v1/suggestions/`), the dashboard and the report page.
- `report_compute` against the hand-written `DISTINCT ON` totals (bench/report.py's floor).
- With `--http`, requests/s under gunicorn (2 workers, 16 connections: bench/throughput.py).

Nothing here is a test: results go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
# As deployed: the navigation's 待办 count kept 30 s in the session (the tests' settings: 0).
os.environ.setdefault("TODO_COUNT_SECONDS", "30")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from departments.models import Department  # noqa: E402
from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from reports.selectors import Scope  # noqa: E402
from reports.selectors import quarter_bounds  # noqa: E402
from reports.selectors import report_compute  # noqa: E402
from suggestions.filters import LIST_ORDER  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402
from suggestions.paging import Cursor  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGE = 50


def _bench_module(name: str):
    """Another bench script's functions (its django.setup() is the one already done)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Case:
    name: str
    run: Callable[[], object]
    floor: str = ""  # the name of the case it is compared with
    target: str = ""
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    queries: int = 0

    def once(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            self.run()
            self.times.append(time.perf_counter() - started)
        self.queries = len(captured.captured_queries)
        self.sql_times.append(sum(float(q["time"]) for q in captured.captured_queries))

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql_times)


def account(username: str, role: str | None = None, **extra) -> Client:
    user, _ = User.objects.get_or_create(username=username, defaults=extra)
    for name, value in extra.items():
        setattr(user, name, value)
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str) -> Callable[[], object]:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


# ---------------------------------------------------------------------------------------
# The floors: one hand-written statement giving the rows the page lists


_ROWS = """SELECT s.id, s.year, s.kind, s.number, s.part_no, s.title, s.status, s.outcome,
       s.due_on, s.received_on, d.name
FROM suggestions_suggestion s JOIN departments_deputy d ON d.id = s.lead_deputy_id"""
# The list's order as its seek index holds it (sugg_list_seek: -year, kind, number, part_no).
_SEEK = "(s.year * -1, s.kind, s.number, s.part_no) > (%s, %s, %s, %s)"
_LIST_ORDER = "ORDER BY s.year * -1, s.kind, s.number, s.part_no"
_HANDLED = """EXISTS (SELECT 1 FROM suggestions_assignment a WHERE a.suggestion_id = s.id
       AND a.department_id = %s AND a.is_active)"""


def keyset(where: str = "", params=(), order: str = _LIST_ORDER) -> Callable[[], list]:
    sql = f"{_ROWS} {'WHERE ' + where if where else ''} {order} LIMIT {PAGE}"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            rows = cursor.fetchall()
        assert len(rows) == PAGE, (sql, len(rows))
        return rows

    return run


def edge(offset: int) -> tuple:
    """The list's row at `offset` in its default order (read once, outside the timings)."""
    row = Suggestion.objects.order_by(*LIST_ORDER).values("year", "kind", "number", "part_no")
    row = row[offset]
    return (row["year"], row["kind"], row["number"], row["part_no"])


# ---------------------------------------------------------------------------------------


def cases() -> list[Case]:
    rows = Suggestion.objects.count()
    year = Suggestion.objects.order_by("-year").values_list("year", flat=True).first()
    busiest = (
        Department.objects.filter(assignments__role="lead", assignments__is_active=True)
        .order_by("sort_order")
        .first()
    )
    office = account("bench-office", Role.OFFICE)
    handler = account("bench-handler", Role.HANDLER, department=busiest)
    admin = account("bench-admin", None, is_staff=True, is_superuser=True)
    depth = (rows // PAGE // 2) * PAGE  # the middle of the list
    at = edge(depth - 1)
    cursor = Cursor(at, False, depth // PAGE + 1).encode()
    item = Suggestion.objects.order_by("pk").values_list("pk", flat=True)[rows // 2]
    as_of, previous = quarter_bounds(f"{year}Q4")
    totals = _bench_module("report")
    scope = Scope(year=year)
    list_target = "≤ 50 ms and ≤ 3× floor"
    return [
        Case("list, office p1", page(office, "/suggestions/"), "keyset, p1", list_target),
        Case("keyset, p1", keyset()),
        Case(
            "list, office, year + 办理中 by 期限",
            page(office, f"/suggestions/?year={year}&status=in_progress&o=due_on"),
            "keyset, year + 办理中 by 期限",
            list_target,
        ),
        Case(
            "keyset, year + 办理中 by 期限",
            keyset(
                "s.year = %s AND s.status = 'in_progress'",
                [year],
                "ORDER BY s.due_on NULLS LAST, s.year DESC, s.kind, s.number, s.part_no",
            ),
        ),
        Case(
            f"list, office, row {depth:,} by 下一页",
            page(office, f"/suggestions/?cursor={cursor}"),
            "keyset, the same depth",
            list_target,
        ),
        Case(
            f"list, office, row {depth:,} by page number",
            page(office, f"/suggestions/?page={depth // PAGE + 1}"),
            "keyset, the same depth",
            list_target,
        ),
        Case("keyset, the same depth", keyset(_SEEK, [-at[0], *at[1:]])),
        Case(
            "list, handler p1 (busiest department)",
            page(handler, "/suggestions/"),
            "keyset, handler p1",
            list_target,
        ),
        Case("keyset, handler p1", keyset(_HANDLED, [busiest.pk])),
        Case(
            "list, office, by 期限 (due date)",
            page(office, "/suggestions/?o=due_on"),
            "keyset, by 期限",
            list_target,
        ),
        Case(
            "keyset, by 期限",
            keyset("", (), "ORDER BY s.due_on NULLS LAST, s.year DESC, s.kind, s.number"),
        ),
        Case("admin changelist p1", page(admin, "/admin/suggestions/suggestion/")),
        Case(
            f"admin changelist, row {depth:,}",
            page(admin, f"/admin/suggestions/suggestion/?p={depth // 100}"),
        ),
        Case("detail page", page(office, f"/suggestions/{item}/"), "", "≤ 50 ms"),
        Case("API list p1", page(office, "/api/v1/suggestions/"), "", "≤ 50 ms"),
        Case("dashboard (督查看板)", page(office, "/dashboard/"), "", "≤ 1 s"),
        Case(
            "report page",
            page(office, f"/reports/?kind=suggestion&year={year}&quarter={year}Q4"),
            "",
            "≤ 1 s",
        ),
        Case(
            "report_compute",
            lambda: report_compute(scope=scope, as_of=as_of, previous_as_of=previous),
            "floor: DISTINCT ON totals",
            "≤ 1.5× floor",
        ),
        Case(
            "floor: DISTINCT ON totals",
            lambda: totals.run_totals(
                "distinct_on" if connection.vendor == "postgresql" else "window", scope, as_of
            ),
        ),
    ]


def report(all_cases: list[Case]) -> None:
    by_name = {case.name: case for case in all_cases}
    print(
        f"| case | ms (median of {RUNS}) | runs, ms | queries | of which SQL, ms "
        "| ÷ floor | SQL ÷ floor | target |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for case in all_cases:
        runs = ", ".join(f"{t * 1000:.0f}" for t in case.times)
        ratio = sql_ratio = ""
        if case.floor:
            floor = by_name[case.floor].median
            ratio = f"{case.median / floor:.1f}×"
            sql_ratio = f"{case.sql_median / floor:.1f}×"
        print(
            f"| {case.name} | {case.median * 1000:,.0f} | {runs} | {case.queries} "
            f"| {case.sql_median * 1000:,.0f} | {ratio} | {sql_ratio} | {case.target} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", action="store_true", help="also requests/s under gunicorn")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"{version}, {Suggestion.objects.count():,} suggestions, {os.cpu_count()} cores")
    all_cases = cases()
    for case in all_cases:  # warm-up: caches, plans, the first connection
        case.run()
    for _ in range(RUNS):
        for case in all_cases:
            case.once()
    report(all_cases)
    if args.http:
        print()
        _bench_module("throughput").main()


if __name__ == "__main__":
    main()
