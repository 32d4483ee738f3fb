"""Two application servers on one database (issue 17, DESIGN §14): two gunicorn processes,
each with its own temporary directory and its own process memory, share one database
(PostgreSQL when the suite runs there, else one SQLite file) and one file store. A user
logged in on one is logged in on the other; an import previewed on one is confirmed on the
other; an export queued on one is built by the worker and downloaded from the other; a
lockout counted on both holds on both; the API's throttles count both servers' requests."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import openpyxl
import pytest
import requests

from tests.project.processes import FreshDatabase
from tests.project.processes import manage
from tests.project.processes import start_gunicorn
from tests.suggestions.test_import_rows import good_row
from tests.suggestions.test_import_rows import xlsx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Two-Servers-2026!"
SETUP = f"""
import datetime as dt
from django.utils import timezone
from departments.models import Role
from tests.factories import CongressSessionFactory, DeputyFactory, UserFactory
user = UserFactory(username="office2s", role=Role.OFFICE)
user.set_password({PASSWORD!r})
user.password_changed_at = timezone.now()
user.save()
CongressSessionFactory(
    name="区二届人大四次会议", year=2024,
    starts_on=dt.date(2024, 1, 8), ends_on=dt.date(2024, 1, 11),
)
for name in ("张建华", "李明", "王芳"):
    DeputyFactory(name=name)
# An item its lead department is handling, for the letter test.
from departments.models import Department
from suggestions import services
from tests.factories import SuggestionFactory
lead = Department.objects.create(name="区房管局")
handler = UserFactory(username="handler2s", role=Role.HANDLER, department=lead)
handler.set_password({PASSWORD!r})
handler.password_changed_at = timezone.now()
handler.save()
item = SuggestionFactory(number=900, lead_deputy=DeputyFactory(name="赵六"))
services.suggestion_assign(suggestion=item, lead=lead, actor=user)
services.assignment_acknowledge(suggestion=item, actor=handler)
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    base = tmp_path_factory.mktemp("two-servers")
    # One database for both: SQLite, or on PostgreSQL when the suite runs there.
    database = FreshDatabase(base, "two_servers")
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "SECRET_KEY": "two-servers-share-this-secret-key-" + "x" * 20,
        **database.env,
        "MEDIA_ROOT": str(base / "shared-files"),
        "EXPORT_INLINE_MAX_ROWS": "1",
        "API_THROTTLE_TOKEN": "3/min",
        "API_THROTTLE_USER": "5/min",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", SETUP)
    urls, processes = [], []
    try:
        for name in ("a", "b"):
            own = {**env, "TMPDIR": str(base / f"tmp-{name}")}
            Path(own["TMPDIR"]).mkdir()
            url, process = start_gunicorn(own, base / f"server-{name}.log")
            urls.append(url)
            processes.append(process)
        yield urls[0], urls[1], env
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        database.drop()


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def log_in(browser: requests.Session, url: str, username: str = "office2s") -> None:
    form = browser.get(f"{url}/accounts/login/")
    response = browser.post(
        f"{url}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(form.text)},
        headers={"Referer": f"{url}/accounts/login/"},
    )
    assert response.status_code == 200 and "退出" in response.text, response.text[:500]


def test_a_user_works_across_two_servers(servers):
    a, b, env = servers
    browser = requests.Session()
    log_in(browser, a)
    # The session lives in the database: server B knows the user.
    assert "退出" in browser.get(f"{b}/suggestions/").text

    # An import previewed on A is confirmed on B.
    form = browser.get(f"{a}/suggestions/import/")
    preview = browser.post(
        f"{a}/suggestions/import/",
        data={"csrfmiddlewaretoken": csrf(form.text)},
        files={"file": ("建议.xlsx", xlsx([good_row(1), good_row(2)]))},
        headers={"Referer": f"{a}/suggestions/import/"},
    )
    assert "检查通过：将新增<strong>2</strong>件" in preview.text, preview.text[:1000]
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    done = browser.post(
        f"{b}/suggestions/import/confirm/",
        data={"token": token, "csrfmiddlewaretoken": csrf(preview.text)},
        headers={"Referer": f"{b}/suggestions/import/"},
    )
    assert "已导入“建议.xlsx”：新增2件。" in done.text, done.text[:1000]

    # An export too long for a request, asked on A, built by the worker, fetched from B.
    asked = browser.get(f"{a}/suggestions/export.xlsx", allow_redirects=False)
    assert asked.status_code == 302 and "/downloads/" in asked.headers["Location"]
    progress = asked.headers["Location"]
    manage(env, "db_worker", "--batch", "--no-startup-delay")
    assert "<strong>已完成</strong>（3 / 3 行）" in browser.get(f"{b}{progress}").text
    file = browser.get(f"{b}{progress}file/")
    rows = list(openpyxl.load_workbook(io.BytesIO(file.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4  # the header, the two imported items and the one being handled


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_a_letter_uploaded_on_one_server_downloads_from_the_other(servers):
    a, b, _env = servers
    browser = requests.Session()
    log_in(browser, a, "handler2s")
    mine = browser.get(f"{a}/suggestions/")
    pk = re.search(r'href="/suggestions/(\d+)/"', mine.text).group(1)
    form = browser.get(f"{a}/suggestions/{pk}/do/reply/")
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    replied = browser.post(
        f"{a}/suggestions/{pk}/do/reply/",
        data={
            "csrfmiddlewaretoken": csrf(form.text),
            "version": version,
            "outcome": "resolved",
            "text": "已解决。",
            "replied_on": time.strftime("%Y-%m-%d"),
        },
        files={"letter": ("答复函.pdf", PDF, "application/pdf")},
        headers={"Referer": f"{a}/suggestions/{pk}/do/reply/"},
    )
    assert replied.status_code == 200 and "已答复代表" in replied.text, replied.text[:1000]
    detail = browser.get(f"{b}/suggestions/{pk}/").text
    letter = re.search(rf'href="(/suggestions/{pk}/replies/\d+/letter/)"', detail).group(1)
    downloaded = browser.get(f"{b}{letter}")
    assert downloaded.status_code == 200 and downloaded.content == PDF


def test_the_api_throttle_counts_a_users_requests_on_both_servers(servers):
    a, b, env = servers
    # The token is issued outside the servers, so the token endpoint's own count (the next
    # test's) starts untouched.
    issue = (
        "from config.api_auth import token_issue; from departments.models import User; "
        "print(token_issue(User.objects.get(username='office2s'))[0])"
    )
    key = manage(env, "shell", "-c", issue).strip().splitlines()[-1]
    headers = {"Authorization": f"Token {key}"}
    answers = [requests.get(f"{url}/api/v1/sessions/", headers=headers) for url in (a, b) * 3]
    # Five a minute per user, counted in the database: the sixth is refused, on either server.
    assert [r.status_code for r in answers] == [200] * 5 + [429]
    assert requests.get(f"{a}/api/v1/sessions/", headers=headers).status_code == 429


def test_the_token_throttle_counts_both_servers(servers):
    a, b, _env = servers
    wrong = {"username": "office2s", "password": "wrong"}
    answers = [requests.post(f"{url}/api/v1/auth/token/", json=wrong) for url in (a, b, a)]
    assert [r.status_code for r in answers] == [400, 400, 400]
    # Three a minute per address, counted in the database: B refuses the fourth.
    assert requests.post(f"{b}/api/v1/auth/token/", json=wrong).status_code == 429
