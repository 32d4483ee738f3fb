"""The lockout holds across server processes (DESIGN §13, §14): two gunicorn servers on one
database, failures sent to both, and both then refuse the right password.

The servers run the real WSGI app in their own processes on a database of their own (a
temporary SQLite file, or a new database on the test run's PostgreSQL cluster), so nothing
is shared with this process but the database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "Two-servers-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp_path: Path) -> tuple[dict, callable]:
    """Environment for a fresh database, and how to drop it afterwards."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings_test", SECRET_KEY="two-servers")
    if connection.vendor != "postgresql":
        env["SQLITE_PATH"] = str(tmp_path / "servers.sqlite3")
        return env, lambda: None
    import psycopg

    params = settings.DATABASES["default"]
    name = f"lockout_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": params["HOST"],
        "port": params["PORT"],
        "user": params["USER"],
        "password": params["PASSWORD"],
        "dbname": "postgres",
    }
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = f"{params['USER']}:{params['PASSWORD']}" if params["PASSWORD"] else params["USER"]
    env["DATABASE_URL"] = f"postgresql://{user}@{params['HOST']}:{params['PORT']}/{name}"

    def drop():
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return env, drop


def _manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start within 60 s")


def _token(port: int, password: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/",
        data=json.dumps({"username": "clerk", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def two_servers(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"gunicorn is missing at {GUNICORN}: run `make install`.")
    env, drop = _server_env(tmp_path)
    servers = []
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(
            env,
            "shell",
            "-c",
            "from departments.models import User; "
            f"User.objects.create_user('clerk', password='{PASSWORD}')",
        )
        ports = [_free_port(), _free_port()]
        for port in ports:
            server = subprocess.Popen(
                [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
                + ["--no-control-socket"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            servers.append(server)
            _wait_until_up(port, server)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        drop()


def test_failures_on_two_servers_lock_the_account_on_both(two_servers):
    first, second = two_servers
    assert _token(first, "wrong-password-1") == 400
    assert _token(second, "wrong-password-1") == 400
    assert _token(first, "wrong-password-1") == 400
    assert _token(second, "wrong-password-1") == 400
    # Four failures, two on each: no process alone has seen enough, the database has.
    assert _token(first, PASSWORD) == 200  # not locked yet; the count starts again
    for port in (first, second, first, second, first):
        assert _token(port, "wrong-password-1") == 400
    assert _token(second, PASSWORD) == 400
    assert _token(first, PASSWORD) == 400
