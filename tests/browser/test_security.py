"""The second factor and the idle warning in real Chromium."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import office_user

pytestmark = pytest.mark.browser


def code_from_secret(secret: str, step: int | None = None) -> str:
    """What an authenticator app shows for the secret typed from the enrolment page: now,
    or in time step `step` (30-second periods since the epoch)."""
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() if step is None else step * 30
    return f"{totp.token():06d}"


def test_enrol_then_log_in_with_the_code(page, live_server, settings):
    settings.MFA_REQUIRED = True
    office_user(username="office", last_name="王", first_name="静")
    login(page, live_server, "office")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator("figure.qr svg").is_visible()  # drawn by the server
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("动态口令或恢复码").fill(code_from_secret(secret))
    page.get_by_role("button", name="完成绑定").click()
    # Wait for the page the click leads to before reading it: the list is server-drawn.
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "年度办理概况" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("button", name="退出").click()
    login(page, live_server, "office")
    page.wait_for_url("**/accounts/otp/**")
    # A code is accepted once: the app's next one, whatever second of its period the
    # enrolment fell in (the server may have matched it one period early or late).
    used = TOTPDevice.objects.get(user__username="office").last_t
    page.get_by_label("动态口令或恢复码").fill(code_from_secret(secret, step=used + 1))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_idle_warning_appears_and_keeps_the_session(page, live_server, settings):
    settings.SESSION_IDLE_SECONDS = 123  # the warning shows in the last 120 seconds
    office_user(username="office")
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    warning = page.get_by_role("alertdialog")
    warning.wait_for(state="visible", timeout=10_000)
    assert "自动退出" in warning.inner_text()
    page.get_by_role("button", name="继续工作").click()
    warning.wait_for(state="hidden", timeout=5_000)


def test_main_pages_break_no_content_security_policy_rule(page, live_server, journey):
    from suggestions.models import Status

    item = journey.to(Status.IN_PROGRESS)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    login(page, live_server, journey.office.username)
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/", "/suggestions/", f"/suggestions/{item.pk}/", "/workspace/", "/reports/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # htmx still works under the policy: the list's filter swaps the results in place.
    page.goto(f"{live_server.url}/suggestions/")
    page.locator("#results").wait_for()
    assert violations == []
