"""Whole journeys through the workspace in a real browser, one browser context per user."""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from suggestions import services
from suggestions.models import Outcome
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.browser.conftest import login
from tests.browser.helpers import VIEWPORT
from tests.browser.helpers import add_months
from tests.browser.helpers import at
from tests.browser.helpers import iso
from tests.browser.helpers import pick
from tests.browser.helpers import shot
from tests.browser.helpers import today
from tests.browser.helpers import write_pdf
from tests.factories import CongressSessionFactory
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import handler_user
from tests.factories import office_user
from tests.factories import supervisor_user

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(browser, live_server):
    """`open_as("fangguan")` → a page in a fresh browser context, logged in as that user."""
    contexts = []

    def _open(username: str):
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORT, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, username)
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _open
    for context in contexts:
        context.close()


def workspace_row(page, title: str):
    """The one row of 我的待办 that links to `title`, and the heading of its section (each
    item is listed once, in its most urgent section, its other reasons as tags)."""
    section = page.locator("section.card").filter(has=page.get_by_role("link", name=title))
    expect(section).to_have_count(1)
    heading = section.get_by_role("heading", level=2).inner_text()
    return heading, section.get_by_role("row").filter(has=page.get_by_role("link", name=title))


def heading_section(page, heading: str):
    """The card of the workspace whose heading starts with `heading`."""
    return page.locator("section.card").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{re.escape(heading)}"))
    )


def result_titles(page) -> list[str]:
    return page.locator("#results tbody tr td:nth-child(3)").all_inner_texts()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


# ---------------------------------------------------------------------------------------
# 1. Register → assign → co-opinion → acknowledge → reply with letter → 不满意 → rework


