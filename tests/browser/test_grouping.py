"""并案 and 分办 in the browser (DESIGN §11), at 1366×768: the pages show where an item's
handling lives, link the group together, and the office takes a merged item out of its
merge. (The 并案 and 分办 forms themselves are posted in
tests/suggestions/actions/test_grouping.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from suggestions import services
from suggestions.models import Suggestion
from tests.browser.conftest import login
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.browser


def test_merged_and_split_items_show_and_link_their_group(page, live_server, stages):
    office = stages.office
    primary = SuggestionFactory(year=2026, number=21, title="关于解决彭浦新村停车难的建议")
    member = SuggestionFactory(year=2026, number=22, title="关于缓解彭浦新村停车矛盾的建议")
    whole = SuggestionFactory(year=2026, number=23, title="关于整治共和新路沿线环境的建议")
    second = DepartmentFactory(name="区绿化市容局")
    services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    services.suggestion_assign(
        suggestion=Suggestion.objects.get(pk=primary.pk),
        lead=stages.lead_department,
        actor=office,
    )
    services.suggestion_split(
        suggestion=whole,
        parts=[
            services.SplitPart(matter="行道树补种", lead=second),
            services.SplitPart(matter="人行道修缮", lead=stages.lead_department),
        ],
        actor=office,
    )
    login(page, live_server, office.username)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/suggestions/{member.pk}/")
    group = page.locator("section.grouping")
    expect(group).to_contain_text("并入")
    expect(page.get_by_role("link", name="交办", exact=True)).to_have_count(0)
    group.get_by_role("link", name="2026建021 关于解决彭浦新村停车难的建议").click()
    expect(page.locator("section.grouping")).to_contain_text("2026建022")

    page.goto(f"{live_server.url}/suggestions/{whole.pk}/")
    parts = page.locator("section.grouping table")
    expect(parts).to_contain_text("2026建023-1")
    expect(parts).to_contain_text("2026建023-2")
    expect(parts).to_contain_text(second.name)
    parts.get_by_role("link", name="2026建023-1").click()
    expect(page.locator("section.grouping")).to_contain_text("的第1部分")

    # Taken out of the merge before the primary's reply: handled alone from now on.
    page.goto(f"{live_server.url}/suggestions/{member.pk}/")
    page.get_by_role("link", name="撤销并案").click()
    page.get_by_label("撤销并案理由").fill("经核实并非同一事项。")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已撤销并案，本件单独办理。")).to_be_visible()
    assert Suggestion.objects.get(pk=member.pk).merged_into is None
