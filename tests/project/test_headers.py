"""Headers on every page (DESIGN §13): a Content-Security-Policy with nothing inline and
nothing from elsewhere, `Cache-Control: no-store` on everything a logged-in user or the API
receives; no template with inline script, style or handler attributes; `check --deploy`
clean with production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern
from django.urls import URLResolver
from django.urls import get_resolver

from departments.models import Role
from suggestions.models import Status
from tests.factories import UserFactory
from tests.permission_table import ALL_ACTIONS

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = {"int": "{pk}", "slug": "xlsx", "str": "x", "path": "x", "uuid": "0" * 32}


def _paths(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every URL of the project with a sample value in each parameter."""
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _paths(entry, route)
        elif isinstance(entry, URLPattern):
            path = re.sub(
                r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route
            )
            if "(?P" not in path and "^" not in path:
                found.append("/" + path.lstrip("/"))
    return found


def every_url(pk: int) -> list[str]:
    urls = {p.replace("{pk}", str(pk)) for p in _paths(get_resolver())}
    urls |= {f"/suggestions/{pk}/do/{name}/" for name in ALL_ACTIONS}
    return sorted(u for u in urls if not u.startswith("/admin/") or u == "/admin/")


def assert_csp(response, url):
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, url
    assert "script-src 'self'" in policy, url
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
    assert "frame-ancestors 'none'" in policy, url


@pytest.fixture
def item(journey):
    return journey.to(Status.IN_PROGRESS)


@pytest.mark.parametrize(
    "who", ["office", "supervisor", "lead_handler", "other_handler", "secadmin", "auditor"]
)
def test_every_url_carries_csp_and_no_store_for_a_logged_in_user(client, item, request, who):
    if who in ("secadmin", "auditor"):
        user = UserFactory(username=who, role=Role(who))
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    checked = 0
    for url in every_url(item.pk):
        response = client.get(url)
        assert response.status_code != 500, url
        assert_csp(response, url)
        cache = response.headers.get("Cache-Control", "")
        assert "no-store" in cache, (url, response.status_code, cache)
        checked += 1
    assert checked > 40


def test_anonymous_pages_carry_csp_and_the_api_says_no_store(client, db):
    login = client.get("/accounts/login/")
    assert_csp(login, "/accounts/login/")
    api = client.get("/api/v1/suggestions/")
    assert api.status_code in (401, 403)
    assert "no-store" in api.headers["Cache-Control"]


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle=\"",
            r"\son[a-z]+=\"",
            r"\bhx-on",
        ):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert not offenders, offenders


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
        },
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x7Q9!kd0Lm2#vB8s" * 3,
        "ALLOWED_HOSTS": "suggestions.example.gov.cn",
        "SQLITE_PATH": str(tmp_path / "deploy.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


HOSTILE = [
    {"page": "-1"},
    {"page": "abc"},
    {"page": "99999999999999999999"},
    {"year": "99999"},
    {"year": "abc"},
    {"year": "²"},  # a digit to str.isdigit(), not to int()
    {"as_of": "2023-13-45"},
    {"sort": "__class__"},
    {"department": "abc"},
    {"status": "zzz"},
    {"q": "\x00"},
    {"q": "x" * 10_000},
    {"since": "0000-00-00", "until": "9999-99-99"},
    {"cursor": "!!!"},
    {"cursor": "eyJ2IjpbIngiXSwiYiI6ZmFsc2UsInAiOjJ9", "exact": "1"},  # {"v":["x"],…}
    {"exact": "\x00"},
]


@pytest.mark.parametrize("who", ["office", "lead_handler"])
def test_no_query_parameter_produces_a_500(client, item, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in every_url(item.pk):
        if "/do/" in url:
            continue  # action forms: the same views as the item page, tested by the matrix
        for params in HOSTILE:
            response = client.get(url, params)
            assert response.status_code != 500, (url, params)