def test_a_suggestion_goes_from_registration_to_rework(open_as, live_server, tmp_path):
    fangguan_dept = DepartmentFactory(name="区房管局")
    jianguan_dept = DepartmentFactory(name="区建设管理委")
    lvhua_dept = DepartmentFactory(name="区绿化市容局")
    office_user(username="office", last_name="王", first_name="静")
    supervisor_user(username="supervisor", last_name="赵", first_name="敏")
    handler_user(fangguan_dept, username="fangguan", last_name="刘", first_name="洋")
    handler_user(jianguan_dept, username="jianguan", last_name="陈", first_name="刚")
    handler_user(lvhua_dept, username="lvhua", last_name="周", first_name="丽")
    day = today()
    received = day - dt.timedelta(days=4)
    session = CongressSessionFactory(
        name="区二届人大五次会议",
        year=received.year,
        starts_on=received - dt.timedelta(days=3),
        ends_on=received,
    )
    DeputyFactory(name="张伟")
    SuggestionFactory(title="关于增设非机动车停车棚的建议")  # stays a draft
    title = "关于加快老旧小区加装电梯审批的建议"
    pdf_path = tmp_path / "答复函.pdf"
    pdf = write_pdf(pdf_path)

    # The office registers the suggestion.
    office = open_as("office")
    office.get_by_role("navigation", name="主导航").get_by_role("link", name="登记建议").click()
    expect(office).to_have_url(f"{live_server.url}/suggestions/new/")
    expect(office.get_by_role("heading", name="登记建议")).to_be_visible()
    office.get_by_label("类别").select_option(label="代表建议")
    office.get_by_label("提出时间").select_option(label="大会期间")
    office.get_by_label("所属会议").select_option(label=session.name)
    office.get_by_label("标题").fill(title)
    office.get_by_label("内容", exact=True).fill(
        "部分老旧小区加装电梯审批环节多、周期长，建议简化流程。"
    )
    office.get_by_label("主题分类").select_option(label="住房保障与旧区改造")
    pick(office, "领衔代表", "张伟")
    office.get_by_label("收到日期").fill(iso(received))
    office.get_by_role("button", name="保存").click()
    expect(office.get_by_role("heading", level=1)).to_have_text(title)
    expect(office.get_by_role("status")).to_contain_text("已登记")
    suggestion = Suggestion.objects.get(title=title)
    assert suggestion.status == Status.DRAFT
    assert suggestion.session == session
    assert suggestion.received_on == received
    detail_url = f"{live_server.url}/suggestions/{suggestion.pk}/"
    assert office.url == detail_url

    # … and assigns it: 区房管局 leads, 区建设管理委 co-handles.
    office.get_by_role("link", name="交办", exact=True).click()
    expect(office.get_by_role("heading", name="交办")).to_be_visible()
    pick(office, "主办单位", "区房管局")
    pick(office, "会办单位", "区建设管理委")
    expect(office.get_by_label("交办日期")).to_have_value(iso(day))
    office.get_by_role("button", name="确定交办").click()
    expect(office.get_by_role("status")).to_contain_text("已交办。")
    expect(office.locator(".pagehead .status")).to_have_text("已交办")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED
    assert suggestion.assigned_on == day

    # 区建设管理委 finds it once in 我的待办: under 待提交会办意见, or under a more urgent
    # section (待签收, 临期) with the 待提交会办意见 tag; it writes its opinion.
    jianguan = open_as("jianguan")
    jianguan.get_by_role("link", name="我的待办").click()
    heading, row = workspace_row(jianguan, title)
    if not heading.startswith("待提交会办意见"):
        expect(row.locator(".badge.reason")).to_contain_text(["待提交会办意见"])
    row.get_by_role("link", name=title).click()
    jianguan.get_by_role("link", name="提交会办意见").click()
    jianguan.get_by_label("会办意见").fill("同意主办单位意见，我委将配合开辟审批绿色通道。")
    jianguan.get_by_role("button", name="确定提交会办意见").click()
    expect(jianguan.get_by_role("status")).to_contain_text("会办意见已提交主办单位。")
    expect(jianguan.get_by_role("cell", name=re.compile("配合开辟审批绿色通道"))).to_be_visible()

    # 区房管局 acknowledges, then replies 计划解决 with a PDF letter.
    fangguan = open_as("fangguan")
    fangguan.get_by_role("link", name="我的待办").click()
    heading, row = workspace_row(fangguan, title)
    assert heading.startswith("待签收"), heading
    row.get_by_role("link", name=title).click()
    fangguan.get_by_role("link", name="签收", exact=True).click()
    fangguan.get_by_role("button", name="确定签收").click()
    expect(fangguan.get_by_role("status")).to_contain_text("已签收。")
    expect(fangguan.locator(".pagehead .status")).to_have_text("办理中")
    fangguan.get_by_role("link", name="答复代表").click()
    fangguan.get_by_label("计划解决").check()
    fangguan.get_by_label("答复内容").fill("已列入明年加装电梯专项计划，审批时限压缩至20个工作日。")
    expect(fangguan.get_by_label("答复日期")).to_have_value(iso(day))
    promised = day + dt.timedelta(days=200)
    fangguan.get_by_label("计划完成时间").fill(iso(promised))
    fangguan.get_by_label("答复函").set_input_files(pdf_path)
    fangguan.get_by_role("button", name="确定答复代表").click()
    expect(fangguan.get_by_role("status")).to_contain_text("已答复代表。")
    expect(fangguan.locator(".pagehead .status")).to_have_text("已答复")
    expect(fangguan.get_by_role("link", name="下载答复函（答复函.pdf）")).to_be_visible()
    expect(fangguan.locator(".reply")).to_contain_text(f"计划完成时间：{iso(promised)}")

    # The office records the deputy's 不满意 with a comment.
    feedback_on = day
    office.goto(detail_url)
    office.get_by_role("link", name="登记代表意见").click()
    office.get_by_label("不满意", exact=True).check()
    office.get_by_label("反馈日期").fill(iso(feedback_on))
    office.get_by_label("代表意见").fill("审批时限仍偏长，希望今年内启动试点。")
    office.get_by_role("button", name="确定登记代表意见").click()
    expect(office.get_by_role("status")).to_contain_text("已登记代表意见。")
    new_due = add_months(feedback_on, 1)
    expect(office.locator(".pagehead .status")).to_have_text("重新办理")
    expect(office.locator(".pagehead")).to_contain_text("代表不满意")
    facts = office.locator("dl.facts")
    expect(facts.locator("dt", has_text="重新办理期限").locator("+ dd")).to_have_text(iso(new_due))
    expect(office.locator(".feedback")).to_contain_text(
        "不满意。审批时限仍偏长，希望今年内启动试点。"
    )
    shot(office, "detail_office_after_feedback")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.outcome) == (Status.REWORK, Outcome.PLANNED)
    assert suggestion.due_on == new_due

    # 区房管局 sees it under 重新办理 with the new due date.
    fangguan.get_by_role("link", name="我的待办").click()
    heading, row = workspace_row(fangguan, title)
    assert heading.startswith("重新办理"), heading
    expect(row.get_by_role("cell").last).to_contain_text(iso(new_due))
    expect(row).to_contain_text("计划解决")
    shot(fangguan, "workspace_fangguan_rework")

    # The supervisor finds it on the dashboard, among the 不满意 items, and downloads the
    # letter; the list, filtered by 重新办理, shows it too.
    supervisor = open_as("supervisor")
    supervisor.get_by_role("link", name="督查看板").click()
    unsatisfied = supervisor.locator("section.card").filter(
        has=supervisor.get_by_role("heading", name=re.compile("^代表不满意件"))
    )
    expect(unsatisfied.get_by_role("link", name=title)).to_be_visible()
    supervisor.get_by_role("link", name="建议列表").click()
    expect(supervisor.locator("#results tbody tr")).to_have_count(2)
    supervisor.get_by_text("更多条件").click()  # 办理状态 is folded under it
    supervisor.locator(".field-status").get_by_label("重新办理").check()
    supervisor.wait_for_url(re.compile(r"status=rework"))
    expect(supervisor.locator("#results tbody tr")).to_have_count(1)
    supervisor.get_by_role("link", name="督查看板").click()
    unsatisfied.get_by_role("link", name=title).click()
    supervisor.wait_for_url(detail_url)
    with supervisor.expect_download() as download_info:
        supervisor.get_by_role("link", name="下载答复函（答复函.pdf）").click()
    download = download_info.value
    assert download.suggested_filename == "答复函.pdf"
    assert Path(download.path()).read_bytes() == pdf

    # 区绿化市容局 holds no assignment: the item does not exist for it.
    lvhua = open_as("lvhua")
    response = lvhua.goto(detail_url)
    assert response.status == 404
    expect(lvhua.get_by_role("heading", level=1)).to_have_text("页面不存在")
    response = lvhua.goto(f"{detail_url}replies/{suggestion.replies.get().pk}/letter/")
    assert response.status == 404


