"""One item's documents, read back: the Word file with python-docx, the PDF's text with
pypdf; both carry the item's number, departments and every deadline in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from documents import content
from documents.selectors import document_items
from suggestions.deadlines import WorkingCalendar
from suggestions.deadlines import add_working_days
from suggestions.models import Status
from tests.conftest import ASSIGNED_ON
from tests.documents.conftest import docx_text
from tests.documents.conftest import pdf_pages
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(item, kind, fmt):
    return reverse("documents:document", args=[item.pk, kind, fmt])


def get(client, user, item, kind, fmt):
    client.force_login(user)
    return client.get(url(item, kind, fmt))


@pytest.fixture
def cosigned(journey):
    """In progress since 2024-02-01 (so overdue now), lead 区房管局, co 区建设管理委, with a
    named lead deputy and two co-signers."""
    item = journey.draft(lead_deputy=DeputyFactory(name="张建国"), title="关于增设社区食堂的建议")
    item.co_signers.set([DeputyFactory(name="李红梅"), DeputyFactory(name="王志强")])
    return journey.to(Status.IN_PROGRESS, item)


def expected_assignment_facts(item) -> list[str]:
    return_window = add_working_days(ASSIGNED_ON, 5)
    return [
        item.code,
        "关于增设社区食堂的建议",
        "张建国",
        "李红梅、王志强",
        "区房管局",
        "区建设管理委",
        "2024年2月1日",  # 交办日期
        "2024年5月1日",  # 办复期限: three calendar months
        "2024年3月1日",  # 会办意见期限: one calendar month
        f"{return_window.year}年{return_window.month}月{return_window.day}日",
    ]


def test_assignment_notice_docx_carries_number_departments_and_deadlines(client, office, cosigned):
    response = get(client, office, cosigned, "assignment-notice", "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    for fact in expected_assignment_facts(cosigned):
        assert fact in text, fact
    assert "上海市静安区人民政府办公室" in text  # the red 发文机关 line and the signature
    assert "代表建议交办通知单" in text
    assert "区房管局、区建设管理委：" in text
    assert "办复期限｜2024年5月1日" in text
    assert "会办意见期限｜2024年3月1日" in text


def test_assignment_notice_pdf_carries_the_same_facts(client, office, cosigned):
    response = get(client, office, cosigned, "assignment-notice", "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 1, pages
    for fact in expected_assignment_facts(cosigned):
        assert fact in pages[0], fact
    assert "办复期限2024年5月1日" in pages[0]
    assert "—1—" in pages[0]  # the page number


def test_reminder_notice_counts_overdue_working_days(client, office, cosigned):
    """Due 2024-05-01 (劳动节); seen on Wednesday 2024-05-08: 2-5 May are holidays or the
    weekend, so three working days overdue (6, 7, 8 May)."""
    item = document_items(office).get(pk=cosigned.pk)
    today = dt.date(2024, 5, 8)
    notice = content.reminder_notice(
        item, today=today, calendar=WorkingCalendar.for_range(item.due_on, today)
    )
    assert "已超期3个工作日" in "".join(notice.paragraphs)
    assert ("超期", "3个工作日（截至2024年5月8日）") in notice.rows
    assert notice.addressee == "区房管局："
    assert notice.signed_on == today


def test_reminder_notice_files(client, office, cosigned):
    text = docx_text(get(client, office, cosigned, "reminder-notice", "docx").content)
    pdf = pdf_pages(get(client, office, cosigned, "reminder-notice", "pdf").content)[0]
    for body in (text, pdf):
        assert "代表建议催办通知" in body
        assert cosigned.code in body
        assert "区房管局" in body and "区建设管理委" in body
        assert "2024年5月1日" in body
        assert "个工作日" in body


def test_reply_cover_has_round_date_and_outcome(client, office, journey):
    item = journey.to(Status.REPLIED)
    text = docx_text(get(client, office, item, "reply-cover", "docx").content)
    pdf = pdf_pages(get(client, office, item, "reply-cover", "pdf").content)[0]
    for body in (text.replace("｜", "").replace(" ", ""), pdf):
        assert "代表建议答复函" in body
        assert item.code in body
        assert "答复轮次第1轮" in body
        assert "答复日期2024年3月1日" in body
        assert "办理结果C类计划解决" in body
        assert "区房管局" in body and "区建设管理委" in body


def test_reply_cover_is_refused_without_a_reply(client, office, cosigned):
    response = get(client, office, cosigned, "reply-cover", "pdf")
    assert response.status_code == 409
    assert f"{cosigned.code}尚无答复，没有答复函封面。" in response.content.decode()


def test_reminder_is_refused_for_an_item_not_overdue(client, office, journey):
    item = journey.to(Status.REPLIED)
    response = get(client, office, item, "reminder-notice", "docx")
    assert response.status_code == 409
    assert f"{item.code}未超期，不能打印催办通知。" in response.content.decode()


def test_a_draft_has_no_assignment_notice(client, office, journey):
    item = journey.draft()
    response = get(client, office, item, "assignment-notice", "docx")
    assert response.status_code == 409
    assert "尚未交办，没有交办通知单" in response.content.decode()


def test_a_voided_item_has_no_documents(client, office, journey):
    item = journey.to(Status.VOIDED)
    response = get(client, office, item, "assignment-notice", "pdf")
    assert response.status_code == 409
    assert f"{item.code}已作废，不再打印交办通知单。" in response.content.decode()
    page = client.get(reverse("suggestions:detail", args=[item.pk])).content.decode()
    assert "下载PDF" not in page


@pytest.mark.parametrize("who", ["office", "supervisor", "lead_handler", "co_handler"])
def test_who_may_print(client, request, cosigned, who):
    response = get(client, request.getfixturevalue(who), cosigned, "assignment-notice", "docx")
    assert response.status_code == 200


def test_another_departments_handler_gets_404(client, other_handler, cosigned):
    response = get(client, other_handler, cosigned, "assignment-notice", "pdf")
    assert response.status_code == 404


def test_a_deputy_may_not_print(client, cosigned):
    from tests.factories import deputy_user

    # Even its own item: a deputy reaches nothing outside the portal (deputies/middleware).
    user = deputy_user(cosigned.lead_deputy)
    response = get(client, user, cosigned, "assignment-notice", "docx")
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, cosigned):
    response = client.get(url(cosigned, "assignment-notice", "docx"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_kind_or_format_is_404(client, office, cosigned):
    client.force_login(office)
    base = reverse("suggestions:detail", args=[cosigned.pk])
    assert client.get(f"{base}documents/notice.docx").status_code == 404
    assert client.get(f"{base}documents/assignment-notice.odt").status_code == 404


def test_detail_page_offers_the_documents_the_item_has(client, office, cosigned):
    client.force_login(office)
    page = client.get(reverse("suggestions:detail", args=[cosigned.pk])).content.decode()
    assert url(cosigned, "assignment-notice", "docx") in page
    assert url(cosigned, "assignment-notice", "pdf") in page
    assert url(cosigned, "reminder-notice", "pdf") in page  # overdue since 2024-05-01
    assert url(cosigned, "reply-cover", "pdf") not in page  # no reply yet
    assert "下载Word" in page and "下载PDF" in page


def test_item_text_is_printed_as_text_and_nothing_is_fetched(client, office, journey):
    """A title carrying markup is printed as it was typed; the PDF fetcher allows only data:
    URLs, so even markup that slipped through could not reach the network."""
    item = journey.to(
        Status.IN_PROGRESS, journey.draft(title='关于<img src="http://192.0.2.1/x.png">的建议')
    )
    page = pdf_pages(get(client, office, item, "assignment-notice", "pdf").content)[0]
    assert '关于<imgsrc="http://192.0.2.1/x.png">的建议' in page
