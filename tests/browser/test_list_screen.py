"""The list as a clerk sees it at 1366×768 (issue 14): the first result row on the first
screen, deputies found by typing, select-all with the floating bulk bar, a saved filter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from suggestions import services
from tests.browser.conftest import login
from tests.browser.helpers import pick
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import office_user

pytestmark = pytest.mark.browser


@pytest.fixture
def items(db):
    office = office_user(username="office")
    chen = DeputyFactory(name="陈建华", delegation="南京西路街道代表组")
    others = [DeputyFactory(name=f"代表{i:02d}") for i in range(40)]
    fangguan = DepartmentFactory(name="区房管局")
    for i in range(30):
        SuggestionFactory(title=f"关于改善社区环境的建议{i:02d}", lead_deputy=others[i])
    led = SuggestionFactory(title="关于加装电梯的建议", lead_deputy=chen)
    services.suggestion_assign(suggestion=led, lead=fangguan, actor=office)
    cosigned = SuggestionFactory(title="关于电梯维保的建议", lead_deputy=others[0])
    cosigned.co_signers.add(chen)
    return office


def test_the_first_row_shows_on_the_first_screen_and_more_conditions_fold(page, live_server, items):
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/")
    first_row = page.locator("#results tbody tr").first
    box = first_row.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, box
    more = page.locator("details.more-filters")
    assert more.get_attribute("open") is None
    expect(more.get_by_text("办理状态")).to_be_hidden()
    more.locator("summary").click()
    expect(more.get_by_text("办理状态")).to_be_visible()


def test_a_deputy_is_found_by_typing_and_filters_the_list(page, live_server, items):
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/")
    picker = page.locator(".field-deputy .ts-control input")
    picker.click()
    picker.fill("陈建")
    option = page.locator(".ts-dropdown .option", has_text="陈建华（南京西路街道代表组）")
    option.click()
    page.wait_for_url("**deputy=*")
    titles = page.locator("#results tbody tr td:nth-child(3)")
    expect(titles).to_have_count(2)
    assert sorted(titles.all_inner_texts()) == ["关于加装电梯的建议", "关于电梯维保的建议"]


def test_select_all_ticks_the_page_and_the_bar_counts(page, live_server, items):
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/?o=number")
    bar = page.locator("[data-bulk-bar]")
    expect(bar.locator("[data-selected-count]")).to_have_text("已选0件")
    page.get_by_label("全选本页").check()
    ticked = page.locator('input[name="ids"]:checked').count()
    assert ticked == page.locator('input[name="ids"]').count() > 1
    expect(bar.locator("[data-selected-count]")).to_have_text(f"已选{ticked}件")
    # Ticking a draft brings 批量交办's fields into the bar; measure once they are in
    # place (the pickers built), not while the fragment is being laid out.
    expect(bar.locator(".field-lead .ts-control")).to_be_visible()
    # The bar floats: at the top of the list its buttons are still on screen. Chromium
    # may place a sticky box one frame after its content grew, so wait for a frame.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, box
    assert box["y"] < page.locator("#results tbody tr").last.bounding_box()["y"], box
    # Its fields stand in one row, so the floating bar leaves most of the list in view.
    assert box["height"] <= 300, box


def test_a_saved_filter_opens_the_same_conditions(page, live_server, items):
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/?q=电梯")
    page.get_by_placeholder("为当前条件起个名称").fill("电梯")
    page.get_by_role("button", name="保存当前筛选").click()
    expect(page.get_by_text("已保存为“电梯”")).to_be_visible()
    page.goto(f"{live_server.url}/suggestions/")
    page.locator(".saved-filter a", has_text="电梯").click()
    page.wait_for_url("**q=*")
    expect(page.locator("#results tbody tr")).to_have_count(2)


def test_one_back_press_undoes_one_filter(page, live_server, items):
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/")
    before = page.evaluate("history.length")
    page.get_by_label("关键词").fill("电梯")
    page.wait_for_url("**q=*")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    # Leaving the field fires change, with nothing new to ask: no second entry.
    page.get_by_label("关键词").dispatch_event("change")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("history.length") == before + 1
    page.go_back()
    page.wait_for_url(f"{live_server.url}/suggestions/")
    expect(page.locator("#results tbody tr")).to_have_count(32)


def test_the_keyword_finds_deputies_and_every_word_must_match(page, live_server, items):
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/")
    keyword = page.get_by_label("关键词")
    keyword.fill("陈建华")  # the lead deputy of one item, a co-signer of another
    page.wait_for_url("**q=*")
    titles = page.locator("#results tbody tr td:nth-child(3)")
    expect(titles).to_have_count(2)
    keyword.fill("电梯 维保")  # both words: only the second
    expect(titles).to_have_count(1)
    expect(titles.first).to_have_text("关于电梯维保的建议")


def test_bulk_assign_fields_load_when_a_draft_is_ticked(page, live_server, items):
    """The list carries no department lists; ticking a draft brings 批量交办's fields into
    the same form, whose pickers work as elsewhere, and the drafts are assigned."""
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/?q=环境的建议00")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert page.locator('select[name="lead"]').count() == 0
    page.locator('input[name="ids"]').first.check()
    control = page.locator(".field-lead .ts-control")
    expect(control).to_be_visible()
    height = control.bounding_box()["height"]
    pick(page, "主办单位", "区房管局")
    # Still focused, with a name chosen, the picker keeps its height: the button beside it
    # must not move between the press and the release of a click (it once did, and the
    # click fell on the fieldset).
    assert control.bounding_box()["height"] == height
    page.get_by_role("button", name="交办所选建议").click()
    expect(page.get_by_role("status")).to_contain_text("已将1件建议交办给区房管局。")
    page.wait_for_url("**/suggestions/?q=*")


def test_a_refused_bulk_assign_keeps_the_ticks_counted_and_its_error_in_view(
    page, live_server, items
):
    """No 主办单位 chosen: the server's error shows beside the field (no browser popup,
    the form is novalidate), in view, the picker's list closed so as not to cover it, and
    the bar still counts the row ticked."""
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/?q=环境的建议00")
    page.locator('input[name="ids"]').first.check()
    expect(page.locator(".field-lead .ts-control")).to_be_visible()
    page.get_by_role("button", name="交办所选建议").click()
    error = page.locator(".field-lead .error")
    expect(error).to_be_in_viewport()
    expect(page.locator(".field-lead .ts-dropdown")).to_be_hidden()
    expect(page.locator("[data-selected-count]")).to_have_text("已选1件")
