"""Batches: the list's selection (POST) and a day's 交办通知单 (GET ?date=), each as one file,
with the rule checked for every item, a cap, Chinese errors and fixed query counts."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.views import BATCH_LIMIT
from suggestions.models import Status
from tests.conftest import ASSIGNED_ON
from tests.documents.conftest import docx_page_breaks
from tests.documents.conftest import docx_text
from tests.documents.conftest import pdf_pages

pytestmark = pytest.mark.django_db

BATCH = reverse("documents:batch")
DAY = reverse("documents:day")


def post(client, user, ids, document="assignment-notice.docx", **extra):
    client.force_login(user)
    return client.post(BATCH, {"ids": [str(i) for i in ids], "document": document, **extra})


def errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_selection_is_one_word_file_with_a_page_per_item(client, office, journey):
    items = [journey.to(Status.IN_PROGRESS) for _ in range(3)]
    response = post(client, office, [s.pk for s in items])
    assert response.status_code == 200
    text = docx_text(response.content)
    for item in items:
        assert item.code in text
    assert text.count("代表建议交办通知单") == 3
    assert docx_page_breaks(response.content) == 2


def test_a_selection_is_one_pdf(client, office, journey):
    items = [journey.to(Status.IN_PROGRESS) for _ in range(2)]
    response = post(client, office, [s.pk for s in items], "reminder-notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    for page, item in zip(pages, items, strict=True):
        assert "代表建议催办通知" in page and item.code in page
        assert "区房管局" in page and "2024年5月1日" in page


def test_one_item_breaking_the_rule_refuses_the_batch(client, office, journey):
    overdue = journey.to(Status.IN_PROGRESS)
    replied = journey.to(Status.REPLIED)
    query = "status=in_progress"
    response = post(client, office, [overdue.pk, replied.pk], "reminder-notice.docx", query=query)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('suggestions:list')}?{query}"
    assert errors(response) == [f"未生成催办通知：{replied.code}未超期，不能打印催办通知。"]


def test_an_item_outside_the_read_gate_is_404(client, other_handler, journey, other_department):
    item = journey.to(Status.IN_PROGRESS)
    assert post(client, other_handler, [item.pk]).status_code == 404


def test_a_handler_prints_its_departments_items(client, lead_handler, journey):
    items = [journey.to(Status.IN_PROGRESS) for _ in range(2)]
    response = post(client, lead_handler, [s.pk for s in items])
    assert response.status_code == 200
    assert all(item.code in docx_text(response.content) for item in items)


@pytest.mark.parametrize(
    ("ids", "document", "message"),
    [
        ([], "assignment-notice.docx", "请先勾选要打印的建议。"),
        (["1x"], "assignment-notice.docx", "所选建议有误，请刷新页面后重新勾选。"),
        (["１"], "assignment-notice.docx", "所选建议有误，请刷新页面后重新勾选。"),
        (["1"], "assignment-notice.odt", "请选择要打印的公文。"),
        (["1"], "notice.docx", "请选择要打印的公文。"),
        (
            [str(i) for i in range(1, BATCH_LIMIT + 2)],
            "assignment-notice.pdf",
            f"一次最多打印{BATCH_LIMIT}件，已选{BATCH_LIMIT + 1}件，请分批打印。",
        ),
    ],
)
def test_bad_selections_are_refused_in_chinese(client, office, ids, document, message):
    response = post(client, office, ids, document)
    assert response.status_code == 302
    assert errors(response) == [message]


def test_batch_accepts_only_post_and_printers(client, office, journey):
    from tests.factories import deputy_user

    item = journey.to(Status.IN_PROGRESS)
    client.force_login(office)
    assert client.get(BATCH).status_code == 405
    # A deputy reaches nothing outside the portal (deputies/middleware), its own items too.
    assert post(client, deputy_user(item.lead_deputy), [item.pk]).status_code == 404


# ---------------------------------------------------------------------------------------
# A day's 交办通知单


def test_the_day_page_lists_the_days_assignments(client, office, journey):
    that_day = [journey.to(Status.ASSIGNED) for _ in range(2)]
    other = journey.to(Status.DRAFT)
    client.force_login(office)
    page = client.get(DAY, {"date": "2024-02-01"}).content.decode()
    assert "2024年2月1日交办通知单" in page
    assert "该日交办2件" in page
    for item in that_day:
        assert item.code in page
    assert other.code not in page
    assert f"{reverse('documents:day_file', args=['docx'])}?date=2024-02-01" in page


def test_a_day_is_one_file(client, office, journey, lead_handler):
    that_day = [journey.to(Status.ASSIGNED) for _ in range(3)]
    client.force_login(office)
    response = client.get(reverse("documents:day_file", args=["docx"]), {"date": "2024-02-01"})
    assert response.status_code == 200
    text = docx_text(response.content)
    assert [item.code in text for item in that_day] == [True] * 3
    assert docx_page_breaks(response.content) == 2
    pdf = client.get(reverse("documents:day_file", args=["pdf"]), {"date": "2024-02-01"})
    assert len(pdf_pages(pdf.content)) == 3


def test_a_day_without_assignments(client, office):
    client.force_login(office)
    page = client.get(DAY, {"date": "2024-02-02"}).content.decode()
    assert "该日没有交办的建议。" in page
    response = client.get(reverse("documents:day_file", args=["pdf"]), {"date": "2024-02-02"})
    assert response.status_code == 302
    assert errors(response) == ["2024-02-02没有交办的建议。"]


@pytest.mark.parametrize(
    "value",
    ["2024-13-01", "2024-02-30", "abc", "２０２４-０２-０１", "2024-2-1", "20240201", "\x00"],
)
def test_a_bad_date_is_a_chinese_error_not_a_500(client, office, value):
    client.force_login(office)
    response = client.get(DAY, {"date": value})
    assert response.status_code == 400
    assert "日期格式不正确" in response.content.decode()
    file = client.get(reverse("documents:day_file", args=["docx"]), {"date": value})
    assert file.status_code == 400


def test_a_handler_sees_only_its_departments_day(client, journey, other_handler):
    item = journey.to(Status.ASSIGNED)
    client.force_login(other_handler)
    page = client.get(DAY, {"date": ASSIGNED_ON.isoformat()}).content.decode()
    assert item.code not in page


# ---------------------------------------------------------------------------------------
# Query counts: the same for 1 and 50 items


def _queries(client, method, url, data) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data)
    assert response.status_code == 200, response
    return [q["sql"][:90] for q in ctx.captured_queries]


# Every request: the session (1), the user (1), the user's role groups (1). Every batch: the
# items with their lead deputies (1), co-signers (1), merged items with their deputies (1),
# active assignments with their departments (1), replies with their departments (1).
PER_REQUEST = 3
PER_BATCH = 5


def test_batch_queries_do_not_grow_with_the_items(client, office, journey):
    """A reminder batch adds the calendar slice for its working days (1)."""
    items = [journey.to(Status.IN_PROGRESS) for _ in range(50)]
    client.force_login(office)
    counts = [
        len(_queries(client, "post", BATCH, {"ids": [s.pk for s in chosen], "document": doc}))
        for doc in ("assignment-notice.docx", "reminder-notice.pdf")
        for chosen in (items[:1], items)
    ]
    expected = PER_REQUEST + PER_BATCH
    assert counts == [expected, expected, expected + 1, expected + 1]


def test_day_queries_do_not_grow_with_the_items(client, office, journey):
    """The page adds the bell's unread count and the 我的待办 count (2); the file nothing."""
    day = {"date": ASSIGNED_ON.isoformat()}
    file = reverse("documents:day_file", args=["docx"])
    journey.to(Status.ASSIGNED)
    client.force_login(office)
    one = (len(_queries(client, "get", DAY, day)), len(_queries(client, "get", file, day)))
    for _ in range(49):
        journey.to(Status.ASSIGNED)
    fifty = (len(_queries(client, "get", DAY, day)), len(_queries(client, "get", file, day)))
    assert one == fifty == (PER_REQUEST + PER_BATCH + 2, PER_REQUEST + PER_BATCH)


def test_a_day_prints_one_notice_per_merged_group_and_per_part(
    client, office, journey, other_department
):
    """DESIGN §11: a merged group gets its primary's notice, naming every merged item; a
    split item one notice per part, never one for the item itself."""
    from suggestions import services
    from suggestions.models import Suggestion

    primary, member, whole = (journey.to(Status.DRAFT) for _ in range(3))
    services.suggestions_merge(suggestion=primary, members=[member], actor=office)
    journey.to(Status.ASSIGNED, Suggestion.objects.get(pk=primary.pk), with_co=False)
    parts = [
        services.SplitPart(matter="绿化补种", lead=journey.lead_department),
        services.SplitPart(matter="道路修缮", lead=other_department),
    ]
    services.suggestion_split(suggestion=whole, parts=parts, actor=office, assigned_on=ASSIGNED_ON)
    client.force_login(office)
    response = client.get(reverse("documents:day_file", args=["docx"]), {"date": "2024-02-01"})
    text = docx_text(response.content)
    assert text.count("代表建议交办通知单") == 3  # the primary and the two parts
    assert f"{member.code}（{member.lead_deputy.name}）并入本件" in text
    assert f"{whole.code}-1" in text and f"{whole.code}-2" in text
