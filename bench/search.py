"""关键词 search at scale: the list page's search, timed and its plans checked (issue 14).

    url=$(scripts/pg.sh start /tmp/pg-1m)
    DATABASE_URL=$url SECRET_KEY=bench .venv/bin/python bench/generate.py --n 1000000
    DATABASE_URL=$url SECRET_KEY=bench .venv/bin/python bench/search.py prepare
    DATABASE_URL=$url SECRET_KEY=bench .venv/bin/python bench/search.py [--plans]

`prepare` (once, after bench/generate.py) gives the generated items what search reads and
the generator leaves out: deputies with real-looking two- and three-character names instead
of 代表001…, co-signers on 40% of the items (one to three each), and a content of a few
sentences drawn from a small pool, one of which (历史风貌保护) is rare, about 1 item in 2,000.

The measurement requests the list's results as the filter bar does when one searches
(`/suggestions/?q=…` as an HTMX partial: middleware, visibility selector, FilterSet,
paginator, the results' template; `--full-page` adds the navigation and its 待办 count)
through Django's test client as an office user and as the handler of the busiest
department, three times each, and prints the median. Each SQL
statement of the page that searches (the COUNT behind "共 N 件" and the first page's rows)
is then run three times under EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (EXPLAIN QUERY PLAN
on SQLite); the table shows their median execution times and flags a sequential scan over a
large table (items, assignments, co-signers). `--plans` prints the whole plans. Nothing
here is a test: results go to bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The real settings made hermetic (static files served from the app folders, no manifest).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from departments.models import Department  # noqa: E402
from departments.models import Deputy  # noqa: E402
from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from suggestions.models import Assignment  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# What the filter bar asks for as one types: the results only (no navigation, whose 待办
# count is not search's cost).
PARTIAL = {"HX-Request": "true", "HX-Target": "results"}
SEQ_SCAN = re.compile(r"Seq Scan on (\w+).*actual time=\S+ rows=(\d+) loops=(\d+)")
LARGE_TABLES = ("suggestions_suggestion", "suggestions_assignment", "suggestions_suggestion_co")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢"
SURNAMES += "宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = [
    "伟", "芳", "敏", "静", "磊", "军", "勇", "艳", "杰", "涛", "明", "霞",
    "建华", "国强", "秀英", "丽华", "志刚", "海燕", "文斌", "晓东", "春梅", "德明", "玉兰", "振宇",
]  # fmt: skip
SENTENCES = [
    "近年来居民反映强烈，", "群众多次通过热线反映，", "经实地走访调研发现，", "据社区居委会统计，",
    "该问题由来已久，", "随着人口老龄化加剧，", "周边居民出行不便，", "相关部门虽已介入，",
]  # fmt: skip
ASKS = [
    "建议相关部门加强统筹协调，", "建议加大财政投入力度，", "建议完善长效管理机制，",
    "建议引入社会力量参与，", "建议制定分步实施计划，", "建议加强日常巡查监管，",
]  # fmt: skip
ENDS = ["切实解决群众急难愁盼问题。", "提升居民的获得感和幸福感。", "推动问题早日解决。"]
RARE = "同时注重历史风貌保护。"  # about 1 item in 2,000


def _names(count: int) -> list[str]:
    names = [s + g for g in GIVEN for s in SURNAMES]
    random.Random(14).shuffle(names)
    return names[:count]


def prepare() -> None:
    """Realistic names, co-signers and content for the generated items (once)."""
    through = Suggestion.co_signers.through
    if through.objects.exists():
        sys.exit("The items have co-signers already: prepare runs once, on generated data.")
    started = time.perf_counter()
    deputies = list(Deputy.objects.order_by("id"))
    for deputy, name in zip(deputies, _names(len(deputies)), strict=True):
        deputy.name = name
    Deputy.objects.bulk_update(deputies, ["name"], batch_size=1000)
    deputy_ids = [d.pk for d in deputies]
    rng = random.Random(2023)
    rows = []
    items = Suggestion.objects.values_list("id", "lead_deputy_id").order_by("id")
    for item_id, lead in items.iterator(chunk_size=10_000):
        if rng.random() < 0.4:
            chosen = set(rng.sample(deputy_ids, rng.randint(1, 3))) - {lead}
            rows += [through(suggestion_id=item_id, deputy_id=d) for d in chosen]
        if len(rows) >= 20_000:
            through.objects.bulk_create(rows)
            rows = []
    through.objects.bulk_create(rows)

    def pick(pool: list[str], step: int) -> str:
        whens = " ".join(f"WHEN {i} THEN '{text}'" for i, text in enumerate(pool))
        return f"(CASE (id / {step}) % {len(pool)} {whens} END)"

    content = " || ".join(
        [pick(SENTENCES, 1), pick(ASKS, 7), pick(ENDS, 5)]
        + [f"(CASE WHEN id % 2000 = 17 THEN '{RARE}' ELSE '' END)"]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE suggestions_suggestion SET content = {content}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"{len(deputies)} deputies renamed, {through.objects.count():,} co-signers, "
        f"content written, in {time.perf_counter() - started:.0f} s"
    )


def _user(username: str, role: str, department: Department | None = None) -> Client:
    account, _ = User.objects.get_or_create(username=username, defaults={"department": department})
    account.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(account)
    return client


def _words() -> list[tuple[str, str]]:
    """Search words of known selectivity on the prepared data."""
    busiest_deputy = (
        Deputy.objects.filter(name__regex=r"^...$")
        .annotate(n=Count("led_suggestions"))
        .order_by("-n", "id")
        .first()
        .name
    )
    two_chars = Deputy.objects.filter(name__regex=r"^..$").order_by("id").first().name
    year = Suggestion.objects.order_by("-year").values_list("year", flat=True).first()
    return [
        ("deputy, 3 characters", busiest_deputy),
        ("deputy, 2 characters", two_chars),
        ("department", "民政局"),
        ("common title word, 2 characters", "停车"),
        ("common title word, 4 characters", "加装电梯"),
        ("rare content word", "历史风貌保护"),
        ("two words (AND)", f"{busiest_deputy} 电梯"),
        ("number", f"{year}建012"),
        ("nothing matches", "量子计算"),
    ]


def _explain(sql: str) -> tuple[float, str]:
    """The median execution time of `sql` in ms over RUNS runs, and its last plan."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                times.append(float(re.search(r"Execution Time: ([\d.]+)", plan).group(1)))
            else:
                start = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    return statistics.median(times), plan


