import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions.models import Kind
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.factories import SuggestionFactory
from tests.factories import UserFactory

HOME = reverse("suggestions:home")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录代表建议办理系统" in response.content.decode()


def test_office_sees_all_counts(client, journey, office):
    journey.to(Status.DRAFT)
    journey.to(Status.REPLIED)
    client.force_login(office)
    response = client.get(HOME, {"year": 2024})
    assert response.status_code == 200
    assert response.context["total"] == 2
    statuses = {label: n for label, n, _ in response.context["statuses"]}
    outcomes = {label: n for label, n, _ in response.context["outcomes"]}
    assert statuses["待交办"] == 1
    assert outcomes["计划解决"] == 1


def test_handler_counts_only_its_department(client, journey, lead_handler, other_handler):
    journey.to(Status.IN_PROGRESS)
    journey.to(Status.DRAFT)
    client.force_login(lead_handler)
    assert client.get(HOME, {"year": 2024}).context["total"] == 1
    client.force_login(other_handler)
    assert client.get(HOME, {"year": 2024}).context["total"] == 0


def test_user_without_role_sees_nothing(client, journey):
    journey.to(Status.ASSIGNED)
    client.force_login(UserFactory(username="nobody"))
    response = client.get(HOME, {"year": 2024})
    assert response.context["total"] == 0


@pytest.mark.parametrize("items", [1, 50])
def test_home_query_count_does_not_grow(client, office, items):
    SuggestionFactory.create_batch(items)
    client.force_login(office)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    # 1 session, 2 user, 3 user's groups (role), 4 first and last year, 5 by status,
    # outcome and kind in one grouped query, 6 overdue count, 7 deadline policy, 8 calendar
    # slice, 9 due-soon count, 10 the bell's unread count (notices.context_processors),
    # 11 我的待办's count in the navigation (suggestions.context_processors).
    assert len(ctx.captured_queries) == 11, [q["sql"] for q in ctx.captured_queries]


def test_the_years_run_from_the_last_to_the_first_and_the_breakdowns_add_up(client, office):
    SuggestionFactory(year=2022)
    SuggestionFactory.create_batch(2, year=2024, kind=Kind.COMMUNITY_OPINION)
    SuggestionFactory(year=2024)
    client.force_login(office)
    context = client.get(HOME).context
    assert (context["years"], context["year"], context["total"]) == ([2024, 2023, 2022], 2024, 3)
    assert dict(context["kinds"]) == {Kind.SUGGESTION.label: 1, Kind.COMMUNITY_OPINION.label: 2}
    assert {label: n for label, n, _ in context["statuses"]}["待交办"] == 3
    assert client.get(HOME, {"year": "2023"}).context["total"] == 0


def test_a_split_item_counts_once_and_a_part_where_its_item_is_not_seen(
    client, office, lead_department, other_department, lead_handler, other_handler
):
    """The office's counts match the report's (DESIGN §11: the suggestion counts once, its
    parts in no figure); a department that leads only a part sees that part counted."""
    from tests.suggestions.services.test_grouping import split

    item = SuggestionFactory(year=2024)
    split(office, item, lead_department, other_department)
    for user, total in ((office, 1), (lead_handler, 1), (other_handler, 1)):
        client.force_login(user)
        assert client.get(HOME, {"year": 2024}).context["total"] == total, user
    client.force_login(office)
    statuses = {v: n for _, n, v in client.get(HOME, {"year": 2024}).context["statuses"]}
    assert statuses[Suggestion.objects.get(pk=item.pk).status] == 1
