"""Benchmark of the Excel import and export against plain openpyxl, in the same run.

    .venv/bin/python bench/import_export.py [--import-rows 10000] [--export-rows 100000]

- Import: `imports.import_file` (read, check every row, bulk-register with history and
  events) vs. two floors: plain openpyxl reading the same file (read-only) + one
  `bulk_create`, and python-calamine reading it + the same `bulk_create` (issue 17's
  floor). Target: at most 2x.
- Export: `exports.export_suggestions` (filter, query in chunks, write-only workbook) vs.
  plain openpyxl write-only writing the same cells (read beforehand, not timed).
  Target: at most 1.3x, at most 300 MB peak memory.
- With `--base DIR` (another checkout of the project, e.g. `git archive main | tar -x -C
  DIR`, with the same migrations), that checkout's `import_file` is timed too, as
  `import-base`, interleaved with the rest and run by this Python.
- With `xlsxwriter` importable, the same cells are also written with xlsxwriter's
  constant_memory mode, for comparison.

Every measurement runs in its own subprocess on its own copy of a seeded SQLite database
(with DATABASE_URL set, of a seeded PostgreSQL database, made by `CREATE DATABASE …
TEMPLATE` on that server as that URL's user, who must be allowed to create databases), so
peak RSS (VmHWM; resource.getrusage off Linux) belongs to that measurement alone;
tracemalloc's peak of Python allocations is taken in a separate run (tracing slows the
code down).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = ["城市建设与管理", "住房保障与旧区改造", "交通出行", "养老服务", "教育"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "建华明芳军伟强磊洋勇艳杰娟涛超秀英霞平刚桂兰"


def setup_django(db: Path | str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["SQLITE_PATH"] = str(db)
    os.environ["DEBUG"] = "false"  # DEBUG would keep every query's SQL in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def pg_url(name: str) -> str:
    """DATABASE_URL naming the database `name` on the same server."""
    from urllib.parse import urlsplit

    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def pg_admin(*statements: str) -> None:
    """Statements outside a transaction on DATABASE_URL's own database (CREATE DATABASE)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def deputy_names(n: int) -> list[str]:
    rng = random.Random(7)
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in names:
            names.append(name)
    return names


# ---------------------------------------------------------------------------------------
# Seeding (parent process)


