"""我的待办 at any size: a section lists its first SECTION_LIMIT items, the most urgent
first, says that it has more and, where the list page selects the same items, links to
it; the page runs the same queries whether or not a section is capped. The limit is made
small here (a district's real sections stay under the 200 of the module)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from suggestions import workspace
from suggestions.models import Assignment
from suggestions.models import Suggestion
from suggestions.workspace import workspace_sections
from tests.suggestions.test_views_queries import WORKSPACE_QUERIES
from tests.suggestions.test_views_queries import Builder
from tests.suggestions.test_views_queries import builder  # noqa: F401 (fixture)
from tests.suggestions.test_views_queries import count_queries
from tests.suggestions.test_views_queries import users_by_role  # noqa: F401 (fixture)

WORKSPACE = reverse("suggestions:workspace")
LIST = reverse("suggestions:list")


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(workspace, "SECTION_LIMIT", 2)
    return 2


def section(sections, key: str):
    return next(items for k, _, items in sections if k == key)


def card(page: str, key: str) -> str:
    """The HTML of one section's card."""
    start = page.index(f'id="section-{key}"')
    return page[start : page.index("</section>", start)]


def due(item: Suggestion, day: dt.date) -> Suggestion:
    Suggestion.objects.filter(pk=item.pk).update(due_on=day)
    return item


def test_a_section_lists_its_most_urgent_items_and_links_to_the_rest(
    client,
    builder,  # noqa: F811
    office,
    limit,
):
    late, later, latest = (
        due(builder.overdue(), dt.date(2024, 5, day)) for day in (1, 2, 3)
    )  # all overdue, the first the most
    soon = builder.due_soon()
    sections = workspace_sections(office)
    overdue = section(sections, "overdue")
    assert [item.pk for item in overdue] == [late.pk, later.pk]
    assert overdue.capped and overdue.list_query == "deadline=overdue&o=due_on"
    assert [item.pk for item in section(sections, "due_soon")] == [soon.pk]
    assert not section(sections, "due_soon").capped

    client.force_login(office)
    page = client.get(WORKSPACE).content.decode()
    shown = card(page, "overdue")
    assert '<span class="count">超过 2</span>' in shown
    assert "本项超过 2 件，这里只列出最紧急的 2 件" in shown
    assert f'<a href="{LIST}?deadline=overdue&amp;o=due_on">查看全部</a>' in shown
    assert latest.code not in shown
    assert "本项超过" not in card(page, "due_soon")
    # The link lists the section's every item.
    listed = client.get(f"{LIST}?{overdue.list_query}").context["page"]
    assert {item.pk for item in listed} == {late.pk, later.pk, latest.pk}


def test_a_handler_section_takes_its_first_items_from_lead_and_co_by_the_date_owed(
    client,
    builder,  # noqa: F811
    lead_handler,
    lead_department,
    limit,
):
    """区房管局 leads two overdue items and owes its opinion on a third, whose opinion was
    due first: the section lists that one, then the lead item due first; 查看全部 opens
    the list page on the section's every item (`todo=overdue`)."""
    first_lead = due(builder.overdue(), dt.date(2024, 5, 1))
    second_lead = due(builder.overdue(), dt.date(2024, 5, 2))
    co = builder.as_co()
    opinion_due = dt.date(2024, 1, 10)
    Assignment.objects.filter(suggestion=co, department=lead_department).update(
        opinion_due_on=opinion_due
    )
    sections = workspace_sections(lead_handler)
    overdue = section(sections, "overdue")
    assert [item.pk for item in overdue] == [co.pk, first_lead.pk]
    assert overdue[0].owed_on == opinion_due
    assert overdue.capped and overdue.list_query == "todo=overdue&o=due_on"
    # 待签收 holds the same three: its first two are listed above, so it lists none, yet
    # it says that it has more rather than "暂无".
    signing = section(sections, "acknowledge")
    assert list(signing) == [] and signing.capped
    assert overdue[0].also == ["待签收", "待提交会办意见"]

    client.force_login(lead_handler)
    page = client.get(WORKSPACE).content.decode()
    assert "本项超过 2 件" in card(page, "overdue")
    assert f'<a href="{LIST}?todo=overdue&amp;o=due_on">查看全部</a>' in card(page, "overdue")
    assert "本项超过 2 件" in card(page, "acknowledge")
    assert "待签收：暂无" not in page
    listed = client.get(f"{LIST}?{overdue.list_query}")
    # All three, in the list's order by the items' own 期限 (the list has no date owed).
    assert [item.pk for item in listed.context["page"]] == [first_lead.pk, second_lead.pk, co.pk]
    assert "仅列出我的待办中“已超期”的建议" in listed.content.decode()


@pytest.mark.parametrize(
    ("role", "key", "kind"),
    [
        ("office", "due_soon", "due_soon"),
        ("supervisor", "overdue", "overdue"),
        ("supervisor", "key_supervision", "key"),
        ("supervisor", "follow_up", "replied"),
        ("office", "draft", "draft"),
        ("office", "return_requests", "pending_return"),
        ("office", "extension_requests", "pending_extension"),
        ("lead", "in_progress", "in_progress"),
        ("lead", "co_opinion", "as_co_signed"),
        ("lead", "acknowledge", "assigned"),
    ],
)
def test_every_link_lists_the_sections_items(
    client,
    builder,  # noqa: F811
    users_by_role,  # noqa: F811
    limit,
    role,
    key,
    kind,
):
    made = {getattr(builder, kind)().pk for _ in range(3)}
    user = users_by_role[role]
    items = section(workspace_sections(user), key)
    assert items.capped and len(items) == 2 and {item.pk for item in items} < made
    client.force_login(user)
    response = client.get(f"{LIST}?{items.list_query}")
    assert response.status_code == 200
    assert {item.pk for item in response.context["page"]} == made


@pytest.mark.parametrize("role", sorted(WORKSPACE_QUERIES))
def test_capped_sections_run_the_same_queries(
    client,
    builder,  # noqa: F811
    users_by_role,  # noqa: F811
    role,
    monkeypatch,
):
    monkeypatch.setattr(workspace, "SECTION_LIMIT", 1)
    builder.mixed(2 * len(Builder.KINDS))
    client.force_login(users_by_role[role])
    response, queries = count_queries(client, WORKSPACE)
    sections = response.context["sections"]
    assert any(items.capped for _, _, items in sections), role
    assert len(queries) == WORKSPACE_QUERIES[role][1], (role, queries)


def test_a_section_of_another_role_or_no_section_selects_nothing(
    client,
    builder,  # noqa: F811
    users_by_role,  # noqa: F811
):
    """`todo=` reads the user's own 我的待办: the office has no 待签收, and a handler's list
    never reaches beyond its department whatever the section named."""
    builder.mixed(1)
    client.force_login(users_by_role["office"])
    response = client.get(f"{LIST}?todo=acknowledge")
    assert response.status_code == 200 and list(response.context["page"]) == []
    client.force_login(users_by_role["lead"])
    mine = set(workspace.suggestions_visible_to(users_by_role["lead"]).values_list("pk", flat=True))
    for key in workspace.TODO_LABELS:
        listed = {item.pk for item in client.get(f"{LIST}?todo={key}").context["page"]}
        assert listed <= mine, key
    assert client.get(f"{LIST}?todo=nonsense").status_code == 200
