"""Query counts that do not grow with the data, and the list's filters, sort and paging.

Query-count tests build a sparse (1) and a dense (50) database and expect the same, exact
number of queries. Every section / page shown must be non-empty in both cases: a prefetch
is skipped when there are no rows, which would change the count for a reason unrelated to
the data size.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suggestions import services
from suggestions import views
from suggestions.models import FollowUp
from suggestions.models import HandlingPolicy
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion
from suggestions.models import Topic
from tests.conftest import promise
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory

LIST = reverse("suggestions:list")
WORKSPACE = reverse("suggestions:workspace")


def today() -> dt.date:
    return timezone.localdate()


def count_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


class Builder:
    """Items in each state, through the services, dated today unless said otherwise."""

    def __init__(self, office, supervisor, lead_handler, co_handler, lead_dep, co_dep):
        self.office = office
        self.supervisor = supervisor
        self.lead_handler = lead_handler
        self.co_handler = co_handler
        self.lead_dep = lead_dep
        self.co_dep = co_dep

    def draft(self, **kwargs) -> Suggestion:
        return SuggestionFactory(**kwargs)

    def assigned(self, assigned_on=None, lead=None, co=(), **kwargs) -> Suggestion:
        s = services.suggestion_assign(
            suggestion=self.draft(**kwargs),
            lead=lead or self.lead_dep,
            co_departments=list(co),
            actor=self.office,
            assigned_on=assigned_on,
        )
        return Suggestion.objects.get(pk=s.pk)

    def in_progress(self, **kwargs) -> Suggestion:
        s = self.assigned(**kwargs)
        services.assignment_acknowledge(suggestion=s, actor=self.lead_handler)
        return Suggestion.objects.get(pk=s.pk)

    def replied(self, outcome=Outcome.PLANNED, **kwargs) -> Suggestion:
        s = self.in_progress(**kwargs)
        services.reply_submit(
            suggestion=s,
            actor=self.lead_handler,
            outcome=outcome,
            text="答复。",
            promised_on=promise(outcome),
        )
        return Suggestion.objects.get(pk=s.pk)

    def feedback(self, satisfaction, **kwargs) -> Suggestion:
        s = self.replied(**kwargs)
        services.feedback_record(
            suggestion=s,
            actor=self.office,
            satisfaction=satisfaction,
            comment="希望加快进度。" if satisfaction == Satisfaction.UNSATISFIED else "",
        )
        return Suggestion.objects.get(pk=s.pk)

    def rework(self, **kwargs) -> Suggestion:
        return self.feedback(Satisfaction.UNSATISFIED, **kwargs)

    def overdue(self, **kwargs) -> Suggestion:
        # Assigned 2024-02-01: the reply was due 2024-05-01.
        return self.assigned(assigned_on=dt.date(2024, 2, 1), **kwargs)

    def due_soon(self, **kwargs) -> Suggestion:
        s = self.assigned(**kwargs)
        # Due tomorrow: within any due-soon window. Set directly: the rows are what the
        # pages read, and no service moves a due date to tomorrow.
        Suggestion.objects.filter(pk=s.pk).update(due_on=today() + dt.timedelta(days=1))
        return Suggestion.objects.get(pk=s.pk)

    def key(self, **kwargs) -> Suggestion:
        s = self.in_progress(**kwargs)
        services.suggestion_set_key_supervision(
            suggestion=s, actor=self.supervisor, key_supervision=True
        )
        return Suggestion.objects.get(pk=s.pk)

    def pending_return(self) -> Suggestion:
        s = self.in_progress()
        services.return_request(suggestion=s, actor=self.lead_handler, reason="不属于本单位。")
        return s

    def pending_extension(self) -> Suggestion:
        s = self.in_progress()
        services.extension_request(
            suggestion=s,
            actor=self.lead_handler,
            requested_due_on=s.due_on + dt.timedelta(days=20),
            reason="需要协调。",
        )
        return s

    def as_co(self) -> Suggestion:
        """区房管局 is the co department here."""
        return self.assigned(lead=self.co_dep, co=[self.lead_dep])

    def as_co_signed(self) -> Suggestion:
        """区房管局 is the co department, has signed and owes its opinion."""
        s = self.as_co()
        services.assignment_acknowledge(suggestion=s, actor=self.lead_handler)
        return Suggestion.objects.get(pk=s.pk)

    def _drafted(self, *, review: bool, countersign: bool, lead, co, co_actor, lead_actor):
        """A reply draft in play, the policy's switches on while it is written only (the
        other kinds reply directly)."""
        s = self.assigned(lead=lead, co=[co])
        services.assignment_acknowledge(suggestion=s, actor=lead_actor)
        services.assignment_acknowledge(suggestion=s, actor=co_actor)
        services.co_opinion_submit(suggestion=s, actor=co_actor, opinion="同意。")
        HandlingPolicy.objects.update_or_create(
            pk=1, defaults={"reply_review": review, "countersign": countersign}
        )
        try:
            services.reply_draft_submit(
                suggestion=Suggestion.objects.get(pk=s.pk),
                actor=lead_actor,
                outcome=Outcome.RESOLVED,
                text="答复。",
            )
        finally:
            HandlingPolicy.objects.filter(pk=1).update(reply_review=False, countersign=False)
        return Suggestion.objects.get(pk=s.pk)

    def under_review(self) -> Suggestion:
        """区房管局's reply draft waits for the office's review."""
        lead, co = self.lead_dep, self.co_dep
        return self._drafted(
            review=True, countersign=False, lead=lead, co=co,
            lead_actor=self.lead_handler, co_actor=self.co_handler,
        )  # fmt: skip

    def to_countersign(self) -> Suggestion:
        """区房管局 is the co department here, and the lead's draft waits for its 会签."""
        lead, co = self.co_dep, self.lead_dep
        return self._drafted(
            review=False, countersign=True, lead=lead, co=co,
            lead_actor=self.co_handler, co_actor=self.lead_handler,
        )  # fmt: skip

    KINDS = (
        "draft",
        "assigned",
        "in_progress",
        "replied",
        "rework",
        "overdue",
        "due_soon",
        "key",
        "pending_return",
        "pending_extension",
        "as_co",
        "as_co_signed",
        "under_review",
        "to_countersign",
    )

    def mixed(self, n: int) -> list[Suggestion]:
        """One item of every kind, so that every section and list page is non-empty, then
        `n` more, round-robin over the kinds."""
        kinds = list(self.KINDS) + [self.KINDS[i % len(self.KINDS)] for i in range(n)]
        return [getattr(self, k)() for k in kinds]