def seed(db: Path | str, export_rows: int) -> None:
    """The reference tables, an office user, and `export_rows` items in varied states."""
    setup_django(db)
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from departments.models import CongressSession
    from departments.models import Department
    from departments.models import Deputy
    from departments.models import User
    from suggestions.models import Assignment
    from suggestions.models import Feedback
    from suggestions.models import Kind
    from suggestions.models import Outcome
    from suggestions.models import Reply
    from suggestions.models import Satisfaction
    from suggestions.models import Source
    from suggestions.models import Status
    from suggestions.models import Suggestion
    from suggestions.models import Topic

    call_command("migrate", verbosity=0)
    office = User.objects.create_user("bench-office", password="x")
    office.groups.add(Group.objects.get(name="office"))
    departments = Department.objects.bulk_create(
        Department(name=f"区测试局{i:02d}") for i in range(20)
    )
    deputies = Deputy.objects.bulk_create(
        Deputy(name=name, level=Deputy.Level.DISTRICT) for name in deputy_names(300)
    )
    session = CongressSession.objects.create(
        name="区二届人大四次会议",
        year=2024,
        starts_on=dt.date(2024, 1, 8),
        ends_on=dt.date(2024, 1, 11),
    )
    rng = random.Random(11)
    topics = Topic.values
    content = "建议相关部门统筹研究，加大工作力度，切实解决居民急难愁盼问题。" * 3
    batch = 10_000
    for start in range(0, export_rows, batch):
        items = []
        for i in range(start, min(start + batch, export_rows)):
            state = i % 4  # draft, in progress, replied, closed
            items.append(
                Suggestion(
                    year=2023,
                    kind=Kind.SUGGESTION if i % 3 else Kind.COMMUNITY_OPINION,
                    source=Source.SESSION,
                    number=i + 1,
                    session=session,
                    title=f"关于加快推进第{i}号小区加装电梯工作的建议",
                    content=content,
                    topic=rng.choice(topics),
                    lead_deputy=rng.choice(deputies),
                    received_on=dt.date(2023, 1, 15),
                    status=[
                        Status.DRAFT,
                        Status.IN_PROGRESS,
                        Status.REPLIED,
                        Status.CLOSED,
                    ][state],
                    assigned_on=dt.date(2023, 2, 1) if state else None,
                    reply_due_on=dt.date(2023, 5, 1) if state else None,
                    due_on=dt.date(2023, 5, 1) if state == 1 else None,
                    first_replied_on=dt.date(2023, 4, 1) if state >= 2 else None,
                    outcome=Outcome.RESOLVED if state >= 2 else "",
                    satisfaction=Satisfaction.SATISFIED if state == 3 else "",
                    created_by=office,
                )
            )
        items = Suggestion.objects.bulk_create(items, batch_size=2000)
        through = Suggestion.co_signers.through
        through.objects.bulk_create(
            (through(suggestion=s, deputy=d) for s in items for d in rng.sample(deputies, 2)),
            batch_size=5000,
        )
        assignments = []
        for n, s in enumerate(items):
            if s.status == Status.DRAFT:
                continue
            lead, co = rng.sample(departments, 2)
            assignments.append(
                Assignment(
                    suggestion=s,
                    department=lead,
                    role="lead",
                    assigned_on=s.assigned_on,
                    reply_due_on=s.reply_due_on,
                    acknowledged_at=timezone.now(),
                )
            )
            if n % 3 == 0:
                assignments.append(
                    Assignment(
                        suggestion=s,
                        department=co,
                        role="co",
                        assigned_on=s.assigned_on,
                        opinion="同意。",
                        opinion_on=dt.date(2023, 2, 20),
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        replied = [s for s in items if s.first_replied_on]
        replies = Reply.objects.bulk_create(
            (
                Reply(
                    suggestion=s,
                    round=1,
                    department=departments[0],
                    outcome=Outcome.RESOLVED,
                    text="已解决。",
                    replied_on=s.first_replied_on,
                    created_by=office,
                )
                for s in replied
            ),
            batch_size=5000,
        )
        Feedback.objects.bulk_create(
            (
                Feedback(
                    suggestion_id=r.suggestion_id,
                    reply=r,
                    satisfaction=Satisfaction.SATISFIED,
                    received_on=dt.date(2023, 4, 20),
                    created_by=office,
                )
                for r in replies
                if r.suggestion.status == Status.CLOSED
            ),
            batch_size=5000,
        )

    # The last connection to close checkpoints SQLite's write-ahead log into the file,
    # which the measurements copy.
    connections.close_all()


def write_import_file(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from suggestions.imports import COLUMNS

    names = deputy_names(300)
    rng = random.Random(5)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("建议")
    ws.append([c.header for c in COLUMNS])
    for i in range(rows):
        ws.append(
            [
                i + 1,
                2024,
                "代表建议",
                "大会期间",
                "区二届人大四次会议",
                f"关于加快推进第{i}号路口交通信号优化的建议",
                "建议相关部门统筹研究，加大工作力度，切实解决居民急难愁盼问题。" * 2,
                rng.choice(TOPICS),
                rng.choice(names),
                "、".join(rng.sample(names, 2)),
                dt.date(2024, 1, 15),
            ]
        )
    wb.save(path)


# ---------------------------------------------------------------------------------------
# Measurements (each in a child process)


def child(kind: str, db: Path, path: Path, trace: bool) -> dict:
    setup_django(db)
    import resource
    import tracemalloc

    from departments.models import User

    office = User.objects.get(username="bench-office")
    office.has_role("office")
    task = TASKS[kind]
    prepared = task.prepare(office, path) if hasattr(task, "prepare") else None
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = task(office, path, prepared)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "result": result}
    if trace:
        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    out["peak_rss_mb"] = peak_rss_mb(resource)
    return out


def peak_rss_mb(resource) -> float:
    """This process's peak resident set size. Linux keeps getrusage's ru_maxrss across
    execve, so a child started by a big parent would report the parent's peak; VmHWM in
    /proc belongs to the new program alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_mine(office, path: Path, _):
    from suggestions import imports

    report = imports.import_file(path.read_bytes(), actor=office, filename=path.name)
    assert report.imported, report.errors[:5]
    return report.to_create


def _floor_insert(office, rows) -> int:
    """The floors' write: name → id lookups and one `bulk_create` of the file's rows."""
    from departments.models import CongressSession
    from departments.models import Deputy
    from suggestions.models import Suggestion

    deputies = dict(Deputy.objects.values_list("name", "pk"))
    sessions = dict(CongressSession.objects.values_list("name", "pk"))
    objs = [
        Suggestion(
            number=int(r[0]),
            year=int(r[1]),
            kind="suggestion",
            source="session",
            session_id=sessions[r[4]],
            title=r[5],
            content=r[6],
            topic="other",
            lead_deputy_id=deputies[r[8]],
            received_on=r[10] if type(r[10]) is dt.date else r[10].date(),
            created_by=office,
        )
        for r in rows
    ]
    Suggestion.objects.bulk_create(objs, batch_size=500)
    return len(objs)


def import_plain(office, path: Path, _):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return _floor_insert(office, wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()


def import_calamine(office, path: Path, _):
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()[1:]
    return _floor_insert(office, rows)


def export_mine(office, path: Path, _):
    from suggestions import exports

    out, count = exports.export_suggestions(office, {}, query="")
    with open(path, "wb") as target:
        shutil.copyfileobj(out, target)
    out.close()
    return count


def _same_cells(office, path: Path):
    """The export's cells, read beforehand (untimed) for the plain writers."""
    from django.utils import timezone

    from suggestions import exports

    today = timezone.localdate()
    qs = exports.export_queryset(office, {}, today=today)
    return [exports.HEADERS, *exports.iter_rows(qs, today=today)]


def export_plain(office, path: Path, cells):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表建议")
    for row in cells:
        ws.append(row)
    wb.save(path)
    return len(cells) - 1


export_plain.prepare = _same_cells


def export_xlsxwriter(office, path: Path, cells):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("代表建议")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            else:
                ws.write_number(r, c, value)
    wb.close()
    return len(cells) - 1


export_xlsxwriter.prepare = _same_cells

TASKS = {
    "import-mine": import_mine,
    "import-plain": import_plain,
    "import-calamine": import_calamine,
    "export-mine": export_mine,
    "export-plain": export_plain,
    "export-xlsxwriter": export_xlsxwriter,
}


def has_xlsxwriter() -> bool:
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


def run_child(
    kind: str,
    seeded: Path | str,
    work: Path,
    path: Path,
    trace: bool = False,
    base: Path | None = None,
) -> dict:
    db = work / f"{kind}{'-trace' if trace else ''}.sqlite3"
    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        # The children's settings take DATABASE_URL over SQLITE_PATH.
        name = f"bench_run_{os.getpid()}"
        pg_admin(
            f"DROP DATABASE IF EXISTS {name}",
            f"CREATE DATABASE {name} TEMPLATE {seeded}",
        )
        env["DATABASE_URL"] = pg_url(name)
    else:
        shutil.copy(seeded, db)
    script = __file__
    if kind == "import-base":
        script, kind = str(base / "bench" / "import_export.py"), "import-mine"
    command = [
        sys.executable,
        script,
        "--child",
        kind,
        "--db",
        str(db),
        "--path",
        str(path),
    ]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if env.get("DATABASE_URL"):
        pg_admin(f"DROP DATABASE {name}")
    else:
        db.unlink()
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--import-only", action="store_true", help="skip the export runs")
    parser.add_argument("--base", type=Path, help="another checkout to time as import-base")
    parser.add_argument("--child", choices=TASKS)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--path", type=Path)
    parser.add_argument("--trace", action="store_true")
    return parser.parse_args()


def seed_once(work: Path, args: argparse.Namespace, postgres: str) -> Path | str:
    """The seeded SQLite file, or the seeded PostgreSQL database's name."""
    seeded: Path | str = work / "seeded.sqlite3"
    if postgres:
        seeded = f"bench_seeded_{os.getpid()}"
        pg_admin(f"DROP DATABASE IF EXISTS {seeded}", f"CREATE DATABASE {seeded}")
        os.environ["DATABASE_URL"] = pg_url(seeded)
    try:
        seed(seeded, args.export_rows)
    finally:
        if postgres:
            os.environ["DATABASE_URL"] = postgres
    return seeded


def measure(kinds: list[str], seeded: Path | str, work: Path, args) -> dict[str, dict]:
    """Interleaved, best of --repeat: the ratios compare runs made side by side."""
    results: dict[str, dict] = {}
    for _ in range(args.repeat):
        for kind in kinds:
            path = work / "import.xlsx" if kind.startswith("import") else work / f"{kind}.xlsx"
            run = run_child(kind, seeded, work, path, base=args.base)
            best = results.setdefault(kind, run)
            best["peak_rss_mb"] = max(best["peak_rss_mb"], run["peak_rss_mb"])
            best["seconds"] = min(best["seconds"], run["seconds"])
            best.setdefault("all_seconds", []).append(round(run["seconds"], 2))
            if kind.startswith("export"):
                best["file_mb"] = path.stat().st_size / 2**20
    if not args.no_trace:
        for kind in kinds:
            path = work / "import.xlsx" if kind.startswith("import") else work / f"{kind}.xlsx"
            results[kind]["tracemalloc_peak_mb"] = run_child(
                kind, seeded, work, path, trace=True, base=args.base
            )["tracemalloc_peak_mb"]
    return results


def print_results(results: dict[str, dict]) -> None:
    for kind, r in results.items():
        print(
            f"{kind:18} best {r['seconds']:7.2f} s median {median(r['all_seconds']):6.2f} s "
            f"of {r['all_seconds']}  rows {r['result']:>7}  peak RSS {r['peak_rss_mb']:5.0f} MB"
            + (
                f"  tracemalloc peak {r['tracemalloc_peak_mb']:6.1f} MB"
                if "tracemalloc_peak_mb" in r
                else ""
            )
            + (f"  file {r['file_mb']:.1f} MB" if "file_mb" in r else "")
        )
    floor = results["import-calamine"]
    for kind in ("import-base", "import-mine"):
        if kind in results:
            best, middle = results[kind]["seconds"], median(results[kind]["all_seconds"])
            print(
                f"{kind} ratio {best / results['import-plain']['seconds']:.2f}x openpyxl floor, "
                f"{best / floor['seconds']:.2f}x calamine floor "
                f"(medians {middle / median(floor['all_seconds']):.2f}x; target <= 2x)"
            )
    if "export-mine" not in results:
        return
    ratio_export = results["export-mine"]["seconds"] / results["export-plain"]["seconds"]
    print(
        f"export ratio {ratio_export:.2f}x (target <= 1.3x), "
        f"peak RSS {results['export-mine']['peak_rss_mb']:.0f} MB (target <= 300 MB)"
    )
    if "export-xlsxwriter" in results:
        ratio = results["export-xlsxwriter"]["seconds"] / results["export-plain"]["seconds"]
        print(f"xlsxwriter constant_memory / openpyxl write-only: {ratio:.2f}x")


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.path, args.trace)))
        return

    work = Path(tempfile.mkdtemp(prefix="bench-import-export-"))
    postgres = os.environ.get("DATABASE_URL", "")
    try:
        started = time.perf_counter()
        seeded = seed_once(work, args, postgres)
        import_file = work / "import.xlsx"
        write_import_file(import_file, args.import_rows)
        print(
            f"seeded {args.export_rows} items and wrote a {args.import_rows}-row file "
            f"({import_file.stat().st_size / 2**20:.1f} MB) "
            f"in {time.perf_counter() - started:.0f} s"
            + (" on PostgreSQL" if postgres else " on SQLite")
        )
        kinds = [k for k in TASKS if k != "export-xlsxwriter" or has_xlsxwriter()]
        if args.import_only:
            kinds = [k for k in kinds if k.startswith("import")]
        if args.base:
            kinds.insert(0, "import-base")
        print_results(measure(kinds, seeded, work, args))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if postgres:
            pg_admin(f"DROP DATABASE IF EXISTS bench_seeded_{os.getpid()}")


if __name__ == "__main__":
    main()