def _large_scans(plan: str) -> list[str]:
    """Sequential scans over the large tables ("" when every one is read by an index)."""
    found = []
    for line in plan.splitlines():
        pg = SEQ_SCAN.search(line)
        if pg and pg.group(1).startswith(LARGE_TABLES):
            found.append(f"{pg.group(1)} ({int(pg.group(2)):,} rows ×{pg.group(3)})")
        lite = re.search(r"^SCAN (\w+)", line.strip())
        if lite and lite.group(1).startswith(LARGE_TABLES):
            found.append(lite.group(1))
    return found


def measure(client: Client, q: str, partial: bool) -> dict:
    url = "/suggestions/?" + urlencode({"q": q})
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, headers=PARTIAL if partial else {})
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    searching = [c["sql"] for c in ctx.captured_queries if " LIKE " in c["sql"]]
    # The page's other statements (session, navigation badges, prefetches), last run.
    other = sum(float(c["time"]) for c in ctx.captured_queries if " LIKE " not in c["sql"])
    explained = [_explain(sql) for sql in searching]
    return {
        "page_ms": statistics.median(times),
        "queries": len(ctx.captured_queries),
        "other_ms": other * 1000,
        "rows": response.context["page"].paginator.count,
        "sql_ms": [ms for ms, _ in explained],
        "plans": [plan for _, plan in explained],
        "sqls": searching,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", choices=["measure", "prepare"], default="measure")
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    parser.add_argument(
        "--full-page", action="store_true", help="request the whole page, navigation included"
    )
    args = parser.parse_args()
    if args.action == "prepare":
        prepare()
        return
    setup_test_environment()  # so responses carry their template context (the row count)
    busiest = (
        Assignment.objects.filter(is_active=True)
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.get(pk=busiest["department"])
    clients = [
        ("office", _user("bench-office", Role.OFFICE)),
        ("handler", _user("bench-handler", Role.HANDLER, department)),
    ]
    print(
        f"{connection.vendor}, {Suggestion.objects.count():,} items; handler of {department} "
        f"({busiest['n']:,} active assignments); medians of {RUNS} runs"
    )
    print(
        f"{'who':8} {'page ms':>8} {'search SQL ms':>16} {'other SQL ms':>12} {'queries':>7} "
        f"{'rows':>9}  seq scans  q"
    )
    for label, q in _words():
        for who, client in clients:
            m = measure(client, q, partial=not args.full_page)
            sql_ms = " + ".join(f"{ms:.0f}" for ms in m["sql_ms"])
            scans = ", ".join(s for plan in m["plans"] for s in _large_scans(plan)) or "none"
            print(
                f"{who:8} {m['page_ms']:8.0f} {sql_ms:>16} {m['other_ms']:12.0f} "
                f"{m['queries']:7d} {m['rows']:9,}  "
                f"{scans}  {q} ({label})",
                flush=True,
            )
            if args.plans:
                for sql, plan in zip(m["sqls"], m["plans"], strict=True):
                    print(f"\n{sql}\n{plan}\n")


if __name__ == "__main__":
    main()
