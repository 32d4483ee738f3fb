"""The everyday screens on a phone (390 px, issue 14): the list, 我的待办 and an item's page
show cards, not wide tables, and never scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_list_todo_and_detail_fit_a_phone(browser, live_server, stages):
    item = stages.ready(
        title="关于在彭浦新村老旧小区加装电梯并同步改造无障碍通道、增设非机动车充电设施的建议"
    )
    stages.replied(title="关于优化公交线路的建议")
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, stages.lead_handler.username)
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/suggestions/", "/workspace/", f"/suggestions/{item.pk}/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_SIDEWAYS), path
        cards = page.locator("table.cards tbody tr").first
        expect(cards).to_be_visible()
        # A card: the cells stack, each with its label, and no header row shows.
        assert page.locator("table.cards thead").first.bounding_box()["height"] <= 1, path
        assert cards.evaluate("r => getComputedStyle(r).display") == "block", path
    page.goto(f"{live_server.url}/suggestions/{item.pk}/")
    lead_first = page.locator("table.departments tbody tr").first
    expect(lead_first).to_contain_text("主办")
    context.close()
