"""Benchmarks of the quarterly report on generated data (bench/generate.py).

    SECRET_KEY=bench SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/report.py compute
    SECRET_KEY=bench SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/report.py xlsx

compute: report_compute (every figure and list of the report, the previous quarter included)
against one hand-written SQL aggregate that yields the same totals as of D (assigned,
replied, on time, outcome counts); the totals are checked equal, and the ORM's own
aggregate of those totals (figures.grouped_figures, summed) is timed too. Best of --repeat
runs after a warm-up, all in the same process and the same run.

xlsx: render_xlsx(report) against the floor, plain openpyxl write-only writing the same 明细
cells from the same query, each in a fresh subprocess whose peak RSS is read with wait4.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reports.exports.rows import DETAIL_COLUMNS  # noqa: E402
from reports.exports.rows import report_detail_rows  # noqa: E402
from reports.exports.xlsx import render_xlsx  # noqa: E402
from reports.figures import grouped_figures  # noqa: E402
from reports.figures import total_figures  # noqa: E402
from reports.selectors import Scope  # noqa: E402
from reports.selectors import quarter_bounds  # noqa: E402
from reports.selectors import report_compute  # noqa: E402
from suggestions.models import Outcome  # noqa: E402

OUTCOMES = [o.value for o in Outcome]

# The totals as of D in one statement: the latest outcome of each item by a window over
# the ledger (portable), by DISTINCT ON (PostgreSQL), or by a correlated subquery.
_TOTALS = """
SELECT COUNT(*),
       SUM(CASE WHEN s.first_replied_on <= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN s.first_replied_on <= %s AND s.first_replied_on <= s.reply_due_on
                THEN 1 ELSE 0 END),
       {outcomes}