# ---------------------------------------------------------------------------------------
# 2. Filter without reloading, bookmark the URL, open it elsewhere, sort


def _move(suggestion, *, to, lead, office, handler, assigned_on):
    """Through the services, as the users would, on past dates."""
    if to == Status.DRAFT:
        return suggestion
    suggestion = services.suggestion_assign(
        suggestion=suggestion,
        lead=lead,
        actor=office,
        assigned_on=assigned_on,
        when=at(assigned_on),
    )
    if to == Status.IN_PROGRESS:
        suggestion = services.assignment_acknowledge(
            suggestion=suggestion, actor=handler, when=at(assigned_on + dt.timedelta(days=1))
        )
    assert suggestion.status == to
    return suggestion


def test_filters_update_in_place_and_the_url_can_be_shared(open_as, live_server):
    fangguan_dept = DepartmentFactory(name="区房管局")
    lvhua_dept = DepartmentFactory(name="区绿化市容局")
    DepartmentFactory(name="区建设管理委")
    office = office_user(username="office", last_name="王", first_name="静")
    office_user(username="office2", last_name="李", first_name="明")
    fangguan = handler_user(fangguan_dept, username="fangguan")
    lvhua = handler_user(lvhua_dept, username="lvhua")
    plan = [
        # title, status, lead, handler, assigned on (→ due three months later)
        ("关于增设社区养老服务站的建议", Status.IN_PROGRESS, fangguan_dept, fangguan, "2024-03-01"),
        ("关于老旧小区加装电梯的建议", Status.IN_PROGRESS, fangguan_dept, fangguan, "2024-02-01"),
        ("关于整治沿街绿化带的建议", Status.IN_PROGRESS, lvhua_dept, lvhua, "2024-02-10"),
        ("关于规范共有产权房分配的建议", Status.ASSIGNED, fangguan_dept, fangguan, "2024-02-05"),
        ("关于增加夜间公交线路的建议", Status.DRAFT, None, None, None),
    ]
    for title, status, lead, handler, assigned_on in plan:
        _move(
            SuggestionFactory(title=title),
            to=status,
            lead=lead,
            office=office,
            handler=handler,
            assigned_on=dt.date.fromisoformat(assigned_on) if assigned_on else None,
        )
    wanted = ["关于增设社区养老服务站的建议", "关于老旧小区加装电梯的建议"]  # by number
    by_due = list(reversed(wanted))  # due 2024-05-01, then 2024-06-01

    page = open_as("office")
    page.get_by_role("link", name="建议列表").click()
    expect(page.locator("#results tbody tr")).to_have_count(5)
    page.evaluate("window.__sameDocument = 'still here'")
    page.get_by_text("更多条件").click()  # 办理状态 is folded under it
    page.locator(".field-status").get_by_label("办理中").check()
    page.wait_for_url(re.compile(r"status=in_progress"))
    expect(page.locator("#results tbody tr")).to_have_count(3)
    pick(page, "承办单位", "区房管局", exact=True)
    page.wait_for_url(re.compile(rf"department={fangguan_dept.pk}"))
    expect(page.locator("#results tbody tr")).to_have_count(2)
    assert result_titles(page) == wanted
    assert page.evaluate("window.__sameDocument") == "still here", "the filter reloaded the page"
    query = query_of(page.url)
    assert query["status"] == ["in_progress"]
    assert query["department"] == [str(fangguan_dept.pk)]
    assert "q" not in query and "year" not in query, "empty fields stay out of the URL"
    # The export link follows the filter, so Excel gets exactly the rows on screen.
    export_link = page.locator("#export-link")
    expect(export_link).to_have_attribute("href", re.compile(r"[?&]status=in_progress"))
    expect(export_link).to_have_attribute(
        "href", re.compile(rf"[?&]department={fangguan_dept.pk}\b")
    )
    expect(page.locator("#results")).to_contain_text("共 2 件")
    shot(page, "list_office_filtered")
    bookmark = page.url

    # A colleague opens the bookmark: same rows, same filters filled in.
    colleague = open_as("office2")
    colleague.goto(bookmark)
    assert result_titles(colleague) == wanted
    # The folded conditions open by themselves when one of them is set.
    expect(colleague.locator("details.more-filters")).to_have_attribute("open", "")
    expect(colleague.locator(".field-status").get_by_label("办理中")).to_be_checked()
    expect(colleague.locator(".field-status").get_by_label("已交办")).not_to_be_checked()
    expect(colleague.locator("select#id_department")).to_have_value(str(fangguan_dept.pk))
    expect(colleague.locator(".field-department .ts-control")).to_contain_text("区房管局")

    # Sorting by 期限 reorders the rows and keeps the filters.
    colleague.evaluate("window.__sameDocument = 'still here'")
    colleague.locator("#results thead").get_by_role("link", name="期限").click()
    colleague.wait_for_url(re.compile(r"[?&]o=due_on"))
    expect(colleague.locator("#results tbody tr").first).to_contain_text(by_due[0])
    assert result_titles(colleague) == by_due
    query = query_of(colleague.url)
    assert query["status"] == ["in_progress"]
    assert query["department"] == [str(fangguan_dept.pk)]
    assert colleague.evaluate("window.__sameDocument") == "still here"
    expect(colleague.locator("#results thead a[aria-sort=ascending]")).to_have_text(
        re.compile("^期限")
    )
    # The sorted, filtered URL also stands on its own.
    colleague.reload()
    assert result_titles(colleague) == by_due
    expect(colleague.locator("select#id_department")).to_have_value(str(fangguan_dept.pk))
    expect(colleague.locator(".field-department .ts-control")).to_contain_text("区房管局")


