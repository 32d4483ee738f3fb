"""并案 and 分办 through the pages and the API: the forms, what the detail pages show, who
may, and a fixed number of queries for a primary with one or fifty merged items."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions import services
from suggestions.models import Outcome
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import token_client
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import detail_url
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today


def test_the_office_merges_from_the_primarys_page(client, office):
    primary, member, _other_year = (
        SuggestionFactory(year=2026, number=1),
        SuggestionFactory(year=2026, number=2, title="关于增设停车位的建议"),
        SuggestionFactory(year=2025, number=3),
    )
    client.force_login(office)
    form = client.get(action_url(primary, "merge")).content.decode()
    assert "2026建002 关于增设停车位的建议" in form
    assert "2025建003" not in form  # another year is not offered
    after = submit(client, office, primary, "merge", {"members": [member.pk]}, "已并案")
    assert after.merged_members.get() == member
    page = client.get(detail_url(member)).content.decode()
    assert "并案办理" in page and f'并入\n    <a href="{detail_url(primary)}">2026建001' in page
    assert "/do/assign/" not in page  # handled on the primary
    assert "2026建002" in client.get(detail_url(primary)).content.decode()


def test_a_refused_merge_keeps_the_choice_and_says_why(client, office, lead_department):
    primary, member = SuggestionFactory(year=2026), SuggestionFactory(year=2026)
    client.force_login(office)
    version = primary.version
    services.suggestion_assign(suggestion=member, lead=lead_department, actor=office)
    response = client.post(
        action_url(primary, "merge"),
        {"version": version, "members": [member.pk], "note": "同一事项"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    # No longer offered (assigned meanwhile): the field says so, the note is kept.
    assert "所选建议已不能并入本件（可能已交办、已并案或已分办），请重新选择。" in page
    assert "同一事项" in page
    assert fresh(primary).merged_members.count() == 0


def test_the_office_splits_an_item_and_the_page_lists_the_parts(
    client, office, lead_department, lead_handler
):
    second = DepartmentFactory(name="区民政局")
    item = SuggestionFactory(year=2026, number=9, title="整治沿线环境")
    data = {
        "assigned_on": iso(today()),
        "matter_1": "绿化补种",
        "lead_1": lead_department.pk,
        "matter_2": "道路修缮",
        "lead_2": second.pk,
    }
    after = submit(client, office, item, "split", data, "已分办")
    assert after.status == Status.ASSIGNED
    page = client.get(detail_url(after)).content.decode()
    assert "2026建009-1" in page and "2026建009-2" in page and "区民政局" in page
    one = after.parts.get(part_no=1)
    # The part is worked on by its own lead: its handler sees it and may sign for it.
    client.force_login(lead_handler)
    part_page = client.get(detail_url(one)).content.decode()
    assert "的第1部分" in part_page and "/do/acknowledge/" in part_page


def test_a_split_with_one_part_is_refused_and_keeps_what_was_typed(client, office, lead_department):
    item = SuggestionFactory(year=2026)
    client.force_login(office)
    response = client.post(
        action_url(item, "split"),
        {
            "version": item.version,
            "assigned_on": iso(today()),
            "matter_1": "绿化补种",
            "lead_1": lead_department.pk,
            "matter_2": "道路修缮",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请选择第2部分的主办单位" in page
    assert 'value="绿化补种"' in page and 'value="道路修缮"' in page
    assert not fresh(item).parts.exists()


def test_handlers_may_not_merge_or_split(client, lead_handler, office, lead_department):
    item = SuggestionFactory(year=2026)
    services.suggestion_assign(suggestion=item, lead=lead_department, actor=office)
    client.force_login(lead_handler)
    for name in ("merge", "split", "unmerge"):
        response = client.get(action_url(fresh(item), name))
        assert response.status_code == 403, name


def test_a_merged_items_deputy_reads_the_primarys_reply(
    client, office, lead_department, lead_handler
):
    primary, member = SuggestionFactory(year=2026), SuggestionFactory(year=2026)
    services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    services.suggestion_assign(suggestion=fresh(primary), lead=lead_department, actor=office)
    services.assignment_acknowledge(suggestion=fresh(primary), actor=lead_handler)
    services.reply_submit(
        suggestion=fresh(primary),
        actor=lead_handler,
        outcome=Outcome.RESOLVED,
        text="已增设停车位120个。",
        replied_on=today(),
    )
    client.force_login(office)
    page = client.get(detail_url(member)).content.decode()
    assert "已增设停车位120个。" in page
    assert "/do/feedback/" in page  # its deputy rates it


def test_api_merge_split_and_unmerge(office, lead_department):
    second = DepartmentFactory(name="区民政局")
    primary, member, whole = (SuggestionFactory(year=2026) for _ in range(3))
    api = token_client(office)
    merged = api.post(
        f"{API}/suggestions/{primary.pk}/merge/",
        {"version": primary.version, "members": [member.pk]},
        format="json",
    )
    assert merged.status_code == 200, merged.content
    assert [m["code"] for m in merged.json()["merged_members"]] == [member.code]
    detail = api.get(f"{API}/suggestions/{member.pk}/").json()
    assert detail["merged_into"]["id"] == primary.pk
    unmerged = api.post(
        f"{API}/suggestions/{member.pk}/unmerge/",
        {"version": fresh(member).version, "reason": "并非同一事项"},
        format="json",
    )
    assert unmerged.status_code == 200 and unmerged.json()["merged_into"] is None
    split = api.post(
        f"{API}/suggestions/{whole.pk}/split/",
        {
            "version": whole.version,
            "parts": [
                {"matter": "绿化补种", "lead": lead_department.pk},
                {"matter": "道路修缮", "lead": second.pk},
            ],
        },
        format="json",
    )
    assert split.status_code == 200, split.content
    assert [p["code"] for p in split.json()["parts"]] == [f"{whole.code}-1", f"{whole.code}-2"]
    again = api.post(
        f"{API}/suggestions/{whole.pk}/split/",
        {"version": fresh(whole).version, "parts": []},
        format="json",
    )
    assert again.status_code == 400
    assert "分办" in again.content.decode()


def test_api_split_refuses_one_part_in_chinese(office, lead_department):
    whole = SuggestionFactory(year=2026)
    response = token_client(office).post(
        f"{API}/suggestions/{whole.pk}/split/",
        {"version": whole.version, "parts": [{"matter": "绿化补种", "lead": lead_department.pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert "分办须分为2至6个部分" in response.content.decode()


def test_the_primary_page_query_count_does_not_grow(client, office):
    """1 and 50 merged items: the same number of queries."""

    def count(n):
        primary = SuggestionFactory(year=2026)
        members = [SuggestionFactory(year=2026) for _ in range(n)]
        services.suggestions_merge(suggestion=primary, members=members, actor=office)
        client.get(detail_url(primary))
        with CaptureQueriesContext(connection) as queries:
            client.get(detail_url(primary))
        return len(queries)

    client.force_login(office)
    assert count(1) == count(50)


def test_a_split_items_page_query_count_does_not_grow(client, office):
    departments = [DepartmentFactory() for _ in range(6)]

    def count(n):
        item = SuggestionFactory(year=2026)
        parts = [
            services.SplitPart(matter=f"事项{i}", lead=d) for i, d in enumerate(departments[:n])
        ]
        services.suggestion_split(suggestion=item, parts=parts, actor=office)
        client.get(detail_url(item))
        with CaptureQueriesContext(connection) as queries:
            client.get(detail_url(item))
        return len(queries)

    client.force_login(office)
    assert count(2) == count(6)


def test_assigning_a_primary_assigns_every_merged_item(client, office, lead_department):
    primary, member = SuggestionFactory(year=2026), SuggestionFactory(year=2026)
    services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    after = submit(
        client,
        office,
        fresh(primary),
        "assign",
        {"lead": lead_department.pk, "assigned_on": iso(today())},
        "已交办。",
    )
    assert after.status == Status.ASSIGNED
    assert fresh(member).status == Status.ASSIGNED
    assert fresh(member).assignments.get().department == lead_department
    assert Suggestion.objects.filter(assigned_on=today()).count() == 2
    assert fresh(member).due_on == fresh(primary).due_on > today() - dt.timedelta(days=1)


def test_the_split_page_groups_each_parts_fields(client, office):
    """办理事项, 主办单位 and 会办单位 stand together under 第n部分, not in one long column."""
    from suggestions.services.grouping import MAX_PARTS

    item = SuggestionFactory(year=2026)
    client.force_login(office)
    page = client.get(action_url(item, "split")).content.decode()
    parts = page.split('<fieldset class="part-row">')[1:]
    assert len(parts) == MAX_PARTS
    for n, part in enumerate(parts, 1):
        assert f"<legend>第{n}部分{'（可不填）' if n > 2 else ''}</legend>" in part
        for name in (f"matter_{n}", f"lead_{n}", f"co_{n}"):
            assert f'name="{name}"' in part