FROM suggestions_suggestion s
{join}
WHERE s.year = %s AND s.kind = %s AND s.assigned_on <= %s
"""
_OUTCOME_SUM = "SUM(CASE WHEN s.first_replied_on <= %s AND {col} = '{value}' THEN 1 ELSE 0 END)"
LATEST_BY_WINDOW = """
LEFT JOIN (
    SELECT suggestion_id, to_outcome FROM (
        SELECT suggestion_id, to_outcome,
               ROW_NUMBER() OVER (PARTITION BY suggestion_id
                                  ORDER BY effective_on DESC, id DESC) AS rn
        FROM suggestions_outcomechange WHERE effective_on <= %s
    ) ranked WHERE rn = 1
) o ON o.suggestion_id = s.id
"""
LATEST_BY_DISTINCT_ON = """
LEFT JOIN (
    SELECT DISTINCT ON (suggestion_id) suggestion_id, to_outcome
    FROM suggestions_outcomechange WHERE effective_on <= %s
    ORDER BY suggestion_id, effective_on DESC, id DESC
) o ON o.suggestion_id = s.id
"""
LATEST_CORRELATED = "(SELECT oc.to_outcome FROM suggestions_outcomechange oc WHERE \
oc.suggestion_id = s.id AND oc.effective_on <= %s ORDER BY oc.effective_on DESC, oc.id DESC \
LIMIT 1)"


def totals_sql(variant: str, scope: Scope, day) -> tuple[str, list]:
    if variant == "correlated":
        outcomes = ",\n       ".join(
            _OUTCOME_SUM.format(col=LATEST_CORRELATED, value=v) for v in OUTCOMES
        )
        params = [day, day] + [day, day] * len(OUTCOMES)
        join = ""
    else:
        outcomes = ",\n       ".join(
            _OUTCOME_SUM.format(col="o.to_outcome", value=v) for v in OUTCOMES
        )
        params = [day, day] + [day] * len(OUTCOMES) + [day]
        join = LATEST_BY_WINDOW if variant == "window" else LATEST_BY_DISTINCT_ON
    sql = _TOTALS.format(outcomes=outcomes, join=join)
    return sql, params + [scope.year, scope.kind, day]


def run_totals(variant: str, scope: Scope, day) -> dict[str, int]:
    sql, params = totals_sql(variant, scope, day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    names = ["assigned", "replied", "on_time", *OUTCOMES]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    fn()  # warm-up: caches, plans
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}; "
        f"{connection.vendor} {version}"
    )


def scope_and_dates(args) -> tuple[Scope, object, object]:
    as_of, previous = quarter_bounds(args.quarter)
    return Scope(year=args.year or as_of.year), as_of, previous


# ---------------------------------------------------------------------------------------


def bench_compute(args) -> None:
    scope, as_of, previous = scope_and_dates(args)
    print(f"machine: {machine()}")
    report_time, report = best(
        lambda: report_compute(scope=scope, as_of=as_of, previous_as_of=previous), args.repeat
    )
    print(f"items in scope (assigned as of {as_of}): {report.assigned:,}")
    figures_time, figures = best(
        lambda: total_figures(grouped_figures(scope, as_of, None)), args.repeat
    )

    variants = ["window", "correlated"]
    if connection.vendor == "postgresql":
        variants.insert(0, "distinct_on")
    sql_times = {}
    expected = {
        "assigned": report.assigned,
        "replied": report.replied,
        "on_time": report.on_time,
        **{o.value: share.count for o, share in report.outcomes.items()},
    }
    for variant in variants:
        seconds, totals = best(lambda v=variant: run_totals(v, scope, as_of), args.repeat)
        assert totals == expected, (variant, totals, expected)
        assert {k: figures[k] for k in expected} == expected
        sql_times[variant] = seconds
    floor_variant = min(sql_times, key=sql_times.get)
    floor = sql_times[floor_variant]

    with CaptureQueriesContext(connection) as captured:
        report_compute(scope=scope, as_of=as_of, previous_as_of=previous)
    queries = sorted(
        ((float(q["time"]), q["sql"][:90].replace("\n", " ")) for q in captured.captured_queries),
        reverse=True,
    )

    print("totals equal (report_compute, grouped_figures and every SQL variant):", expected)
    print()
    print("| measure | seconds | ÷ hand-written SQL |")
    print("|---|---:|---:|")
    for variant, seconds in sql_times.items():
        mark = " (floor)" if variant == floor_variant else ""
        print(f"| hand-written SQL, {variant}{mark} | {seconds:.3f} | {seconds / floor:.2f}× |")
    print(
        f"| ORM grouped aggregate of the same totals | {figures_time:.3f} | "
        f"{figures_time / floor:.2f}× |"
    )
    print(
        f"| report_compute (whole report, {len(queries)} queries) | {report_time:.3f} | "
        f"{report_time / floor:.2f}× |"
    )
    print()
    print("report_compute, slowest queries of one run:")
    for seconds, sql in queries[:6]:
        print(f"  {seconds:7.3f} s  {sql}")


# ---------------------------------------------------------------------------------------


def child(args) -> None:
    """One measured run in this (fresh) process; prints a JSON line."""
    scope, as_of, previous = scope_and_dates(args)
    report = report_compute(scope=scope, as_of=as_of, previous_as_of=previous)
    started = time.perf_counter()
    if args.mode == "render":
        size = len(render_xlsx(report))
    elif args.mode == "floor":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("明细")
        sheet.append([c.header for c in DETAIL_COLUMNS])
        for row in report_detail_rows(report.scope, report.as_of):
            sheet.append(row)
        output = io.BytesIO()
        book.save(output)
        size = len(output.getvalue())
    elif args.mode == "query":
        size = sum(1 for _ in report_detail_rows(report.scope, report.as_of))
    else:  # baseline: Django and the computed report, nothing written
        size = 0
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "size": size, "rows": report.assigned}))


def run_child(args, mode: str) -> tuple[dict, float]:
    command = [sys.executable, __file__, "_child", mode, "--quarter", args.quarter]
    if args.year:
        command += ["--year", str(args.year)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=os.environ.copy())
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    output = process.stdout.read().decode()
    process.stdout.close()
    if process.returncode:
        raise SystemExit(f"{mode} failed ({process.returncode})")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024  # KiB → MiB


def bench_xlsx(args) -> None:
    print(f"machine: {machine()}")
    results = {}
    for mode in ("baseline", "query", "floor", "render"):
        runs = [run_child(args, mode) for _ in range(args.repeat)]
        results[mode] = {
            "seconds": min(r["seconds"] for r, _ in runs),
            "median": statistics.median(r["seconds"] for r, _ in runs),
            "peak_mib": max(rss for _, rss in runs),
            "size": runs[0][0]["size"],
            "rows": runs[0][0]["rows"],
        }
    floor, render = results["floor"]["seconds"], results["render"]["seconds"]
    query = results["query"]["seconds"]
    print(f"明细 rows: {results['render']['rows']:,}")
    print()
    print("| run (fresh process each) | best s | median s | peak RSS MiB | output |")
    print("|---|---:|---:|---:|---:|")
    labels = {
        "baseline": "Django + report_compute only",
        "query": "明细 query only (report_detail_rows)",
        "floor": "floor: openpyxl write-only, 明细 cells",
        "render": "render_xlsx (5 sheets, styles, chart)",
    }
    for mode, r in results.items():
        output = f"{r['size'] / 1e6:.1f} MB" if mode in ("floor", "render") else ""
        print(
            f"| {labels[mode]} | {r['seconds']:.2f} | {r['median']:.2f} | "
            f"{r['peak_mib']:.0f} | {output} |"
        )
    print()
    print(f"render_xlsx ÷ floor: {render / floor:.2f}×  (target ≤ 1.3×)")
    print(
        f"writing alone (minus the query): render {render - query:.2f} s, "
        f"floor {floor - query:.2f} s, ratio {(render - query) / (floor - query):.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["compute", "xlsx", "_child"])
    parser.add_argument("mode", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--quarter", default="2023Q3")
    parser.add_argument("--year", type=int, help="the items' year (default: the quarter's)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and Path(db["NAME"]).resolve() == ROOT / "db.sqlite3":
        sys.exit("Refusing to run on the development db.sqlite3: set SQLITE_PATH or DATABASE_URL.")
    {"compute": bench_compute, "xlsx": bench_xlsx, "_child": child}[args.what](args)


if __name__ == "__main__":
    main()
