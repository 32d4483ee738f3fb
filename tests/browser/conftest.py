"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Playwright's own browser download does not work offline, so the tests use the system
browser. When it or the CJK fonts are missing the tests fail and say what to install.
"""

import os

import pytest

from tests.system_parts import require_cjk_fonts

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
INSTALL_HINT = (
    "请先安装浏览器和中文字体 / install the system packages first: "
    "`apt-get install -y --no-install-recommends chromium fonts-noto-cjk` "
    "(or run `make install-system`)."
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _require_system_parts():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}. {INSTALL_HINT}", pytrace=False)
    require_cjk_fonts(INSTALL_HINT)


@pytest.fixture(scope="session")
def browser():
    _require_system_parts()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, live_server, username, password="Test-pass-1"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
