"""The deputy's journey on a phone (390 px): log in, read the reply letter, rate the reply;
the office (1366 px) sees the rating. No page scrolls sideways."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from suggestions import services
from suggestions.models import Outcome
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.browser.conftest import login
from tests.browser.helpers import VIEWPORT
from tests.browser.helpers import write_pdf
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import deputy_user
from tests.factories import handler_user
from tests.factories import office_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Against the phone's width, not window.innerWidth: a mobile browser widens its viewport
# to a page that is too wide, and innerWidth follows it.
NO_SIDEWAYS = f"document.scrollingElement.scrollWidth <= {PHONE['width']}"
NO_SIDEWAYS_AT_1366 = f"document.scrollingElement.scrollWidth <= {VIEWPORT['width']}"


def replied_item(tmp_path):
    department = DepartmentFactory(name="区房管局")
    office = office_user(username="office", last_name="王", first_name="静")
    handler = handler_user(department, username="fangguan")
    lead = DeputyFactory(name="李明华")
    deputy_user(lead, username="daibiao", last_name="李", first_name="明华")
    s = SuggestionFactory(
        lead_deputy=lead,
        title="关于在彭浦新村老旧小区加装电梯并同步改造无障碍通道、增设非机动车充电设施的建议",
    )
    s.co_signers.add(DeputyFactory(name="周晓"))
    s = services.suggestion_assign(suggestion=s, lead=department, co_departments=[], actor=office)
    services.assignment_acknowledge(suggestion=s, actor=handler)
    pdf = write_pdf(tmp_path / "dafuhan.pdf")
    services.reply_submit(
        suggestion=Suggestion.objects.get(pk=s.pk),
        actor=handler,
        outcome=Outcome.RESOLVED,
        text="经研究，已列入2025年加装电梯计划，并已完成无障碍通道改造。" * 4,
        letter=ContentFile(pdf, name="dafuhan.pdf"),
        letter_name="关于加装电梯建议的答复函.pdf",
    )
    return Suggestion.objects.get(pk=s.pk)


def test_a_deputy_reads_the_letter_and_rates_on_a_phone(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    s = replied_item(tmp_path)

    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "daibiao")
    page.wait_for_url(f"{live_server.url}/deputy/")
    expect(page.get_by_role("heading", name="我的建议")).to_be_visible()
    expect(page.get_by_text("待评价").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)
    # The office's navigation is not shown to a deputy.
    expect(page.get_by_role("link", name="建议列表")).to_have_count(0)
    expect(page.get_by_role("link", name="统计报告")).to_have_count(0)

    page.get_by_role("link", name=s.title).click()
    expect(page.get_by_role("heading", name="答复与评价")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)

    # The letter opens in the browser (inline PDF), not as a download.
    link = page.get_by_role("link", name="查看答复函")
    href = link.get_attribute("href")
    letter = context.request.get(f"{live_server.url}{href}")
    assert letter.status == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.headers["content-disposition"].startswith("inline")
    assert letter.body().startswith(b"%PDF-")
    with context.expect_page() as opened:
        link.click()
    opened.value.wait_for_load_state()
    assert opened.value.url == f"{live_server.url}{href}"
    opened.value.close()

    # 不满意 without an opinion is refused, and the choice is kept. The page comes back at
    # the reason (not at its top, a screen or more above), the cursor in the field.
    page.get_by_label("不满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("选择不满意时，请填写具体意见。").first).to_be_in_viewport()
    expect(page.get_by_label("具体意见")).to_be_focused()
    expect(page.get_by_label("不满意")).to_be_checked()
    assert page.evaluate(NO_SIDEWAYS)
    page.get_by_label("具体意见").fill("电梯加装进度慢，请明确开工时间。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价，已提交。")).to_be_visible()
    expect(page.get_by_text("领衔代表评价")).to_contain_text("不满意")
    expect(page.get_by_role("button", name="提交评价")).to_have_count(0)
    assert page.evaluate(NO_SIDEWAYS)
    context.close()

    s.refresh_from_db()
    assert s.status == Status.REWORK

    # The office, at 1366 px, sees the rating, marked as the deputy's own.
    office = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
    page = office.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/{s.pk}/")
    feedback = page.locator("p.feedback")
    expect(feedback).to_contain_text("代表网上评价")
    expect(feedback).to_contain_text("电梯加装进度慢")
    expect(page.locator(".status").first).to_have_text("重新办理")
    office.close()


def test_the_portal_fits_at_1366(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    s = replied_item(tmp_path)
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
    page = context.new_page()
    login(page, live_server, "daibiao")
    page.wait_for_url(f"{live_server.url}/deputy/")
    assert page.evaluate(NO_SIDEWAYS_AT_1366)
    page.goto(f"{live_server.url}/deputy/{s.pk}/")
    assert page.evaluate(NO_SIDEWAYS_AT_1366)
    expect(page.get_by_role("button", name="提交评价")).to_be_visible()
    context.close()
