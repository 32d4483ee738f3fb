"""The bell as a handler uses it: an assignment arrives, the count shows on every page, the
list links to the item, opening it marks it read, and 全部标为已读 empties the count."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from suggestions import services
from tests.browser.conftest import login
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory
from tests.factories import handler_user
from tests.factories import office_user

pytestmark = pytest.mark.browser


def test_a_handler_learns_of_new_work_from_the_bell(page, live_server):
    office = office_user(username="office")
    lead = DepartmentFactory(name="区房管局")
    handler_user(lead, username="fangguan")
    items = [SuggestionFactory(title=f"关于加装电梯的建议{i}") for i in (1, 2)]
    for s in items:
        services.suggestion_assign(suggestion=s, lead=lead, actor=office)

    login(page, live_server, "fangguan")
    page.wait_for_url(f"{live_server.url}/")
    bell = page.locator("a.bell")
    assert bell.get_attribute("aria-label") == "站内提醒，2条未读"
    assert bell.locator(".badge").inner_text() == "2"

    bell.click()
    page.wait_for_url("**/notifications/")
    expect(page.locator("tr.unread")).to_have_count(2)
    page.get_by_role("link", name="关于加装电梯的建议1").first.click()
    page.wait_for_url(f"**/suggestions/{items[0].pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "关于加装电梯的建议1"
    assert page.locator("a.bell").get_attribute("aria-label") == "站内提醒，1条未读"

    page.locator("a.bell").click()
    page.wait_for_url("**/notifications/")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("tr.unread")).to_have_count(0)
    expect(page.locator("a.bell")).to_have_attribute("aria-label", "站内提醒，0条未读")
    expect(page.locator("a.bell .badge")).to_have_count(0)
