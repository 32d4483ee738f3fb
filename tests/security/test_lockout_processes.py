"""The lockout holds across server processes (DESIGN §13, §14): two gunicorn servers on one
database, failures sent to both, and both then refuse the right password.

The servers run the real WSGI app in their own processes on a database of their own (a
temporary SQLite file, or a new database on the test run's PostgreSQL cluster), so nothing
is shared with this process but the database.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

from tests.project.processes import FreshDatabase
from tests.project.processes import manage
from tests.project.processes import start_gunicorn

PASSWORD = "Two-servers-1"


def _token(url: str, password: str) -> int:
    request = urllib.request.Request(
        f"{url}/api/v1/auth/token/",
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
    database = FreshDatabase(tmp_path, "lockout")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings_test", "SECRET_KEY": "two-servers"}
    env |= database.env
    servers = []
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(
            env,
            "shell",
            "-c",
            "from departments.models import User; "
            f"User.objects.create_user('clerk', password='{PASSWORD}')",
        )
        urls = []
        for name in ("a", "b"):
            url, server = start_gunicorn(env, tmp_path / f"server-{name}.log")
            urls.append(url)
            servers.append(server)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        database.drop()


def test_failures_on_two_servers_lock_the_account_on_both(two_servers):
    first, second = two_servers
    assert _token(first, "wrong-password-1") == 400
    assert _token(second, "wrong-password-1") == 400
    assert _token(first, "wrong-password-1") == 400
    assert _token(second, "wrong-password-1") == 400
    # Four failures, two on each: no process alone has seen enough, the database has.
    assert _token(first, PASSWORD) == 200  # not locked yet; the count starts again
    for url in (first, second, first, second, first):
        assert _token(url, "wrong-password-1") == 400
    assert _token(second, PASSWORD) == 400
    assert _token(first, PASSWORD) == 400
