"""Requests per second under gunicorn (issue 17): 2 workers, 16 connections, on whatever
database the environment names (run after bench/generate.py).

    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/throughput.py
    SECRET_KEY=bench SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/throughput.py

Starts gunicorn on 127.0.0.1 (settings config.settings_test: DEBUG off, static files from
the app folders), signs the office's bench user in through the database session, and runs
`wrk` (apt install wrk) against the list page, a detail page and the login page (the
trivial page: no query but the session's). Each for BENCH_SECONDS (10) × BENCH_RUNS (3),
the median reported with wrk's latency percentiles. Load stays on 127.0.0.1 and every run
stops by itself; gunicorn is stopped by its PID. Nothing here is a test: results go to
bench/README.md by hand.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402

from departments.models import Role  # noqa: E402
from departments.models import User  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def refuse_development_database() -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    if name == str(ROOT / "db.sqlite3"):
        sys.exit("Refusing to bench the development db.sqlite3: set SQLITE_PATH or DATABASE_URL.")


def office_cookie() -> str:
    account, _ = User.objects.get_or_create(username="bench-office")
    account.groups.add(Group.objects.get(name=Role.OFFICE))
    client = Client()
    client.force_login(account)
    return f"sessionid={client.cookies['sessionid'].value}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        cwd=ROOT,
        # The navigation's count kept as in production (config/settings_test.py counts on
        # every page unless told otherwise).
        env={"TODO_COUNT_SECONDS": "30", **os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer within a minute")


def wrk(url: str, cookie: str | None) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--timeout", "30s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: .*timeout (\d+)", out)
    return {
        "rate": rate,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "bad": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    refuse_development_database()
    cookie = office_cookie()
    item = Suggestion.objects.order_by("pk").values_list("pk", flat=True).last()
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    cases = [
        ("list, office p1", f"{base}/suggestions/", cookie),
        ("detail page", f"{base}/suggestions/{item}/", cookie),
        ("login page (trivial)", f"{base}/accounts/login/", None),
    ]
    try:
        head = f"requests/s (median of {RUNS})"
        print(f"| page | {head} | runs | p50 | p99 | non-2xx/3xx, timeouts |")
        print("|---|---:|---|---:|---:|---:|")
        for name, url, sent in cases:
            wrk(url, sent)  # warm the workers' connections and caches
            results = [wrk(url, sent) for _ in range(RUNS)]
            rates = [r["rate"] for r in results]
            middle = sorted(results, key=lambda r: r["rate"])[len(results) // 2]
            bad = sum(r["bad"] for r in results)
            timeouts = sum(r["timeouts"] for r in results)
            runs = ", ".join(f"{r:.1f}" for r in rates)
            print(
                f"| {name} | {statistics.median(rates):.1f} | {runs} | {middle['p50']} "
                f"| {middle['p99']} | {bad}, {timeouts} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
