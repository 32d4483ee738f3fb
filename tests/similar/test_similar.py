"""Similar suggestions (DESIGN §11): words, not characters; the re-worded item first and
its department proposed; the read gate; the index kept up to date by the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from similar.index import rebuild
from similar.models import SimilarDoc
from similar.search import similar_to
from similar.text import words
from suggestions import services
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import deputy_user
from tests.factories import handler_user

pytestmark = pytest.mark.django_db

API = "/api/v1/suggestions/similar/"
YEAR = dt.date.today().year


@pytest.fixture
def corpus(office):
    fangguan = DepartmentFactory(name="区房管局")
    lvhua = DepartmentFactory(name="区绿化市容局")
    items = {
        "lift": SuggestionFactory(
            year=YEAR - 1,
            title="关于加快老旧小区加装电梯的建议",
            content="老旧小区居民上下楼困难，加装电梯审批环节多。",
        ),
        "lift2": SuggestionFactory(
            year=YEAR - 2, title="关于简化加装电梯审批流程的建议", content="加装电梯审批慢。"
        ),
        "trees": SuggestionFactory(
            year=YEAR, title="关于增加街心花园绿化的建议", content="街心花园绿化少，树木老化。"
        ),
        "old": SuggestionFactory(
            year=YEAR - 5, title="关于老旧小区加装电梯的建议", content="加装电梯。"
        ),
    }
    for key, lead in (("lift", fangguan), ("lift2", fangguan), ("trees", lvhua)):
        services.suggestion_assign(suggestion=items[key], lead=lead, actor=office)
    rebuild()
    return items, fangguan, lvhua


def test_words_are_segmented_not_characters():
    assert words("关于老旧小区加装电梯的建议") == ["老旧", "小区", "加装", "电梯"]


def test_the_reworded_item_comes_first_and_its_department_is_proposed(office, corpus):
    items, fangguan, _ = corpus
    found = similar_to(office, title="老旧住宅小区电梯加装审批难，建议提速")
    titles = [m.suggestion.title for m in found.matches]
    assert titles[0] in (items["lift"].title, items["lift2"].title)
    assert items["trees"].title not in titles
    assert items["old"].title not in titles  # five years ago: outside this and 3 years back
    assert found.suggested_department == fangguan
    assert all(0 < m.score <= 1 for m in found.matches)
    assert found.matches == sorted(found.matches, key=lambda m: -m.score)


def test_the_api_answers_in_its_shape_and_honours_the_read_gate(client, office, corpus):
    items, fangguan, lvhua = corpus
    client.force_login(office)
    answer = client.get(API, {"q": "加装电梯审批"}).json()
    assert answer["suggested_department"] == {"id": fangguan.pk, "name": "区房管局"}
    first = answer["results"][0]
    assert set(first) == {"id", "code", "title", "department", "outcome", "score"}
    assert first["department"] == "区房管局"
    excluded = client.get(API, {"q": "加装电梯审批", "exclude": first["id"]}).json()
    assert first["id"] not in [r["id"] for r in excluded["results"]]

    client.force_login(handler_user(lvhua))  # 区绿化市容局 reads only its own items
    answer = client.get(API, {"q": "加装电梯审批 街心花园"}).json()
    assert [r["title"] for r in answer["results"]] == ["关于增加街心花园绿化的建议"]
    for params in ({"q": ""}, {"q": "x", "exclude": "9" * 40}, {"q": "\x00"}, {}):
        assert client.get(API, params).status_code == 200, params


@pytest.mark.parametrize("n", [1, 50])
def test_the_api_costs_the_same_whatever_the_number_of_items(client, office, n):
    lead = DepartmentFactory(name="区房管局")
    for i in range(n):
        s = SuggestionFactory(title=f"关于加装电梯的建议{i}", content="加装电梯审批")
        services.suggestion_assign(suggestion=s, lead=lead, actor=office)
    rebuild()
    client.force_login(office)
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(API, {"q": "加装电梯"}).json()
    assert answer["results"]
    # session, user, groups, the user's rate count (config.api_throttles); the words'
    # frequencies, the indexed count, the scored postings, the items, their lead departments
    assert len(ctx.captured_queries) == 9, [q["sql"][:90] for q in ctx.captured_queries]


def test_the_services_keep_the_index_up_to_date(office, django_capture_on_commit_callbacks):
    deputy = DeputyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        s = services.suggestion_create(
            actor=office,
            title="关于延长图书馆开放时间的建议",
            lead_deputy=deputy,
            received_on=dt.date.today(),
            source="recess",
        )
    assert SimilarDoc.objects.filter(suggestion=s).exists()
    assert similar_to(office, title="图书馆开放时间").matches[0].suggestion == s
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_update(
            suggestion=s,
            actor=office,
            title="关于增设社区食堂的建议",
            expected_version=s.version,
        )
    assert similar_to(office, title="图书馆开放时间").matches == []
    assert similar_to(office, title="社区食堂").matches[0].suggestion == s
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_void(suggestion=s, actor=office, reason="重复登记")
    assert not SimilarDoc.objects.filter(suggestion=s).exists()


def test_the_panel_serves_the_registration_form_and_the_deputys_draft(client, office, corpus):
    client.force_login(office)
    page = client.get(reverse("suggestions:similar"), {"title": "加装电梯审批"}).content.decode()
    assert "建议主办单位：<strong>区房管局</strong>" in page
    deputy = deputy_user(DeputyFactory(name="陈建华"))
    client.force_login(deputy)
    assert client.get(reverse("suggestions:similar"), {"title": "电梯"}).status_code == 404
    page = client.get(reverse("drafts:similar"), {"title": "加装电梯审批"}).content.decode()
    assert "没有找到相似的建议。" in page  # nothing published, nothing of its own


def test_a_reworded_demo_title_finds_its_item_first_and_its_department(db):
    import io

    from django.core.management import call_command

    from departments.models import User
    from suggestions.models import Suggestion

    call_command("load_demo", force=True, stdout=io.StringIO())
    rebuild()  # load_demo indexes after its commit; the test's transaction never commits
    office = User.objects.get(username="office")
    original = Suggestion.objects.get(title="关于进一步加强苏州河沿岸环境保护的建议")
    found = similar_to(office, title="苏州河两岸生态环境保护要加强", today=dt.date(2024, 1, 5))
    assert found.matches[0].suggestion == original
    assert found.suggested_department.name == "区生态环境局"
