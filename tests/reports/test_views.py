"""The report page, downloads, issuing, and the supervisors' dashboard."""

import datetime as dt
import html
import io
import json
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import IssuedReport
from security.models import AuditEvent
from suggestions import services
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Status
from tests.conftest import at
from tests.factories import SuggestionFactory

Q3 = {"quarter": "2023Q3", "kind": "suggestion"}
REFERENCE_SENTENCE_START = "截至2023年9月30日，由区政府承办的176件代表建议中"


def resolve_on_reply_date(item, supervisor) -> None:
    """A re-check to 已经解决 dated the day of the reply: inside any period issued since."""
    item.refresh_from_db()
    services.follow_up_record(
        suggestion=item,
        actor=supervisor,
        kind="recheck",
        findings="已解决。",
        new_outcome=Outcome.RESOLVED,
        happened_on=item.first_replied_on,
        when=at(item.first_replied_on),
    )


@pytest.mark.parametrize("url_name", ["reports:dashboard", "reports:report"])
def test_handlers_and_anonymous_cannot_read_reports(client, lead_handler, url_name):
    url = reverse(url_name)
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(lead_handler)
    response = client.get(url)
    assert response.status_code == 403
    assert "统计报告仅供区政府办公室和督查室使用" in response.content.decode()


def test_report_page_shows_the_reference_figures_and_narrative(client, demo, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("reports:report"), Q3)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].replied == 175
    assert REFERENCE_SENTENCE_START in body
    assert "提高了近4.2个百分点" in body
    assert "<svg" in body and "办理结果分布" in body
    # Supervisors read; only office staff issue.
    assert "印发本期报告" not in body


def test_json_download_matches_the_command_output(client, demo, office):
    client.force_login(office)
    response = client.get(reverse("reports:download", args=["json"]), Q3)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["suggestions"]["resolution_rate"] == "82.3"
    assert data["suggestions"]["change"] == "4.2"


def test_unknown_format_is_404(client, office):
    client.force_login(office)
    assert client.get(reverse("reports:download", args=["pdf"]), Q3).status_code == 404


def test_office_issues_a_report_which_then_never_changes(client, journey, office, supervisor):
    item = journey.to(Status.REPLIED)  # replied 2024-03-01, 计划解决
    params = {"as_of": "2024-03-31", "kind": "suggestion", "year": "2024"}
    client.force_login(supervisor)
    assert client.post(reverse("reports:issue"), params).status_code == 403
    client.force_login(office)
    response = client.post(reverse("reports:issue"), params)
    issued = IssuedReport.objects.get()
    assert response.status_code == 302
    assert issued.issued_by == office
    assert AuditEvent.objects.get(kind="report_issue").username == office.username
    assert issued.figures["suggestions"]["outcomes"]["planned"]["count"] == 1
    frozen = dict(issued.figures)
    # A re-check dated inside the issued period changes the computed figures…
    resolve_on_reply_date(item, supervisor)
    # …but not the issued report, and issuing it again is refused.
    issued.refresh_from_db()
    assert issued.figures == frozen
    response = client.post(reverse("reports:issue"), params, follow=True)
    assert "已印发" in response.content.decode()
    assert IssuedReport.objects.count() == 1
    page = client.get(reverse("reports:issued", args=[issued.pk]))
    assert "数据已冻结" in page.content.decode()


def test_the_issued_page_offers_the_files_as_issued_and_says_each_thing_once(
    client, journey, office, supervisor
):
    item = journey.to(Status.REPLIED)  # replied 2024-03-01, 计划解决: 0 of 1 resolved
    params = {"as_of": "2024-03-31", "kind": "suggestion", "year": "2024"}
    client.force_login(office)
    client.post(reverse("reports:issue"), params)
    issued = IssuedReport.objects.get()
    frozen = {
        fmt: client.get(reverse("reports:issued_download", args=[issued.pk, fmt])).content
        for fmt in ("json", "xlsx", "docx")
    }
    assert json.loads(frozen["json"])["suggestions"]["outcomes"]["planned"]["count"] == 1
    # A re-check dated inside the period changes a fresh report, never the issued files.
    resolve_on_reply_date(item, supervisor)
    fresh = client.get(reverse("reports:download", args=["json"]), params).content
    assert json.loads(fresh)["suggestions"]["outcomes"]["planned"]["count"] == 0
    client.force_login(supervisor)
    for fmt, content in frozen.items():
        response = client.get(reverse("reports:issued_download", args=[issued.pk, fmt]))
        assert response.content == content
        assert "filename*=UTF-8''%E5%B7%B2%E5%8D%B0%E5%8F%91-" in response["Content-Disposition"]
    assert (
        client.get(reverse("reports:issued_download", args=[issued.pk, "pdf"])).status_code == 404
    )

    page = client.get(reverse("reports:issued", args=[issued.pk])).content.decode()
    for label in ("下载Word", "下载Excel", "下载数据（JSON）"):
        assert label in page
    overall = issued.narrative.split("\n\n")[0].split("\n", 1)[1]
    assert page.count(overall[:30]) == 1
    assert "<h2>总体情况</h2>" in page
    assert '<td class="num">0.0%</td>' in page  # the resolution rate, with its sign