@pytest.fixture
def builder(office, supervisor, lead_handler, co_handler, lead_department, co_department):
    return Builder(office, supervisor, lead_handler, co_handler, lead_department, co_department)


# ---------------------------------------------------------------------------------------
# Query counts


def rich_item(builder: Builder, follow_ups: int = 3) -> Suggestion:
    """An item with a co opinion, two reply rounds (the first with a letter), a 不满意
    feedback, a re-check that changed the outcome, key supervision and `follow_ups` more
    follow-up records by the office, the lead and the supervisor (each one an event)."""
    b = builder
    s = b.in_progress(co=[b.co_dep])
    services.co_opinion_submit(suggestion=s, actor=b.co_handler, opinion="同意。")
    services.reply_submit(
        suggestion=s,
        actor=b.lead_handler,
        outcome=Outcome.PLANNED,
        text="列入计划。",
        promised_on=promise(Outcome.PLANNED),
        letter=ContentFile(b"%PDF-1.4 test", name="a.pdf"),
        letter_name="a.pdf",
    )
    services.feedback_record(
        suggestion=s, actor=b.office, satisfaction=Satisfaction.UNSATISFIED, comment="太慢。"
    )
    services.reply_submit(
        suggestion=s,
        actor=b.lead_handler,
        outcome=Outcome.IN_PROGRESS,
        text="正在解决。",
        promised_on=promise(Outcome.IN_PROGRESS),
    )
    services.follow_up_record(
        suggestion=s,
        actor=b.supervisor,
        kind=FollowUp.Kind.RECHECK,
        findings="已完工。",
        consistent_with_reply=False,
        new_outcome=Outcome.RESOLVED,
    )
    services.suggestion_set_key_supervision(suggestion=s, actor=b.supervisor, key_supervision=True)
    actors = [
        (b.office, FollowUp.Kind.VISIT),
        (b.lead_handler, FollowUp.Kind.CALLBACK),
        (b.supervisor, FollowUp.Kind.SUPERVISION),
    ]
    for i in range(follow_ups):
        actor, kind = actors[i % len(actors)]
        services.follow_up_record(
            suggestion=s,
            actor=actor,
            kind=kind,
            findings=f"第{i + 1}次跟踪。",
            participants="甲、乙",
            evidence=[ContentFile(b"%PDF-1.4 test", name=f"现场照片说明{i + 1}.pdf")],
        )
    return Suggestion.objects.get(pk=s.pk)


