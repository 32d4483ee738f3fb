"""Reports and exports read from a streaming replica when DATABASE_REPLICA_URL is set (issue
17, item 5; config.db). The end-to-end test runs the app in a process of its own against two
databases: the replica is a copy of the primary taken before a second item was registered,
so whatever a page shows tells which database it read."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session

from config.db import REPLICA
from config.db import ReplicaRouter
from config.db import replica_reads
from departments.models import ApiToken
from departments.models import Department
from departments.models import User
from downloads.models import Download
from security.models import AuditEvent
from suggestions.models import Suggestion
from tests.project.processes import ROOT
from tests.project.processes import FreshDatabase
from tests.project.processes import manage


def test_only_reads_of_the_domain_inside_replica_reads_go_to_the_replica():
    router = ReplicaRouter()
    assert router.db_for_read(Suggestion) == "default"
    with replica_reads():
        assert router.db_for_read(Suggestion) == REPLICA
        assert router.db_for_read(Department) == REPLICA
        # What a request needs current stays on the primary.
        for model in (User, ApiToken, Session, Download, AuditEvent):
            assert router.db_for_read(model) == "default", model
        assert router.db_for_write(Suggestion) == "default"
    assert router.db_for_read(Suggestion) == "default"
    assert router.allow_migrate(REPLICA, "suggestions") is False
    assert router.allow_migrate("default", "suggestions") is True


def base_env(**extra: str) -> dict:
    kept = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "SECRET_KEY": "replica-test-secret-key-" + "x" * 30,
        **extra,
    }


REGISTER = """
import datetime as dt
from departments.models import Department, Role, User
from suggestions import services
from suggestions.models import Suggestion
from tests.factories import DeputyFactory, SuggestionFactory, UserFactory
office = User.objects.filter(username="office-r").first() or UserFactory(
    username="office-r", role=Role.OFFICE
)
lead, _ = Department.objects.get_or_create(name="区房管局")
earlier = Suggestion.objects.first()
n = Suggestion.objects.count() + 1
item = SuggestionFactory(
    number=n,
    lead_deputy=DeputyFactory(name=f"代表{n}"),
    **({"session": earlier.session} if earlier else {}),
)
services.suggestion_assign(
    suggestion=item, lead=lead, actor=office, assigned_on=dt.date(2024, 2, 1)
)
"""

PAGES = """
import io, json
import openpyxl
from django.test import Client
from django.test.utils import setup_test_environment
from config.db import replica_reads
from departments.models import User
from suggestions.models import ExportLog, Suggestion
setup_test_environment()
client = Client()
client.force_login(User.objects.get(username="office-r"))
seen = {}
page = client.get("/suggestions/")
seen["list"] = page.context["page"].total.value
report = client.get("/reports/", {"year": 2024, "kind": "suggestion"})
seen["report"] = report.context["report"].assigned
board = client.get("/dashboard/", {"year": 2024})
seen["dashboard"] = board.context["report"].assigned
from config.api_auth import token_issue
key, _ = token_issue(User.objects.get(username="office-r"))  # on the primary only
api = client.get(
    "/api/v1/reports/", {"year": 2024}, HTTP_AUTHORIZATION=f"Token {key}"
).json()
seen["api"] = api["suggestions"]["assigned"]
export = client.get("/suggestions/export.xlsx")
book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
seen["export"] = book.active.max_row - 1
seen["primary"] = Suggestion.objects.count()
with replica_reads():
    seen["replica"] = Suggestion.objects.count()
seen["export_logs_primary"] = ExportLog.objects.count()
seen["export_logs_replica"] = ExportLog.objects.using("replica").count()
print(json.dumps(seen))
"""


@pytest.fixture
def primary_and_replica(tmp_path):
    primary = FreshDatabase(tmp_path, "primary")
    env = base_env(**primary.env)
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", REGISTER)
    replica = primary.copy(tmp_path, "replica")  # the replica, one item behind from here
    manage(env, "shell", "-c", REGISTER)
    try:
        yield base_env(**primary.env, DATABASE_REPLICA_URL=replica.url)
    finally:
        primary.drop()
        replica.drop()


def test_reports_and_exports_read_the_replica_and_everything_else_the_primary(
    primary_and_replica,
):
    seen = json.loads(manage(primary_and_replica, "shell", "-c", PAGES).strip().splitlines()[-1])
    # The list page reads the primary: both items.
    assert seen["list"] == 2 and seen["primary"] == 2
    # The report page, the dashboard and the export read the replica, a step behind; the
    # session and the user were read on the primary (the pages answered, not the login).
    assert seen["replica"] == 1
    assert (seen["report"], seen["dashboard"], seen["export"]) == (1, 1, 1)
    # So does the API's report, its token (issued after the copy) read on the primary.
    assert seen["api"] == 1
    # What the export wrote went to the primary.
    assert (seen["export_logs_primary"], seen["export_logs_replica"]) == (1, 0)


def test_a_replica_of_another_kind_of_database_fails_at_start_up(tmp_path):
    env = base_env(
        SQLITE_PATH=str(tmp_path / "x.sqlite3"),
        DATABASE_REPLICA_URL="postgresql://reader@127.0.0.1:5432/suggestions",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must name the same kind of database" in result.stderr
