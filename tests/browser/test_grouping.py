"""并案 and 分办 in the browser (DESIGN §11), at 1366×768: the office merges two drafts by
typing the other's number, assigns the primary once, and splits a third between two
departments; the pages show where the handling lives."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from suggestions.models import Status
from suggestions.models import Suggestion
from tests.browser.conftest import login
from tests.browser.helpers import pick
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.browser


def test_the_office_merges_assigns_once_and_splits(page, live_server, stages):
    primary = SuggestionFactory(year=2026, number=21, title="关于解决彭浦新村停车难的建议")
    member = SuggestionFactory(year=2026, number=22, title="关于缓解彭浦新村停车矛盾的建议")
    whole = SuggestionFactory(year=2026, number=23, title="关于整治共和新路沿线环境的建议")
    second = DepartmentFactory(name="区绿化市容局")
    login(page, live_server, stages.office.username)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/suggestions/{primary.pk}/")
    page.get_by_role("link", name="并案", exact=True).click()
    # A multiple choice stays open after a pick: type, choose, then leave the box.
    box = page.get_by_role("combobox", name="并入本件的建议")
    box.click()
    box.fill("2026建022")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    listbox.get_by_role("option", name="2026建022 关于缓解彭浦新村停车矛盾的建议").first.click()
    page.get_by_role("heading", level=1).click()
    expect(listbox).to_be_hidden()
    page.get_by_label("并案说明").fill("同一小区停车问题。")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已并案")).to_be_visible()
    expect(page.locator("section.grouping")).to_contain_text("2026建022")

    page.get_by_role("link", name="交办", exact=True).click()
    pick(page, "主办单位", stages.lead_department.name, exact=True)
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已交办。")).to_be_visible()
    member.refresh_from_db()
    assert member.status == Status.ASSIGNED

    page.goto(f"{live_server.url}/suggestions/{member.pk}/")
    expect(page.locator("section.grouping")).to_contain_text("并入")
    expect(page.locator("section.grouping")).to_contain_text("2026建021")
    expect(page.get_by_role("link", name="交办", exact=True)).to_have_count(0)

    page.goto(f"{live_server.url}/suggestions/{whole.pk}/")
    page.get_by_role("link", name="分办", exact=True).click()
    page.get_by_label("第1部分 办理事项").fill("行道树补种")
    pick(page, "第1部分 主办单位", second.name, exact=True)
    page.get_by_label("第2部分 办理事项").fill("人行道修缮")
    pick(page, "第2部分 主办单位", stages.lead_department.name, exact=True)
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已分办")).to_be_visible()
    parts = page.locator("section.grouping table")
    expect(parts).to_contain_text("2026建023-1")
    expect(parts).to_contain_text("2026建023-2")
    expect(parts).to_contain_text(second.name)
    assert Suggestion.objects.get(pk=whole.pk).parts.count() == 2