# ---------------------------------------------------------------------------------------
# 3. Two office users edit the same item: the second is told, keeps its text, overwrites nothing


OLD_TITLE = "关于改善菜市场周边停车的建议"
NEW_TITLE = "关于改善菜市场周边停车秩序的建议"
TYPED = "建议在菜市场周边增设临时停车泊位，并安排专人疏导。"


def _edit_the_same_item_twice(open_as, live_server):
    """`office` and `office2` open 修改 on one item; the first renames it and saves, the
    second, still on the old form, types new content and saves. Returns the second page."""
    office_user(username="office", last_name="王", first_name="静")
    office_user(username="office2", last_name="李", first_name="明")
    item = SuggestionFactory(title=OLD_TITLE, content="原来的内容。")
    first, second = open_as("office"), open_as("office2")
    for page in (first, second):
        page.goto(f"{live_server.url}/suggestions/{item.pk}/")
        page.get_by_role("link", name="修改", exact=True).click()
        expect(page.get_by_role("heading", name="修改")).to_be_visible()
        expect(page.get_by_label("标题")).to_have_value(OLD_TITLE)

    first.get_by_label("标题").fill(NEW_TITLE)
    first.get_by_role("button", name="确定修改").click()
    expect(first.get_by_role("status")).to_contain_text("已保存修改。")
    expect(first.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)

    second.get_by_label("内容", exact=True).fill(TYPED)
    second.get_by_role("button", name="确定修改").click()
    return item, second


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(open_as, live_server):
    item, second = _edit_the_same_item_twice(open_as, live_server)
    alert = second.get_by_role("alert").filter(has_text="已被王静于")
    expect(alert).to_contain_text(re.compile(r"已被王静于.*修改"))
    expect(alert).to_contain_text("您的修改未保存")
    expect(second.get_by_label("内容", exact=True)).to_have_value(TYPED)
    assert second.url.endswith(f"/suggestions/{item.pk}/do/update/")
    item.refresh_from_db()
    assert (item.title, item.content) == (NEW_TITLE, "原来的内容。")


def test_saving_again_after_the_conflict_does_not_undo_the_other_edit(open_as, live_server):
    """The conflict form carries the current version, so saving it again goes through; it
    must not put back the old title, a field the second user never touched."""
    item, second = _edit_the_same_item_twice(open_as, live_server)
    expect(second.get_by_role("alert").filter(has_text="已被王静于")).to_be_visible()
    with second.expect_navigation():  # to the item, or back to the form with a refusal
        second.get_by_role("button", name="确定修改").click()
    item.refresh_from_db()
    assert item.title == NEW_TITLE, (
        "the second save silently reverted 王静's title: the conflict form resubmits "
        "the stale value of a field 李明 never changed"
    )
