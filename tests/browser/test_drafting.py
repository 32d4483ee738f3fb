"""Online drafting on a phone (390 px): a deputy drafts, finds a colleague with the search
and invites it; the colleague accepts from its own phone; the lead submits; the office
(1366 px) accepts it and lands on the registered item. No page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from drafts.models import Draft
from drafts.models import InvitationStatus
from suggestions.models import Suggestion
from tests.browser.conftest import login
from tests.browser.helpers import VIEWPORT
from tests.factories import DeputyFactory
from tests.factories import deputy_user
from tests.factories import office_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS = "document.scrollingElement.scrollWidth <= window.innerWidth"
TITLE = "关于在老旧小区推广加装电梯与适老化改造一体化实施、统一征询统一施工的建议"


def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_draft_invite_cosign_submit_accept(browser, live_server):
    deputy_user(DeputyFactory(name="陈建华"), username="daibiao")
    deputy_user(DeputyFactory(name="王丽", delegation="南京西路街道代表组"), username="wangli")
    deputy_user(DeputyFactory(name="赵强"), username="zhaoq")
    office_user(username="office")

    context, page = phone(browser)
    login(page, live_server, "daibiao")
    page.wait_for_url(f"{live_server.url}/deputy/")
    page.get_by_role("link", name="网上起草").click()
    page.get_by_role("link", name="起草新建议").click()
    page.get_by_label("建议标题").fill(TITLE)
    page.get_by_label("建议内容").fill(
        "加装电梯与适老化改造分头推进，居民需两次征询。建议一并实施。"
    )
    page.get_by_label("闭会期间").check()
    assert page.evaluate(NO_SIDEWAYS)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert page.evaluate(NO_SIDEWAYS)

    page.get_by_role("link", name="邀请联名代表").click()
    page.get_by_label("查找代表").fill("南京西路")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_label("王丽")).to_be_visible()
    expect(page.get_by_label("赵强")).to_have_count(0)
    assert page.evaluate(NO_SIDEWAYS)
    page.get_by_label("王丽").check()
    page.get_by_role("button", name="发出邀请").click()
    expect(page.get_by_text("联名邀请已发出")).to_be_visible()
    expect(page.get_by_text("王丽 · 待回复")).to_be_visible()
    context.close()

    context, page = phone(browser)
    login(page, live_server, "wangli")
    page.wait_for_url(f"{live_server.url}/deputy/")
    expect(page.locator("a.bell .badge")).to_have_text("1")
    page.locator("a.bell").click()
    page.get_by_role("link", name="陈建华代表邀请您联名").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert page.evaluate(NO_SIDEWAYS)
    page.get_by_role("button", name="同意联名").click()
    expect(page.get_by_text("您已同意联名。")).to_be_visible()
    context.close()
    draft = Draft.objects.get()
    assert draft.invitations.get().status == InvitationStatus.ACCEPTED

    context, page = phone(browser)
    login(page, live_server, "daibiao")
    page.wait_for_url(f"{live_server.url}/deputy/")
    page.goto(f"{live_server.url}/deputy/drafts/{draft.pk}/")
    expect(page.get_by_text("王丽 · 已同意")).to_be_visible()
    page.get_by_role("button", name="提交建议").click()
    expect(page.get_by_text("建议已提交区政府办公室")).to_be_visible()
    context.close()

    context = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="网上建议").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="受理为代表建议").click()
    suggestion = Suggestion.objects.get()
    page.wait_for_url(f"**/suggestions/{suggestion.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert [d.name for d in suggestion.co_signers.all()] == ["王丽"]
    context.close()
