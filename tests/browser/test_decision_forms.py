"""Decision forms show what is decided, and a refused reply asks for its letter again
(issue 14), at 1366×768."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.helpers import write_pdf

pytestmark = pytest.mark.browser


def test_the_extension_form_shows_the_request_and_the_deadline(page, live_server, stages):
    item = stages.pending()
    request = item.assignments.get(role="lead").extension_requests.get()
    login(page, live_server, stages.office.username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/{item.pk}/")
    page.get_by_role("link", name="审批延期申请").click()
    form = page.locator("main")
    expect(form).to_contain_text(f"{request.requested_due_on:%Y-%m-%d}")
    expect(form).to_contain_text("需要协调多个部门。")
    expect(form).to_contain_text(f"{item.due_on:%Y-%m-%d}")


def test_a_refused_reply_asks_for_its_letter_again(page, live_server, stages, tmp_path):
    item = stages.ready()
    letter = tmp_path / "答复函.pdf"
    write_pdf(letter)
    login(page, live_server, stages.lead_handler.username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/suggestions/{item.pk}/")
    page.get_by_role("link", name="答复代表").click()
    page.get_by_label("已经解决").check()
    page.get_by_label("答复函").set_input_files(str(letter))
    page.get_by_role("button", name="确定答复").click()  # 答复内容 left empty
    expect(page.get_by_text("您上次选择的答复函没有保存")).to_be_visible()
    item.refresh_from_db()
    assert item.first_replied_on is None
