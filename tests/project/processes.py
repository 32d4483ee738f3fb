"""For tests that start processes of their own (servers, workers, manage.py): a fresh
database (a SQLite file, or, when the suite runs on PostgreSQL (DATABASE_URL), a new database
on the same cluster, dropped afterwards), `manage`, which runs a command in a process, and
`start_gunicorn`, one application server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def manage(env: dict, *args: str) -> str:
    """Run `manage.py args` with exactly `env`; its output, the test failing if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _url_of(name: str) -> str:
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def _admin(sql: str) -> None:
    with psycopg.connect(_url_of("postgres"), autocommit=True) as admin:
        admin.execute(sql)


class FreshDatabase:
    """An empty database of its own; `env` names it to a process (SQLITE_PATH or
    DATABASE_URL), `url` as a URL."""

    def __init__(self, base: Path, label: str, *, template: FreshDatabase | None = None):
        if on_postgresql():
            self.name = f"{label}_{uuid.uuid4().hex[:8]}"
            copy = f' TEMPLATE "{template.name}"' if template else ""
            _admin(f'CREATE DATABASE "{self.name}"{copy}')
            self.url = _url_of(self.name)
            self.env = {"DATABASE_URL": self.url}
        else:
            self.path = base / f"{label}.sqlite3"
            if template:
                with sqlite3.connect(template.path) as source, sqlite3.connect(self.path) as target:
                    source.backup(target)
            self.url = f"sqlite:///{self.path}"
            self.env = {"SQLITE_PATH": str(self.path)}

    def copy(self, base: Path, label: str) -> FreshDatabase:
        """A copy of this database as it is now (no process may be connected to it)."""
        return FreshDatabase(base, label, template=self)

    def drop(self) -> None:
        if on_postgresql():
            _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, log: Path) -> tuple[str, subprocess.Popen]:
    """One gunicorn worker serving the app with exactly `env` on a free port of 127.0.0.1,
    its errors written to `log`; its URL once it answers. The caller stops the process."""
    if not GUNICORN.exists():
        pytest.fail(f"gunicorn is missing at {GUNICORN}: run `make install`.")
    port = free_port()
    command = [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--workers", "1", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
    except BaseException:
        process.terminate()
        process.wait(timeout=10)
        raise
    return url, process


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if process.poll() is not None:
            pytest.fail(f"the server at {url} stopped: {log.read_text()}")
        try:
            requests.get(f"{url}/accounts/login/", timeout=20)
            return
        except requests.ConnectionError:  # not listening yet (a timeout is a failure)
            time.sleep(0.2)
    pytest.fail(f"the server at {url} did not listen within 30 s")
