import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import office_user

pytestmark = pytest.mark.browser


def test_office_logs_in_and_sees_the_home_page_in_chinese(
    page, live_server, transactional_db, tmp_path
):
    office_user(username="office", last_name="王", first_name="静")
    page.goto(f"{live_server.url}/")
    # Anonymous visitors are sent to the login page.
    assert "/accounts/login/" in page.url
    login(page, live_server, "office", password="wrong-password")
    # The refusal is a new page: wait for it rather than read the one being left.
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
    login(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/")
    heading = page.get_by_role("heading", level=1)
    assert "年度办理概况" in heading.inner_text()
    assert page.get_by_text("按办理状态").is_visible()
    assert "王静（区政府办公室）" in page.locator(".userbox").inner_text()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert (tmp_path / "home.png").stat().st_size > 0
