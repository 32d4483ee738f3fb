"""关键词: every word must match the number, title, content, a deputy or a department (AND
across words, OR across fields), through the read gate, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions.filters import search_text
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import token_client
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.suggestions.test_views_queries import LIST
from tests.suggestions.test_views_queries import builder  # noqa: F401 (fixture)
from tests.suggestions.test_views_queries import catalog  # noqa: F401 (fixture)
from tests.suggestions.test_views_queries import listed
from tests.suggestions.test_views_queries import names

SEARCH_CASES = [
    ("王三", "c"),  # lead deputy of c
    ("张一", "ac"),  # lead of a, co-signer of c
    ("李二", "ab"),  # co-signer of a, lead of b
    ("区建设管理委", "cd"),  # co department of c, lead department of d
    ("建设管理", "cd"),
    ("停车 张一", "a"),  # two words: both must match
    ("旧区　张一", "c"),  # an ideographic space separates words too
    ("停车 王三", ""),
    ("张一 区房管局", "c"),  # a deputy and a department
    ("2023建005 王三", "c"),
    ("食堂", "b"),
]


def test_search_across_fields_and_words(client, office, catalog):  # noqa: F811
    items, _ = catalog
    client.force_login(office)
    got = {q: "".join(sorted(names(items, listed(client, {"q": q})))) for q, _ in SEARCH_CASES}
    assert got == dict(SEARCH_CASES)


def test_a_search_keeps_the_list_order(client, office, catalog):  # noqa: F811
    """Searched, the list is sorted by the database after the match
    (filters.SEARCHED_ORDER), in the same order as the whole list; the API's too."""
    client.force_login(office)
    everything = listed(client, {})
    searched = listed(client, {"q": "关于"})
    assert len(searched) == 6
    assert searched == everything
    api = token_client(office)
    rows = api.get(f"{API}/suggestions/", {"q": "关于"}).json()["results"]
    assert [row["id"] for row in rows] == everything


def test_content_is_searched(client, office, catalog):  # noqa: F811
    items, _ = catalog
    Suggestion.objects.filter(pk=items["e"].pk).update(content="小区内电梯老旧，绿化缺失。")
    client.force_login(office)
    assert names(items, listed(client, {"q": "电梯 绿化"})) == {"e"}
    assert names(items, listed(client, {"q": "电梯 停车"})) == set()


def test_search_stays_inside_the_read_gate(client, lead_handler, other_handler, catalog):  # noqa: F811
    items, _ = catalog
    client.force_login(other_handler)
    assert listed(client, {"q": "张一"}) == []
    client.force_login(lead_handler)
    # 区房管局 holds c (lead) and d (co), e, f; a is a draft nobody holds.
    assert names(items, listed(client, {"q": "张一"})) == {"c"}


def test_the_api_searches_with_the_same_function(office, catalog):  # noqa: F811
    items, _ = catalog
    client = token_client(office)
    response = client.get(f"{API}/suggestions/", {"q": "张一 旧区"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [items["c"].pk]


@pytest.mark.parametrize("q", ["", "   ", "%", "_", "'", "\\", "x" * 500, "a b c d e f g h i j"])
def test_odd_input_never_fails(client, office, catalog, q):  # noqa: F811
    client.force_login(office)
    assert client.get(LIST, {"q": q}).status_code == 200


def test_a_word_with_many_matching_co_signers_lists_the_item_once(db):
    s = SuggestionFactory(title="关于电梯的建议")
    s.co_signers.set([DeputyFactory(name=f"陈建华{i}") for i in range(5)])
    found = search_text(Suggestion.objects.all(), "陈建华 电梯")
    assert list(found) == [s]


def test_search_query_count_does_not_grow(client, office, db):
    """Searching a deputy's name and a word of the title costs the same queries for 1 and
    for 50 matching items, with no DISTINCT."""
    chen = DeputyFactory(name="陈建华")

    def make(n):
        for _ in range(n):
            s = SuggestionFactory(title="关于加装电梯的建议")
            s.co_signers.set([chen, DeputyFactory()])

    client.force_login(office)
    counts = []
    for n in (1, 49):
        make(n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"q": "陈建华 电梯"})
        assert response.status_code == 200
        assert response.context["page"].total.value == len(counts) * 49 + 1
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert not [sql for sql in sqls if "DISTINCT" in sql.upper()], sqls
        counts.append(len(sqls))
    assert counts[0] == counts[1]


def test_trigram_and_bigram_indexes_exist_on_postgresql(db):
    """Migrations 0008 and 0014 add trigram and bigram indexes on PostgreSQL and nothing on
    SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes "
                "WHERE indexname LIKE '%%_trgm' OR indexname LIKE '%%_bigram'"
            )
            found = {row[0] for row in cursor.fetchall()}
            assert found == {
                "suggestion_title_trgm",
                "suggestion_content_trgm",
                "deputy_name_trgm",
                "department_name_trgm",
                "department_short_trgm",
                "suggestion_title_bigram",
                "suggestion_content_bigram",
            }
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE '%_trgm' OR name LIKE '%_bigram'"
            )
            assert cursor.fetchall() == []


# Titles with letters of both cases and LIKE's special characters: a two-character word is
# looked up among the bigrams on PostgreSQL and with LIKE elsewhere; both must agree with
# a plain case-insensitive substring test.
ODD_TITLES = ["关于AB%x的建议", "关于ab_x的建议", "关于a\\y停车的建议", "停", "关于车停的建议"]


@pytest.mark.parametrize("word", ["ab", "B%", "%x", "_x", "\\y", "停车", "车停", "停", "建议"])
def test_short_words_match_as_substrings_ignoring_case(db, word):
    items = [SuggestionFactory(title=title, content="") for title in ODD_TITLES]
    expected = {s.pk for s in items if word.upper() in s.title.upper()}
    found = {s.pk for s in search_text(Suggestion.objects.all(), word)}
    assert found == expected


def _plan(queryset) -> str:
    """The plan of `queryset` with sequential scans priced out, so that it shows which
    indexes the conditions can use, whatever the size of the test tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.parametrize("word", ["停车", "建设管理"])
def test_every_branch_of_a_word_can_use_an_index(db, word):
    """On PostgreSQL the title and content are read through the bigram (two characters) or
    trigram indexes and the deputies' and departments' items arrive as id lists, so the
    plan never reads every item. SQLite runs each subquery once, not once per item."""
    plan = _plan(search_text(Suggestion.objects.order_by(), word))
    if connection.vendor == "postgresql":
        index = "bigram" if len(word) == 2 else "trgm"
        assert "Seq Scan on suggestions_suggestion" not in plan, plan
        assert f"suggestion_title_{index}" in plan, plan
        assert f"suggestion_content_{index}" in plan, plan
        assert plan.count("InitPlan") >= 3, plan  # lead deputies, co-signers, departments
    else:
        assert "CORRELATED" not in plan, plan
        assert plan.count("LIST SUBQUERY") >= 3, plan