# The queries every page of a logged-in user starts with.
# 1 session, 2 user, 3 user's groups (role; cached on the user for the request),
# 4 the bell's unread count (notices.context_processors; a full page only, not a partial),
# 5 我的待办's count in the navigation (suggestions.context_processors; likewise).
BELL = 1
TODO = 1
REQUEST = 3 + BELL + TODO
# A handler's department, shown in the header of every page (base.html).
HEADER_DEPARTMENT = 1

# The plain list page of the office:
# 4 deadline policy, 5 calendar slice (the due-soon threshold of the deadline column),
# 6 the bounded COUNT of the total (suggestions/paging.py), 7 sessions, 8 departments (the
# filter form's selects; the deputy picker renders only the chosen deputy, none here, and
# finds the others as the user types), 9 the user's saved filters (我的筛选), 10 the page
# of rows with their lead deputy, 11 their active assignments with departments (one
# prefetch). The bulk-assign form's two department lists are not on the page: the office
# asks for them when it opens the form (suggestions:bulk_assign_form, below).
LIST_PAGE = 8

# The detail page:
# 4 deadline policy, 5 calendar slice (the item's deadline state), 6 the item with its
# deputy, session, registrar, primary and split item, 7 co-signers, 8 merged items (with
# their deputy), 9 parts (their leads only for a split item), 10 assignments (with
# department, who signed, who wrote the opinion), 11 replies (with department and
# handler), 12 the co-signers' ratings of the replies (with deputy), 13 feedbacks (with
# registrar), 14 follow-ups (with department, recorder, outcome change), 15 their evidence
# files, 16 events (with actor and department), 17 pending return requests, 18 pending
# extension requests (for the actions the user may take now).
DETAIL = 15


@pytest.fixture
def users_by_role(office, supervisor, lead_handler, co_handler):
    return {"office": office, "supervisor": supervisor, "lead": lead_handler, "co": co_handler}


