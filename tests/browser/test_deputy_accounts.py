"""代表账号 with a district's worth of deputies: the list stands in columns and a box
narrows it by name; what was ticked stays ticked while the list is narrowed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from departments.models import Deputy
from tests.browser.conftest import login
from tests.factories import DeputyFactory
from tests.factories import office_user

pytestmark = pytest.mark.browser


def test_the_office_narrows_the_list_by_name_and_makes_accounts(page, live_server):
    office_user(username="office")
    for n in range(70):
        DeputyFactory(name=f"代表{n:02d}")
    DeputyFactory(name="陈建华")
    DeputyFactory(name="陈静")
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/deputy-accounts/")
    entries = page.locator("#deputy-choices > div")
    expect(entries).to_have_count(72)
    # In columns: the first row holds several names.
    tops = {round(entries.nth(i).bounding_box()["y"]) for i in range(4)}
    assert len(tops) == 1, tops
    page.get_by_label("代表03").check()
    page.get_by_label("查找代表").fill("陈")
    expect(entries.locator("visible=true")).to_have_count(2)
    page.get_by_label("陈静").check()
    page.get_by_label("查找代表").fill("无此人")
    expect(entries.locator("visible=true")).to_have_count(0)
    expect(page.get_by_text("没有姓名含所填文字的代表")).to_be_visible()
    page.get_by_label("查找代表").fill("")
    expect(entries.locator("visible=true")).to_have_count(72)
    expect(page.get_by_text("没有姓名含所填文字的代表")).to_be_hidden()
    expect(page.get_by_label("代表03")).to_be_checked()
    page.get_by_role("button", name="创建账号并生成账号单").click()
    expect(page.locator("td.password").first).to_be_visible()
    made = set(Deputy.objects.filter(user__isnull=False).values_list("name", flat=True))
    assert made == {"代表03", "陈静"}