def test_the_report_page_labels_its_downloads(client, journey, office):
    journey.to(Status.REPLIED)
    client.force_login(office)
    page = client.get(
        reverse("reports:report"), {"as_of": "2024-03-31", "kind": "suggestion", "year": "2024"}
    )
    text = page.content.decode()
    assert "下载Excel" in text and "下载Word" in text and "下载数据（JSON）" in text
    assert "下载 XLSX" not in text


def test_later_report_compares_with_the_issued_previous_period(client, journey, office, supervisor):
    item = journey.to(Status.REPLIED)  # 计划解决 on 2024-03-01
    client.force_login(office)
    client.post(
        reverse("reports:issue"), {"as_of": "2024-03-31", "kind": "suggestion", "year": "2024"}
    )
    # A late-recorded re-check back-dated into Q1 would change a recomputed Q1 rate (0 → 100),
    # but the comparison stays with what was issued (0.0).
    resolve_on_reply_date(item, supervisor)
    response = client.get(
        reverse("reports:report"), {"as_of": "2024-06-30", "kind": "suggestion", "year": "2024"}
    )
    report = response.context["report"]
    assert str(report.previous_resolution_rate) == "0.0"
    assert str(report.change) == "100.0"


@pytest.mark.parametrize("items", [1, 30])
def test_dashboard_query_count_does_not_grow(client, supervisor, journey, items):
    for _ in range(items):
        journey.to(Status.IN_PROGRESS, with_co=False)
    SuggestionFactory()
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:dashboard"), {"year": 2024})
    assert response.status_code == 200
    assert response.context["report"].assigned == items
    # session, user, groups, years, the issued previous report, 9 report queries (one
    # grouped pass for totals, departments and the previous quarter; upgrades; spot
    # checks; 不满意 items and their follow-ups; overdue; community counts, departments and
    # deputy levels), replies per month, key-supervision items, the bell's unread count
    # (notices.context_processors), 我的待办's count in the navigation
    # (suggestions.context_processors).
    assert len(ctx.captured_queries) == 18, [q["sql"][:80] for q in ctx.captured_queries]


def test_dashboard_department_table_sorts(client, demo, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("reports:dashboard"), {"year": 2023, "sort": "-resolution_rate"})
    rates = [row.resolution_rate for row in response.context["departments"]]
    assert rates == sorted(rates, reverse=True)
    response = client.get(reverse("reports:dashboard"), {"year": 2023, "sort": "name"})
    names = [row.name for row in response.context["departments"]]
    assert names == sorted(names)


def test_dashboard_department_rows_lead_to_their_items_in_the_list(client, demo, supervisor):
    """The department's name, its 交办 count and its 超期 count open the list filtered to
    the same items (the demo as of today: no item changed lead department since)."""
    client.force_login(supervisor)
    year = timezone.localdate().year
    response = client.get(reverse("reports:dashboard"), {"year": year})
    page = response.content.decode()
    rows = [r for r in response.context["departments"] if r.assigned]
    assert rows
    checked_overdue = False
    for row in rows:
        links = re.findall(
            rf'href="([^"]*department={row.department_id}&amp;department_role=lead[^"]*)"', page
        )
        assert links, row.name
        for link in set(links):
            listed = client.get(html.unescape(link)).context["page"].total.value
            expected = row.overdue if "deadline=overdue" in link else row.assigned
            checked_overdue |= "deadline=overdue" in link
            assert listed == expected, (row.name, link)
    assert checked_overdue


def test_the_dashboard_shows_the_first_few_and_links_to_the_whole_list(
    client, supervisor, items, monkeypatch
):
    """Issue 17: the dashboard's overdue and 不满意 lists keep the first few; the counts and
    the workbook behind 查看全部 have them all."""
    from reports import views as report_views

    monkeypatch.setattr(report_views, "DASHBOARD_LIST", 2)
    late = [items.assigned(dt.date(2024, 1, day)) for day in (10, 11, 12)]  # due in April
    for day in (1, 2, 3):
        s = items.replied(Outcome.PLANNED, dt.date(2024, 3, day))
        items.feedback(s, Satisfaction.UNSATISFIED, dt.date(2024, 3, 10 + day))
    client.force_login(supervisor)
    response = client.get(reverse("reports:dashboard"), {"year": 2024})
    report = response.context["report"]
    assert (report.overdue, len(report.overdue_items)) == (3, 2)
    assert (report.unsatisfied_total, len(report.unsatisfied)) == (3, 2)
    # The longest overdue first.
    assert [o.item.pk for o in report.overdue_items] == [late[0].pk, late[1].pk]
    page = response.content.decode()
    assert page.count("查看全部3件（下载Excel）") == 2
    link = re.search(r'href="([^"]+)">查看全部3件', page)[1]
    workbook = client.get(html.unescape(link))
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    codes = {row[0] for row in book["明细"].iter_rows(values_only=True)}
    assert {s.code for s in late} <= codes