@pytest.mark.parametrize("n", [1, 50])
def test_list_page_query_counts(client, builder, office, lead_handler, lead_department, n):
    builder.mixed(n)
    client.force_login(office)

    response, queries = count_queries(client, LIST)
    assert response.context["page"].total.value == len(Builder.KINDS) + n
    assert len(queries) == REQUEST + LIST_PAGE, queries

    # Filters and a sort:
    # 4 policy, 5 calendar, 6 the department of the filter (validating its id), 7 COUNT
    # (DISTINCT, for the multiple-choice status), 8 sessions, 9 departments, 10 saved
    # filters, 11 the page of rows, 12 their active assignments.
    url = (
        f"{LIST}?year=2024&status=assigned&status=in_progress&department={lead_department.pk}"
        "&department_role=lead&key_supervision=false&topic=transport&q=停车&o=-due_on"
    )
    response, queries = count_queries(client, url)
    assert response.context["page"].total.value >= 1
    assert len(queries) == REQUEST + LIST_PAGE + 1, queries

    # Due soon: as the plain list, plus the deadline policy and calendar slice read again
    # by the filter for its threshold.
    response, queries = count_queries(client, f"{LIST}?deadline=due_soon&o=due_on")
    assert response.context["page"].total.value >= 1
    assert len(queries) == REQUEST + LIST_PAGE + 2, queries

    # Overdue needs no threshold: as the plain list.
    response, queries = count_queries(client, f"{LIST}?deadline=overdue&o=-due_on")
    assert response.context["page"].total.value >= 1
    assert len(queries) == REQUEST + LIST_PAGE, queries

    # The HTMX partial has no filter form and no saved filters (-3: sessions, departments,
    # saved filters).
    response, queries = count_queries(
        client, f"{LIST}?o=title", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert b"<html" not in response.content
    # No bell and no to-do count in a partial.
    assert len(queries) == REQUEST - BELL - TODO + LIST_PAGE - 3, queries

    # The handler: its department in the header (+1).
    client.force_login(lead_handler)
    response, queries = count_queries(client, LIST)
    assert response.context["page"].total.value >= 1
    assert len(queries) == REQUEST + LIST_PAGE + HEADER_DEPARTMENT, queries


@pytest.mark.parametrize("n", [1, 50])
def test_bulk_assign_form_query_count(client, builder, office, n):
    """The fields the list asks for when the office opens 批量交办: the request's own
    queries (no bell and no to-do count in a fragment) and the active departments for the
    lead and co selects, however many items there are."""
    for _ in range(n):
        builder.draft()
    client.force_login(office)
    response, queries = count_queries(client, reverse("suggestions:bulk_assign_form"))
    assert b'name="lead"' in response.content and b"<html" not in response.content
    assert len(queries) == REQUEST - BELL - TODO + 2, queries


@pytest.mark.parametrize("n", [1, 50])
def test_detail_query_count_with_more_items_elsewhere(client, builder, users_by_role, n):
    s = rich_item(builder)
    builder.mixed(n)
    url = reverse("suggestions:detail", args=[s.pk])
    for role in ("office", "supervisor", "lead", "co"):
        client.force_login(users_by_role[role])
        response, queries = count_queries(client, url)
        assert len(response.context["suggestion"].replies.all()) == 2
        header = HEADER_DEPARTMENT if role in ("lead", "co") else 0
        assert len(queries) == REQUEST + DETAIL + header, (role, queries)


@pytest.mark.parametrize("n", [1, 50])
def test_detail_query_count_with_more_records_on_the_item(client, builder, office, n):
    s = rich_item(builder, follow_ups=n)
    client.force_login(office)
    response, queries = count_queries(client, reverse("suggestions:detail", args=[s.pk]))
    page = response.content.decode()
    # Each follow-up shows in the follow-up table and in the timeline.
    assert page.count("次跟踪。") == 2 * n
    assert page.count("现场照片说明") == n  # each follow-up's evidence file
    assert "计划解决 → 正在解决" not in page  # a reply's change is not a follow-up's
    assert "正在解决 → 已经解决" in page
    assert len(queries) == REQUEST + DETAIL, queries


# Each workspace section is one query for its rows and one prefetch of their active
# assignments; the handler's and the office's due-soon sections read the deadline policy
# and calendar slice a second time for their threshold.
WORKSPACE_QUERIES = {
    # 4 policy, 5 calendar (deadline column), 6 policy, 7 calendar (due-soon section),
    # 8-23 eight sections x 2, 24 the department in the header, 25 the 复查任务 of the
    # re-check campaigns (supervision_tags).
    "lead": (8, REQUEST + 4 + 8 * 2 + HEADER_DEPARTMENT + 1),
    # 4-7 as above, 8-21 seven sections x 2.
    "office": (7, REQUEST + 4 + 7 * 2),
    # 4 policy, 5 calendar, 6-11 three sections x 2.
    "supervisor": (3, REQUEST + 2 + 3 * 2),
}


@pytest.mark.parametrize("n", [1, 50])
def test_workspace_query_count(client, builder, users_by_role, n):
    builder.mixed(n)
    for role, (sections, expected) in WORKSPACE_QUERIES.items():
        client.force_login(users_by_role[role])
        response, queries = count_queries(client, WORKSPACE)
        got = response.context["sections"]
        assert len(got) == sections, role
        empty = [key for key, _, items in got if not items]
        assert empty == [], f"{role}: every section must be non-empty for a fair count"
        assert len(queries) == expected, (role, queries)


# ---------------------------------------------------------------------------------------
# The list's filters, sort, paging and HTMX partial


@pytest.fixture
def catalog(builder, lead_department, co_department):
    """Six items with distinct facts, each filter picking a known subset.

    a  2024建001 draft, 大会期间, 交通出行, lead deputy D1, co-signer D2, "停车"
    b  2024社001 draft, 闭会期间 (no session), 养老服务, lead deputy D2
    c  2023建005 assigned to 区房管局 (lead) + 区建设管理委 (co) on 2024-02-01: overdue;
       住房保障, lead deputy D3, co-signer D1
    d  2024建002 assigned to 区建设管理委 (lead) + 区房管局 (co), due tomorrow: due soon;
       重点督办
    e  2024建003 replied 计划解决 by 区房管局, then 不满意: rework, due in a month
    f  2024建004 replied 已经解决 by 区房管局, then 满意: closed
    """
    d1, d2, d3 = DeputyFactory(name="张一"), DeputyFactory(name="李二"), DeputyFactory(name="王三")
    a = builder.draft(number=1, title="关于改善停车条件的建议", lead_deputy=d1)
    a.co_signers.set([d2])
    b = builder.draft(
        kind=Kind.COMMUNITY_OPINION,
        source=Source.RECESS,
        session=None,
        number=1,
        title="关于增设社区食堂的意见",
        topic=Topic.ELDERLY,
        lead_deputy=d2,
    )
    c = builder.overdue(
        year=2023,
        number=5,
        title="关于加快旧区改造的建议",
        topic=Topic.HOUSING,
        lead_deputy=d3,
        co=[co_department],
    )
    c.co_signers.set([d1])
    d = builder.due_soon(
        number=2, title="关于修缮道路的建议", lead=co_department, co=[lead_department]
    )
    services.suggestion_set_key_supervision(
        suggestion=d, actor=builder.supervisor, key_supervision=True
    )
    e = builder.rework(number=3, title="关于增加绿地的建议")
    f = builder.feedback(
        Satisfaction.SATISFIED, outcome=Outcome.RESOLVED, number=4, title="关于路灯维修的建议"
    )
    items = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
    deputies = {"D1": d1, "D2": d2, "D3": d3}
    return items, deputies


def listed(client, params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [s.pk for s in response.context["page"]]


def names(items, pks) -> set[str]:
    by_pk = {s.pk: name for name, s in items.items()}
    return {by_pk[pk] for pk in pks}


FILTER_CASES = [
    ({}, "abcdef"),
    ({"year": "2023"}, "c"),
    ({"year": "2024"}, "abdef"),
    ({"kind": "community_opinion"}, "b"),
    ({"kind": "suggestion"}, "acdef"),
    ({"source": "recess"}, "b"),
    ({"source": "session"}, "acdef"),
    ({"department": "LEAD"}, "cdef"),
    ({"department": "LEAD", "department_role": "lead"}, "cef"),
    ({"department": "LEAD", "department_role": "co"}, "d"),
    ({"department": "CO", "department_role": "lead"}, "d"),
    ({"department": "CO"}, "cd"),
    ({"status": "draft"}, "ab"),
    ({"status": ["draft", "closed"]}, "abf"),
    ({"status": "rework"}, "e"),
    ({"outcome": "planned"}, "e"),
    ({"outcome": ["planned", "resolved"]}, "ef"),
    ({"satisfaction": "unsatisfied"}, "e"),
    ({"satisfaction": "satisfied"}, "f"),
    ({"key_supervision": "true"}, "d"),
    ({"key_supervision": "false"}, "abcef"),
    ({"deadline": "overdue"}, "c"),
    ({"deadline": "due_soon"}, "d"),
    ({"deadline": "on_track"}, "e"),
    ({"deputy": "D1"}, "ac"),  # lead of a, co-signer of c
    ({"deputy": "D2"}, "ab"),  # co-signer of a, lead of b
    ({"deputy": "D3"}, "c"),
    ({"topic": "elderly"}, "b"),
    ({"topic": "housing"}, "c"),
    ({"q": "停车"}, "a"),
    ({"q": "道路"}, "d"),
    ({"q": "  社区食堂 "}, "b"),
    ({"year": "2024", "status": "draft", "topic": "transport"}, "a"),
]


def test_each_filter(client, office, catalog, lead_department, co_department):
    """All cases on one catalog (built once); every mismatch is reported together."""
    items, deputies = catalog
    client.force_login(office)
    got, expected = {}, {}
    for params, want in FILTER_CASES:
        params = dict(params)
        if params.get("department") == "LEAD":
            params["department"] = lead_department.pk
        elif params.get("department") == "CO":
            params["department"] = co_department.pk
        if "deputy" in params:
            params["deputy"] = deputies[params["deputy"]].pk
        key = str(params)
        got[key] = "".join(sorted(names(items, listed(client, params))))
        expected[key] = want
    assert got == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("2023建005", "c"), ("2024建003", "e"), ("2024建001", "a"), ("2024社001", "b")],
    ids=["2023-jian-005", "2024-jian-003", "2024-jian-001", "2024-she-001"],
)
def test_search_by_code(client, office, catalog, code, expected):
    """A code names one item: its year, its kind (建 = 代表建议, 社 = 社区意见建议) and its
    number. 2024建001 and 2024社001 are two different items."""
    items, _ = catalog
    client.force_login(office)
    assert names(items, listed(client, {"q": code})) == set(expected)


