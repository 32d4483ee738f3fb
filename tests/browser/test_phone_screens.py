"""The everyday screens on a phone (390 px, issue 14): the list, 我的待办 and an item's page
show cards, not wide tables, and never scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Against the phone's width, not window.innerWidth: a mobile browser widens its viewport
# to a page that is too wide, and innerWidth follows it.
NO_SIDEWAYS = f"document.scrollingElement.scrollWidth <= {PHONE['width']}"
SHOWN_HEADERS = """() => [...document.querySelectorAll("table.cards thead th")]
    .filter(th => th.closest("thead").getBoundingClientRect().height > 1 && th.checkVisibility())
    .map(th => th.innerText.trim())"""


def phone_page(browser, live_server, username: str):
    """A phone's page, logged in as `username` (its context closed by the caller)."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, username)
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_list_todo_and_detail_fit_a_phone(browser, live_server, stages):
    item = stages.ready(
        title="关于在彭浦新村老旧小区加装电梯并同步改造无障碍通道、增设非机动车充电设施的建议"
    )
    stages.replied(title="关于优化公交线路的建议")
    page = phone_page(browser, live_server, stages.lead_handler.username)
    for path in ("/suggestions/", "/workspace/", f"/suggestions/{item.pk}/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_SIDEWAYS), path
        cards = page.locator("table.cards tbody tr").first
        expect(cards).to_be_visible()
        # A card: the cells stack, each with its label, and no header shows but the
        # list's 全选本页, kept above the cards.
        shown = page.evaluate(SHOWN_HEADERS)
        assert shown in ([], ["全选本页"]), (path, shown)
        assert cards.evaluate("r => getComputedStyle(r).display") == "block", path
    page.goto(f"{live_server.url}/suggestions/{item.pk}/")
    lead_first = page.locator("table.departments tbody tr").first
    expect(lead_first).to_contain_text("主办")
    page.context.close()


# The office's other screens: their tables are not cards, so they scroll sideways inside
# themselves (never the page), each cell at least a few characters wide.
OFFICE_PAGES = ("/notifications/", "/dashboard/", "/reports/", "/disclosure/", "/downloads/")
NARROWEST_CELL = """() => Math.min(...[...document.querySelectorAll(
    "table.data:not(.cards) th, table.data:not(.cards) td")].map(c => c.clientWidth))"""


def test_the_offices_other_screens_fit_a_phone(browser, live_server, stages):
    for n in range(3):
        stages.replied(title=f"关于优化公交线路的建议{n}")
    page = phone_page(browser, live_server, stages.office.username)
    for path in OFFICE_PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_SIDEWAYS), path
        if page.locator("table.data:not(.cards)").count():
            # 4.5em of 14 px text less the padding: three characters or more a line.
            assert page.evaluate(NARROWEST_CELL) >= 42, path
    page.context.close()


def test_the_bulk_bar_stays_below_the_list_on_a_phone(browser, live_server, stages):
    """With its fields the bar is taller than half a phone's screen: it does not float."""
    for n in range(8):
        stages.draft(title=f"关于增设停车点的建议{n}")
    page = phone_page(browser, live_server, stages.office.username)
    page.goto(f"{live_server.url}/suggestions/")
    page.get_by_label("全选本页").check()
    expect(page.locator('input[name="ids"]:checked')).to_have_count(8)
    bar = page.locator("[data-bulk-bar]")
    expect(bar.locator(".field-lead .ts-control")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    assert bar.evaluate("b => getComputedStyle(b).position") == "static"
    assert bar.bounding_box()["y"] > PHONE["height"]
    page.context.close()
