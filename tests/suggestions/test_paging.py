"""Seek pages and bounded totals (suggestions/paging.py): every order of the list walked
page by page, forwards and backwards, covers every item once, in the order a plain query
gives; the total is exact up to a bound and the planner's estimate past it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection

from suggestions import paging
from suggestions import views
from suggestions.filters import LIST_KEYS
from suggestions.filters import list_keys
from suggestions.models import Kind
from suggestions.models import Suggestion
from tests.api.conftest import token_client
from tests.factories import SuggestionFactory

LIST = "/suggestions/"
API = "/api/v1/suggestions/"

SORTS = ["", "due_on", "-due_on", "title", "-title", "received_on", "-first_replied_on"]


@pytest.fixture
def items(db):
    """17 items over two years and both kinds, some due dates missing and repeated, one
    split into two parts (same number, part 1 and 2)."""
    made = []
    for i in range(15):
        made.append(
            SuggestionFactory(
                year=2023 + i % 2,
                kind=Kind.SUGGESTION if i % 3 else Kind.COMMUNITY_OPINION,
                number=100 - i,
                title=f"关于第{i % 4}项工作的建议",
                due_on=None if i % 4 == 0 else dt.date(2024, 6, 1 + i % 3),
                received_on=dt.date(2024, 1, 1 + i % 2),
            )
        )
    whole = made[1]
    for part_no in (1, 2):
        made.append(
            SuggestionFactory(
                year=whole.year,
                kind=whole.kind,
                number=whole.number,
                part_no=part_no,
                part_of=whole,
                title=whole.title,
                due_on=dt.date(2024, 6, 2),
            )
        )
    return made


def expected(sort: str) -> list[int]:
    keys = list_keys({}, [sort] if sort else None)
    return list(
        Suggestion.objects.order_by(*[k.order_by() for k in keys]).values_list("pk", flat=True)
    )


def rows(response) -> list[int]:
    return [s.pk for s in response.context["page"]]


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)"[^>]*rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def walk(client, params: dict, rel: str, start: str | None = None):
    """Follow the `rel` links from the first page (or from `start`) to the end."""
    response = client.get(LIST + (start or ""), params if start is None else None)
    pages = [rows(response)]
    while target := link(response.content.decode(), rel):
        response = client.get(LIST + target if target.startswith("?") else target)
        assert response.status_code == 200
        pages.append(rows(response))
    return pages, response


@pytest.mark.parametrize("sort", SORTS)
def test_every_order_is_walked_forwards_and_back_over_every_item_once(
    client, office, items, monkeypatch, sort
):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(office)
    params = {"o": sort} if sort else {}
    forwards, last = walk(client, params, "next")
    assert [len(p) for p in forwards] == [4, 4, 4, 4, 1]
    assert [pk for page in forwards for pk in page] == expected(sort)
    assert "共 17 件，第 5 / 5 页" in last.content.decode()
    # And back from the last page, by 上一页, to the first.
    backwards, first = walk(client, None, "prev", start=link_from(last))
    assert backwards[::-1] == forwards
    assert "共 17 件，第 1 / 5 页" in first.content.decode()


def link_from(response) -> str:
    """The query string of the page `response` shows (its 下一页 link's page, less one)."""
    return "?" + response.request["QUERY_STRING"]


def test_the_last_page_link_holds_what_the_full_pages_leave(client, office, items, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    client.force_login(office)
    page = client.get(LIST, {"o": "-due_on"}).content.decode()
    last = re.search(r'<a href="([^"]*)"[^>]*>末页</a>', page)
    response = client.get(LIST + html.unescape(last.group(1)))
    assert rows(response) == expected("-due_on")[15:]
    assert "第 4 / 4 页" in response.content.decode()
    assert link(response.content.decode(), "next") is None


def test_a_page_number_still_jumps(client, office, items, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(office)
    response = client.get(LIST, {"page": "3"})
    assert rows(response) == expected("")[8:12]
    assert "第 3 / 5 页" in response.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJ2IjpbXSwiYiI6ZmFsc2UsInAiOjJ9",  # {"v":[],"b":false,"p":2}: forwards from nothing
        paging.Cursor(("x", "y", 1, 2), False, 2).encode(),  # a year that is not a number
        paging.Cursor((2024, "suggestion", None, 0), False, 2).encode(),  # NULL number
        paging.Cursor((2024, "suggestion", 5), False, 2).encode(),  # too few values
        paging.Cursor(([1], "suggestion", 5, 0), False, 2).encode(),
        "%00" * 10,
        "a" * 5000,
    ],
)
def test_a_cursor_that_is_not_one_is_the_first_page(client, office, items, monkeypatch, cursor):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(office)
    response = client.get(LIST, {"cursor": cursor})
    assert response.status_code == 200
    assert rows(response) == expected("")[:4]


def test_the_default_order_is_unique_so_needs_no_tie_breaker():
    assert paging.order_keys(Suggestion, LIST_KEYS) == LIST_KEYS
    assert paging.order_keys(Suggestion, ["-due_on"])[-1].name == "pk"


def test_the_total_is_exact_up_to_the_bound_then_estimated(client, office, items, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    client.force_login(office)
    page = client.get(LIST).content.decode()
    if connection.vendor == "postgresql":
        estimate = paging.planner_rows(Suggestion.objects.all())
        assert (f"约 {estimate} 件" if estimate > 10 else "超过 10 件") in page
        assert "精确计数" in page
    else:
        # SQLite has no planner estimate: there the count is exact whatever its size.
        assert "共 17 件" in page
    exact = client.get(LIST, {"exact": "1"}).content.decode()
    assert "共 17 件" in exact and "精确计数" not in exact
    small = client.get(LIST, {"year": "2023"}).content.decode()
    assert f"共 {Suggestion.objects.filter(year=2023).count()} 件" in small


def test_the_api_pages_seek_and_say_whether_the_count_is_exact(office, items, monkeypatch):
    office_client = token_client(office)
    monkeypatch.setattr("suggestions.api.paging.SeekPagination.page_size", 4)
    seen, url, previous = [], API + "?o=-due_on", []
    while url:
        body = office_client.get(url).json()
        assert body["count"] == 17 and body["count_exact"] is True
        seen.extend(row["id"] for row in body["results"])
        previous.append(body["previous"])
        url = body["next"]
    assert seen == expected("-due_on")
    assert previous[0] is None and all("cursor=" not in (p or "") for p in previous[:2])
    assert all("cursor=" in p for p in previous[2:])
    # A page number still works, and a bad sort is refused as before.
    assert [r["id"] for r in office_client.get(API, {"page": 2}).json()["results"]] == expected("")[
        4:8
    ]
    assert office_client.get(API, {"o": "nonsense"}).status_code == 400


@pytest.mark.parametrize(
    ("estimate", "shown"),
    [(40, "约 40 件，第 1 / 约 10 页"), (5, "超过 10 件，第 1 页")],
)
def test_a_total_past_the_bound_shows_the_estimate_or_a_lower_bound(
    client, office, items, monkeypatch, estimate, shown
):
    """The planner's guess (PostgreSQL's, stood in for here so that both databases run
    this) above the bound is shown as 约; at or under it, the bounded count knows better."""
    monkeypatch.setattr(paging, "EXACT_UP_TO", 10)
    monkeypatch.setattr(paging, "planner_rows", lambda qs: estimate)
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(office)
    first = client.get(LIST).content.decode()
    assert shown in first
    # 末页 reads backwards from the end, and 上一页 from there walks back to the start,
    # which is the first page, full (pages counted from an estimated end are not those
    # counted from the start).
    last = re.search(r'<a href="([^"]*)"[^>]*>末页</a>', first)
    backwards, start = walk(client, None, "prev", start=html.unescape(last.group(1)))
    assert backwards[0] == expected("")[-4:]
    assert {pk for page in backwards for pk in page} == set(expected(""))
    assert rows(start) == expected("")[:4]
    assert link(start.content.decode(), "prev") is None


@pytest.mark.parametrize("sort", ["", "due_on", "-title"])
def test_items_registered_while_paging_neither_skip_nor_repeat_a_row(
    client, office, items, monkeypatch, sort
):
    """Between one page and the next, items are registered that sort before the page's edge
    and after it, with sort values equal to the page's (ties). Page-number paging would
    then show a row twice; seek pages show every item that was there once, in order."""
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(office)
    before = expected(sort)
    response = client.get(LIST, {"o": sort} if sort else {})
    seen = rows(response)
    number = 1000
    while target := link(response.content.decode(), "next"):
        edge = Suggestion.objects.get(pk=seen[-1])
        # Before the next two pages only: ties registered before every page would each
        # land on the page after, and the walk would never end.
        for _ in range(2 if number < 1008 else 0):  # a tie of the edge row, one first
            number += 1
            SuggestionFactory(
                year=edge.year,
                kind=edge.kind,
                number=number,
                title=edge.title,
                due_on=edge.due_on,
                received_on=edge.received_on,
            )
            number += 1
            SuggestionFactory(year=2099, number=number, title="关于" + "啊" * 3 + "的建议")
        response = client.get(LIST + target)
        seen.extend(rows(response))
    assert len(seen) == len(set(seen)), "a row was shown twice"
    original = [pk for pk in seen if pk in set(before)]
    assert original == before, "an item that was there before was skipped or moved"