def test_a_handler_filters_only_within_what_it_sees(client, other_handler, catalog):
    client.force_login(other_handler)
    assert listed(client, {}) == []
    assert listed(client, {"q": "停车"}) == []


def test_sort_by_due_date(client, office, catalog):
    items, _ = catalog
    client.force_login(office)
    open_items = {"status": ["assigned", "in_progress", "rework"]}
    ascending = listed(client, {**open_items, "o": "due_on"})
    descending = listed(client, {**open_items, "o": "-due_on"})
    assert ascending == [items[k].pk for k in "cde"]
    assert descending == [items[k].pk for k in "edc"]


def test_sort_header_links_toggle_and_keep_the_filters(client, office, catalog):
    client.force_login(office)
    page = client.get(LIST, {"status": "draft", "o": "due_on"}).content.decode()
    assert 'href="?status=draft&amp;o=-due_on"' in page
    assert 'aria-sort="ascending"' in page


def test_pagination_shows_the_total(client, office, catalog, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client.force_login(office)
    first = client.get(LIST)
    assert "共 6 件，第 1 / 2 页" in first.content.decode()
    assert len(first.context["page"]) == 4
    second = client.get(LIST, {"page": "2"})
    assert "共 6 件，第 2 / 2 页" in second.content.decode()
    assert len(second.context["page"]) == 2
    filtered = client.get(LIST, {"status": "draft"})
    assert "共 2 件，第 1 / 1 页" in filtered.content.decode()


def test_pagination_links_keep_the_filters(client, office, catalog, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(office)
    page = client.get(LIST, {"status": ["draft", "closed"], "page": "1"}).content.decode()
    assert "共 3 件，第 1 / 3 页" in page
    # 下一页 seeks from the page's last row (suggestions/paging.py) and keeps the filters.
    link = re.search(
        r'href="(\?status=draft&amp;status=closed&amp;cursor=[\w-]+)" [^>]*rel="next"', page
    )
    assert link, page
    second = client.get(LIST + html.unescape(link.group(1))).content.decode()
    assert "共 3 件，第 2 / 3 页" in second


def test_each_row_links_to_its_item_with_its_status_and_outcome(client, office, catalog):
    items, _ = catalog
    client.force_login(office)
    page = client.get(LIST).content.decode()
    for s in items.values():
        link = f'<a href="{reverse("suggestions:detail", args=[s.pk])}">{html.escape(s.title)}</a>'
        assert link in page
    rows = re.findall(r'<tr class="deadline-.*?</tr>', page, re.S)
    statuses = {re.search(r'class="status status-[a-z_]+">([^<]+)<', r).group(1) for r in rows}
    assert statuses >= {"待交办", "已交办", "重新办理", "已办结"}
    outcomes = {
        re.search(r'data-label="办理结果" class="nowrap">([^<]+)<', r).group(1) for r in rows
    }
    assert outcomes == {"—", "计划解决", "已经解决"}


def test_real_page_size_with_51_items(client, office, db):
    SuggestionFactory.create_batch(51)
    client.force_login(office)
    response = client.get(LIST)
    assert "共 51 件，第 1 / 2 页" in response.content.decode()
    assert len(response.context["page"]) == 50
    assert len(client.get(LIST, {"page": "2"}).context["page"]) == 1


def test_htmx_request_gets_only_the_results(client, office, catalog):
    client.force_login(office)
    response = client.get(
        LIST, {"status": "draft"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="filters"' not in page
    assert "共 2 件" in page
    assert "关于改善停车条件的建议" in page
    assert "关于加快旧区改造的建议" not in page
    assert [t.name for t in response.templates][0] == "suggestions/_results.html"


def test_a_plain_request_and_another_htmx_target_get_the_whole_page(client, office, catalog):
    client.force_login(office)
    for headers in ({}, {"HX-Request": "true", "HX-Target": "main"}):
        page = client.get(LIST, {"status": "draft"}, headers=headers).content.decode()
        assert "<html" in page
        assert 'id="filters"' in page
        assert "共 2 件" in page
