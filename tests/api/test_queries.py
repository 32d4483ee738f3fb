"""List endpoints cost a fixed number of queries, whatever the number of rows, and their
pages never overlap or skip a row."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from suggestions import services
from suggestions.models import Kind
from suggestions.models import Source
from tests.api.conftest import API
from tests.api.conftest import token_client
from tests.factories import CongressSessionFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory


@pytest.fixture
def office_client(office):
    client = token_client(office)
    # The first request of a token records when it was last used (an UPDATE that is then
    # skipped for five minutes); make it here so the counts below are of steady use.
    assert client.get(f"{API}/sessions/").status_code == 200
    return client


@pytest.fixture
def lead_client(lead_handler):
    client = token_client(lead_handler)
    assert client.get(f"{API}/sessions/").status_code == 200
    return client


def make_items(n: int, office, lead_department, co_department) -> list:
    """`n` items held by 区房管局 (lead) and 区建设管理委 (co), each with two co-signers."""
    cosigners = DeputyFactory.create_batch(2)
    items = []
    for _ in range(n):
        s = SuggestionFactory()
        s.co_signers.set(cosigners)
        services.suggestion_assign(
            suggestion=s, lead=lead_department, co_departments=[co_department], actor=office
        )
        items.append(s)
    return items


# Every authenticated request starts with the same three queries:
#   1. the token, with its user and the user's department (one JOINed SELECT)
#   2. the user's groups, which carry the role (read once, then cached on the user)
#   3. the user's rate count, one INSERT … ON CONFLICT DO UPDATE (config.api_throttles)
AUTH = 3

SUGGESTION_LIST = AUTH + 5
# 3. the deadline policy (for the "due soon" threshold of deadline_state)
# 4. the working-day calendar from today to that threshold
# 5. the bounded COUNT of the visible, filtered items (suggestions/paging.py)
# 6. the page of items, with the lead deputy JOINed
# 7. the active assignments of those items, with their departments (one prefetch)

SUGGESTION_LIST_FILTERED = SUGGESTION_LIST + 5
# + the session, the department and the deputy named in the query string, each looked up
#   once by the filter form to validate it (3 queries)
# + the deadline filter works out the "due soon" threshold again: the deadline policy and
#   the calendar a second time (2 queries; constant, though the annotation already had it)


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize("who", ["office", "lead"])
def test_the_suggestion_list_costs_the_same_for_1_and_50_items(
    request, django_assert_num_queries, office, lead_department, co_department, n, who
):
    client = request.getfixturevalue(f"{who}_client")
    make_items(n, office, lead_department, co_department)
    with django_assert_num_queries(SUGGESTION_LIST):
        response = client.get(f"{API}/suggestions/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == n
    assert all(row["lead_department"] == "区房管局" for row in response.json()["results"])


@pytest.mark.parametrize("n", [1, 50])
def test_the_filtered_suggestion_list_costs_the_same_for_1_and_50_items(
    office_client, django_assert_num_queries, office, lead_department, co_department, n
):
    items = make_items(n, office, lead_department, co_department)
    deputy = items[0].co_signers.first()
    query = {
        "status": ["assigned", "in_progress"],
        "department": lead_department.pk,
        "department_role": "lead",
        "deputy": deputy.pk,
        "session": items[0].session_id,
        "q": "停车",
        "kind": Kind.SUGGESTION,
        "source": Source.SESSION,
        "year": 2024,
        "deadline": "on_track",
        "key_supervision": "false",
        "o": "-due_on",
    }
    with django_assert_num_queries(SUGGESTION_LIST_FILTERED):
        response = office_client.get(f"{API}/suggestions/", query)
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) == n


REFERENCE_LIST = AUTH + 2
# 3. the bounded COUNT for the total (suggestions/paging.py)
# 4. the page of rows (no relation is serialized)


def make_reference(kind: str, n: int) -> None:
    for i in range(n):
        if kind == "departments":
            Department.objects.create(name=f"区测试局{i}")
        elif kind == "deputies":
            DeputyFactory(name=f"测试代表{i}")
        else:
            CongressSessionFactory(name=f"区二届人大第{i}次会议")


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize("kind", ["departments", "deputies", "sessions"])
def test_reference_lists_cost_the_same_for_1_and_50_rows(
    office_client, django_assert_num_queries, kind, n
):
    model = {"departments": Department, "deputies": Deputy, "sessions": CongressSession}[kind]
    model.objects.all().delete()
    make_reference(kind, n)
    with django_assert_num_queries(REFERENCE_LIST):
        response = office_client.get(f"{API}/{kind}/")
    assert response.status_code == 200
    assert response.json()["count"] == n
    assert len(response.json()["results"]) == n


SUGGESTION_DETAIL = AUTH + 12
# 3. the deadline policy, 4. the working-day calendar (the item's deadline_state)
# 5. the item, with its lead deputy, session, registrar, primary and split item JOINed
# 6. co-signers  7. merged items  8. parts  9. assignments (+ department, signer, opinion
# author)  10. replies (+ department, author)  11. co-signers' ratings (+ deputy)
# 12. feedbacks (+ author)  13. follow-ups (+ department, author, outcome change)
# 14. events (+ actor, department)


@pytest.mark.parametrize("stage", ["in_progress", "replied"])
def test_the_detail_costs_the_same_whatever_the_history(
    office_client, django_assert_num_queries, stages, stage
):
    s = stages.build(stage)
    with django_assert_num_queries(SUGGESTION_DETAIL):
        response = office_client.get(f"{API}/suggestions/{s.pk}/")
    assert response.status_code == 200
    assert response.json()["events"]


# ---------------------------------------------------------------------------------------
# Pagination


def all_pages(client, url: str, params: dict | None = None) -> list[list[int]]:
    pages, page = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": page})
        assert response.status_code == 200
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        if not body["next"]:
            return pages
        page += 1


def test_suggestion_pages_cover_every_item_once_in_a_stable_order(office_client, db):
    # 60 items over two years and both kinds, registered out of order.
    items = [
        SuggestionFactory(year=year, kind=kind, number=number)
        for number in (5, 1, 3, 2, 4, 9, 8, 7, 6, 10, 11, 12, 15, 14, 13)
        for year in (2023, 2024)
        for kind in (Kind.SUGGESTION, Kind.COMMUNITY_OPINION)
    ]
    assert len(items) == 60
    pages = all_pages(office_client, f"{API}/suggestions/")
    assert [len(p) for p in pages] == [50, 10]
    ids = [pk for page in pages for pk in page]
    assert sorted(ids) == sorted(s.pk for s in items)  # every item exactly once
    expected = sorted(items, key=lambda s: (-s.year, s.kind, s.number, s.pk))
    assert ids == [s.pk for s in expected]
    # Asking again gives the same pages.
    assert all_pages(office_client, f"{API}/suggestions/") == pages


@pytest.mark.parametrize("o", ["status", "-due_on", "received_on", "title"])
def test_sorted_pages_cover_every_item_once(office_client, db, o):
    # Every item ties on the sort column (same status, no due date, same day).
    items = SuggestionFactory.create_batch(60, title="同名建议")
    pages = all_pages(office_client, f"{API}/suggestions/", {"o": o})
    ids = [pk for page in pages for pk in page]
    assert len(ids) == 60
    assert sorted(ids) == sorted(s.pk for s in items)


@pytest.mark.parametrize("o", ["status", "-due_on", "title"])
def test_a_sorted_page_still_ends_its_order_on_the_primary_key(office_client, db, o):
    """BUG: suggestions/filters.py NullsLastOrderingFilter (the `o` parameter) replaces the
    list's order — which SuggestionViewSet.get_queryset ends on "id" so that "pages never
    overlap or skip" — with the sorted column alone: `?o=status` runs
    ORDER BY status ASC NULLS LAST LIMIT 50 OFFSET 50, with no tie-breaker. Rows that tie
    (most items share a status; all drafts have no due date) may come back in a different
    order for each page on PostgreSQL, so a client paging through sees some items twice and
    others never (SQLite happens to return ties in rowid order, hiding it). Expected: the
    ORDER BY ends with the primary key."""
    SuggestionFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        response = office_client.get(f"{API}/suggestions/", {"o": o})
    assert response.status_code == 200
    [page_sql] = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "suggestions_suggestion"."id"')
    ]
    order_by = page_sql[page_sql.rindex("ORDER BY") : page_sql.rindex(" LIMIT")]
    assert re.search(r'"suggestions_suggestion"\."id" (ASC|DESC)$', order_by), order_by


@pytest.mark.parametrize("kind", ["departments", "deputies", "sessions"])
def test_reference_pages_cover_every_row_once(office_client, db, kind):
    model = {"departments": Department, "deputies": Deputy, "sessions": CongressSession}[kind]
    model.objects.all().delete()
    for i in range(60):
        if kind == "departments":
            Department.objects.create(name=f"单位{i}", sort_order=1)  # ties on sort_order
        elif kind == "deputies":
            DeputyFactory(name=f"代表{i}")
        else:
            CongressSessionFactory(name=f"会议{i}")  # ties on starts_on
    pages = all_pages(office_client, f"{API}/{kind}/")
    ids = [pk for page in pages for pk in page]
    assert [len(p) for p in pages] == [50, 10]
    assert sorted(ids) == sorted(model.objects.values_list("pk", flat=True))
