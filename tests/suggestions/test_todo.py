"""我的待办: most urgent first, each item once, with the deadline the viewer owes, and its
count in the navigation."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from suggestions import services
from suggestions.models import Assignment
from suggestions.models import Suggestion
from suggestions.workspace import todo_count
from suggestions.workspace import workspace_sections
from tests.suggestions.test_views_queries import Builder
from tests.suggestions.test_views_queries import builder  # noqa: F401 (fixture)
from tests.suggestions.test_views_queries import users_by_role  # noqa: F401 (fixture)

WORKSPACE = reverse("suggestions:workspace")


def keys(sections) -> list[str]:
    return [key for key, _, _ in sections]


def placed(sections) -> dict[int, list[str]]:
    where: dict[int, list[str]] = {}
    for key, _, items in sections:
        for item in items:
            where.setdefault(item.pk, []).append(key)
    return where


def test_urgent_sections_come_first(builder, users_by_role):  # noqa: F811
    builder.mixed(0)
    assert keys(workspace_sections(users_by_role["lead"]))[:2] == ["overdue", "due_soon"]
    office = keys(workspace_sections(users_by_role["office"]))
    assert office[:2] == ["overdue", "due_soon"]
    assert office[-1] == "feedback"  # the office's own waiting items after the urgent ones
    assert keys(workspace_sections(users_by_role["supervisor"]))[0] == "overdue"


def test_no_item_twice_in_anyones_todo(builder, users_by_role):  # noqa: F811
    builder.mixed(len(Builder.KINDS))
    for role, user in users_by_role.items():
        where = placed(workspace_sections(user))
        assert where, role
        twice = {pk: ks for pk, ks in where.items() if len(ks) > 1}
        assert twice == {}, role


def test_an_overdue_item_in_progress_shows_once_with_its_other_reason(builder, lead_handler):  # noqa: F811
    s = builder.overdue()
    services.assignment_acknowledge(suggestion=s, actor=lead_handler)
    sections = workspace_sections(lead_handler)
    assert placed(sections) == {s.pk: ["overdue"]}
    (item,) = {k: items for k, _, items in sections}["overdue"]
    assert item.also == ["办理中"]


def test_the_co_department_sees_its_own_opinion_deadline(
    client,
    builder,  # noqa: F811
    lead_handler,
):
    s = builder.as_co_signed()
    co = Assignment.objects.get(suggestion=s, role=Assignment.Role.CO, is_active=True)
    assert co.opinion_due_on != s.due_on
    sections = workspace_sections(lead_handler)
    assert placed(sections) == {s.pk: ["co_opinion"]} or placed(sections) == {s.pk: ["due_soon"]}
    item = next(i for _, _, items in sections for i in items)
    assert item.owed_on == co.opinion_due_on
    # Overdue on its opinion, not on the lead's reply.
    Assignment.objects.filter(pk=co.pk).update(opinion_due_on=s.due_on - dt.timedelta(days=400))
    sections = workspace_sections(lead_handler)
    assert placed(sections) == {s.pk: ["overdue"]}
    client.force_login(lead_handler)
    page = client.get(WORKSPACE).content.decode()
    overdue = page[page.index('id="section-overdue"') :]
    assert (s.due_on - dt.timedelta(days=400)).isoformat() in overdue[: overdue.index("</section>")]


def test_a_given_opinion_leaves_the_todo(builder, lead_handler):  # noqa: F811
    s = builder.as_co_signed()
    services.co_opinion_submit(suggestion=s, actor=lead_handler, opinion="同意。")
    assert placed(workspace_sections(lead_handler)) == {}
    assert todo_count(lead_handler) == 0


def test_the_navigation_counts_what_waits(client, builder, users_by_role):  # noqa: F811
    b = builder
    b.draft()
    b.overdue()
    b.replied()
    s = b.as_co_signed()
    office, lead = users_by_role["office"], users_by_role["lead"]
    # The office: the draft, the overdue item, the reply awaiting the deputy's rating.
    assert todo_count(office) == 3
    # 区房管局: the overdue item it has not signed, the opinion it owes.
    assert todo_count(lead) == 2
    client.force_login(lead)
    page = client.get(reverse("suggestions:home")).content.decode()
    assert '>我的待办 <span class="badge"' in page
    services.co_opinion_submit(suggestion=s, actor=lead, opinion="同意。")
    assert todo_count(lead) == 1
    assert Suggestion.objects.count() == 4


def test_merged_and_split_items_wait_where_they_are_worked_on(
    office, lead_handler, lead_department, other_department
):
    """DESIGN §11: the handler's 我的待办 lists the primary and the parts it leads, not the
    merged item nor the split item (their assignment copies only count them); the office
    assigns the primary only and rates the split item, not its parts."""
    from suggestions.models import Outcome
    from tests.factories import SuggestionFactory

    primary, member, whole = (SuggestionFactory() for _ in range(3))
    services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    waiting = placed(workspace_sections(office))
    assert waiting[primary.pk] == ["draft"] and waiting[whole.pk] == ["draft"]
    assert member.pk not in waiting
    services.suggestion_assign(suggestion=primary, lead=lead_department, actor=office)
    services.suggestion_split(
        suggestion=whole,
        parts=[
            services.SplitPart(matter="绿化补种", lead=lead_department),
            services.SplitPart(matter="道路修缮", lead=other_department),
        ],
        actor=office,
    )
    part = whole.parts.get(part_no=1)
    mine = placed(workspace_sections(lead_handler))
    assert primary.pk in mine and part.pk in mine
    assert member.pk not in mine and whole.pk not in mine
    assert todo_count(lead_handler) == 2
    services.assignment_acknowledge(suggestion=part, actor=lead_handler)
    services.reply_submit(
        suggestion=Suggestion.objects.get(pk=part.pk),
        actor=lead_handler,
        outcome=Outcome.RESOLVED,
        text="已补种。",
        replied_on=dt.date.today(),
    )
    # The part is replied, the split item not yet: nothing for the office to rate.
    assert part.pk not in placed(workspace_sections(office))


def test_the_count_is_every_item_listed_but_mere_reminders(
    builder,  # noqa: F811
    users_by_role,  # noqa: F811
    office,
    lead_department,
    co_department,
):
    """The navigation's count (one query adding up partial-index counts) and 我的待办 (one
    query per section) agree for each role: the items listed, each once, except those that
    are listed only as due soon (the reminders need the deadline policy) or only for
    follow-up (replied items whose promised work is watched for months)."""
    from tests.factories import SuggestionFactory

    builder.mixed(2 * len(Builder.KINDS))
    primary, member, whole = (SuggestionFactory() for _ in range(3))
    services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    parts = {"绿化补种": lead_department, "道路修缮": co_department}
    split = [services.SplitPart(matter=matter, lead=lead) for matter, lead in parts.items()]
    services.suggestion_split(suggestion=whole, parts=split, actor=office)
    for role, user in users_by_role.items():
        listed = {
            item.pk
            for key, _, items in workspace_sections(user)
            for item in items
            if key not in ("due_soon", "follow_up") or item.also
        }
        assert listed, role
        assert todo_count(user) == len(listed), role
