"""The Excel export of the list's current filter: who may export what, the columns, text that
stays text, a fixed number of queries, the log, and a round trip through the import."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from departments.models import Deputy
from departments.models import Role
from suggestions import exports
from suggestions import imports
from suggestions import services
from suggestions.models import Assignment
from suggestions.models import ExportLog
from suggestions.models import ExtensionRequest
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import Topic
from tests.conftest import at
from tests.factories import CongressSessionFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import UserFactory

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)", "=1+1", "#N/A"]


def export(client, user, query: str = ""):
    client.force_login(user)
    response = client.get(reverse("excel:export") + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return b"".join(response.streaming_content)


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def rows(data: bytes) -> list[dict]:
    ws = sheet(data)
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def codes(data: bytes) -> list[str]:
    return [r["完整编号"] for r in rows(data)]


# ---------------------------------------------------------------------------------------
# Who exports what


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("excel:export"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_may_not_export(client, db):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("excel:export")).status_code == 403
    assert not ExportLog.objects.exists()


def test_a_handler_exports_only_its_departments_items(
    client, journey, lead_handler, other_handler, other_department, office, supervisor
):
    mine = journey.to(Status.IN_PROGRESS)
    theirs = SuggestionFactory()
    services.suggestion_assign(
        suggestion=theirs,
        lead=other_department,
        actor=office,
        assigned_on=dt.date(2024, 2, 1),
        when=at(dt.date(2024, 2, 1)),
    )
    draft = SuggestionFactory()
    assert codes(export(client, lead_handler)) == [mine.code]
    assert codes(export(client, other_handler)) == [theirs.code]
    everything = sorted([mine.code, theirs.code, draft.code])
    assert sorted(codes(export(client, office))) == everything
    assert sorted(codes(export(client, supervisor))) == everything


def test_the_export_uses_the_list_pages_filter_and_order(client, office, journey):
    journey.to(Status.REPLIED)
    drafts = [SuggestionFactory(title=f"关于停车的建议{n}") for n in range(3)]
    SuggestionFactory(year=2023, title="关于停车的建议（2023）")
    query = "status=draft&year=2024&q=停车&o=-number"
    client.force_login(office)
    page = client.get(reverse("suggestions:list") + "?" + query)
    listed = [s.code for s in page.context["page"]]
    assert listed == [s.code for s in reversed(drafts)]
    assert codes(export(client, office, query)) == listed


def test_each_export_is_logged(client, office, db):
    SuggestionFactory()
    SuggestionFactory()
    export(client, office, "status=draft&year=2024")
    log = ExportLog.objects.get()
    assert (log.user, log.query, log.row_count) == (office, "status=draft&year=2024", 2)
    assert timezone.now() - log.exported_at < dt.timedelta(minutes=1)


def test_the_log_is_visible_in_the_admin(client, office, db):
    export(client, office)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:suggestions_exportlog_changelist"))
    assert response.status_code == 200 and "office1" in response.text
    assert client.get(reverse("admin:suggestions_exportlog_add")).status_code == 403


# ---------------------------------------------------------------------------------------
# The columns


def test_a_styled_frozen_header_with_an_autofilter(client, office, db):
    SuggestionFactory()
    ws = sheet(export(client, office))
    assert [c.value for c in ws[1]] == exports.HEADERS
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("2E5E8C")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AB2"


def test_every_date_of_an_items_life(client, office, journey, lead_handler, lead_department):
    co_signer = DeputyFactory(name="李明")
    closed = journey.draft(content="全文", topic=Topic.HOUSING)
    closed.co_signers.add(co_signer)
    closed = journey.to(Status.CLOSED, closed)
    extended = journey.to(Status.IN_PROGRESS)
    request = services.extension_request(
        suggestion=extended,
        actor=lead_handler,
        requested_due_on=dt.date(2024, 6, 1),
        reason="需要协调资金。",
        when=at(dt.date(2024, 2, 10)),
    )
    services.extension_decide(
        request=ExtensionRequest.objects.get(pk=request.pk),
        actor=office,
        approve=True,
        when=at(dt.date(2024, 2, 12)),
    )
    today = timezone.localdate()
    by_code = {r["完整编号"]: r for r in rows(export(client, office))}

    day = dt.datetime
    row = by_code[closed.code]
    assert row["年度"] == 2024 and row["编号"] == closed.number
    assert (row["类别"], row["提出时间"], row["会议"]) == (
        "代表建议",
        "大会期间",
        "区二届人大四次会议",
    )
    assert (row["内容"], row["主题分类"]) == ("全文", "住房保障与旧区改造")
    assert (row["领衔代表"], row["联名代表"]) == (closed.lead_deputy.name, "李明")
    assert (row["主办单位"], row["会办单位"]) == ("区房管局", "区建设管理委")
    assert row["收到日期"] == day(2024, 1, 15)
    assert row["交办日期"] == day(2024, 2, 1)
    assert row["签收日期（主办）"] == day(2024, 2, 2)
    assert row["会办意见日期"] == day(2024, 2, 20)
    assert row["办复期限"] == day(2024, 5, 1)
    assert row["延期后期限"] is None
    assert row["首次办复日期"] == day(2024, 3, 1)
    assert row["按时办复"] == "是"
    assert (row["办理结果"], row["办理状态"]) == ("计划解决", "已办结")
    assert (row["反馈日期"], row["代表满意度"]) == (day(2024, 3, 10), "满意")
    assert row["超期天数"] is None

    row = by_code[extended.code]
    assert row["办复期限"] == day(2024, 5, 1)
    assert row["延期后期限"] == day(2024, 6, 1)
    assert row["当前期限"] == day(2024, 6, 1)
    assert row["超期天数"] == (today - dt.date(2024, 6, 1)).days
    assert row["首次办复日期"] is None and row["按时办复"] is None


def test_user_text_stays_text_whatever_it_starts_with(client, office, lead_department):
    lead_department.name = "@区房管局"
    lead_department.save()
    deputy = DeputyFactory(name="=cmd")
    for number, payload in enumerate(FORMULAS, 1):
        s = SuggestionFactory(number=number, title=payload, content=payload, lead_deputy=deputy)
        s.co_signers.add(DeputyFactory(name=f"-{number}+1"))
    services.suggestion_assign(
        suggestion=Suggestion.objects.get(number=1),
        lead=lead_department,
        actor=office,
        assigned_on=dt.date(2024, 2, 1),
        when=at(dt.date(2024, 2, 1)),
    )
    data = export(client, office, "o=number")
    ws = sheet(data)
    for row_number, payload in enumerate(FORMULAS, 2):
        for column in ("G", "H"):  # 标题, 内容
            cell = ws[f"{column}{row_number}"]
            assert (cell.value, cell.data_type) == (payload, "s")
        assert (ws[f"J{row_number}"].value, ws[f"J{row_number}"].data_type) == ("=cmd", "s")
        assert ws[f"K{row_number}"].value == f"-{row_number - 1}+1"
        assert ws[f"K{row_number}"].data_type == "s"
    assert (ws["O2"].value, ws["O2"].data_type) == ("@区房管局", "s")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_characters_xml_cannot_hold_are_dropped(client, office, db):
    SuggestionFactory(title="关于\x07停车\x1b的建议", content="第一段\n第二段\t完")
    (row,) = rows(export(client, office))
    assert (row["标题"], row["内容"]) == ("关于停车的建议", "第一段\n第二段\t完")


def test_namesakes_are_exported_with_their_level(client, office, db):
    city = DeputyFactory(name="张建华", level=Deputy.Level.CITY)
    DeputyFactory(name="张建华", level=Deputy.Level.DISTRICT)
    SuggestionFactory(lead_deputy=city)
    (row,) = rows(export(client, office))
    assert row["领衔代表"] == "张建华（市人大代表）"


# ---------------------------------------------------------------------------------------
# Queries and streaming


def populate(n: int, lead, co) -> None:
    """n assigned items with co-signers, in bulk (the query count is what is tested)."""
    session = CongressSessionFactory(
        name="区二届人大四次会议",
        year=2024,
        starts_on=dt.date(2024, 1, 8),
        ends_on=dt.date(2024, 1, 11),
    )
    deputies = [DeputyFactory() for _ in range(3)]
    start = (Suggestion.objects.order_by("-number").values_list("number", flat=True).first()) or 0
    items = Suggestion.objects.bulk_create(
        Suggestion(
            year=2024,
            kind=Kind.SUGGESTION,
            source=Source.SESSION,
            number=start + i + 1,
            session=session,
            title=f"建议{i}",
            lead_deputy=deputies[0],
            received_on=dt.date(2024, 1, 15),
            status=Status.IN_PROGRESS,
            assigned_on=dt.date(2024, 2, 1),
            due_on=dt.date(2024, 5, 1),
            reply_due_on=dt.date(2024, 5, 1),
        )
        for i in range(n)
    )
    Assignment.objects.bulk_create(
        Assignment(suggestion=s, department=dep, role=role, assigned_on=dt.date(2024, 2, 1))
        for s in items
        for dep, role in ((lead, "lead"), (co, "co"))
    )
    through = Suggestion.co_signers.through
    through.objects.bulk_create(
        through(suggestion=s, deputy=d) for s in items for d in deputies[1:]
    )


def test_the_export_takes_the_same_queries_for_10_and_500_rows(
    client, office, lead_department, co_department
):
    client.force_login(office)
    office.has_role(Role.OFFICE)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("excel:export"))
            data = b"".join(response.streaming_content)
        return len(ctx.captured_queries), len(rows(data))

    populate(10, lead_department, co_department)
    small, count = queries()
    assert count == 10
    populate(490, lead_department, co_department)
    large, count = queries()
    assert count == 500
    assert small == large


def test_rows_are_read_in_chunks(office, lead_department, co_department, monkeypatch):
    """Each chunk adds its two related queries; the item query stays one."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    populate(10, lead_department, co_department)
    qs = exports.export_queryset(office, {}, today=timezone.localdate())
    with CaptureQueriesContext(connection) as ctx:
        count = exports.write_workbook(
            exports.iter_rows(qs, today=timezone.localdate()), io.BytesIO()
        )
    assert count == 10
    sql = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "suggestions_assignment"' in q for q in sql) == 3


def test_the_export_is_written_in_constant_memory_mode(office, db, monkeypatch):
    """XlsxWriter keeps one row in memory in constant_memory mode (the rows go to a
    temporary file as they come)."""
    from config import xlsx  # the one place every export opens its workbook

    seen = {}
    real = xlsx.xlsxwriter.Workbook

    def spy(out, options):
        seen.update(options)
        return real(out, options)

    monkeypatch.setattr(xlsx.xlsxwriter, "Workbook", spy)
    SuggestionFactory()
    exports.export_suggestions(office, {})[0].close()
    assert seen["constant_memory"] is True and seen["strings_to_formulas"] is False


# ---------------------------------------------------------------------------------------
# Round trip


def test_an_export_imports_back_into_an_empty_database(client, office, journey):
    session = CongressSessionFactory(
        name="区二届人大四次会议",
        year=2024,
        starts_on=dt.date(2024, 1, 8),
        ends_on=dt.date(2024, 1, 11),
    )
    lead, co1, co2 = (
        DeputyFactory(name="张建华"),
        DeputyFactory(name="李明"),
        DeputyFactory(name="王芳"),
    )
    items = [
        SuggestionFactory(
            number=1,
            session=session,
            lead_deputy=lead,
            title='=HYPERLINK("http://x","y")',
            content="\u3000\u3000第一段。\n\u3000\u3000第二段。",
            topic=Topic.HOUSING,
        ),
        SuggestionFactory(
            number=2,
            kind=Kind.COMMUNITY_OPINION,
            source=Source.RECESS,
            session=None,
            lead_deputy=co1,
            title="+1",
            content="",
            topic=Topic.OTHER,
            received_on=dt.date(2024, 3, 5),
        ),
        SuggestionFactory(number=3, session=session, lead_deputy=lead, title="-1+1 @SUM(A1)"),
    ]
    items[0].co_signers.set([co1, co2])
    journey.to(Status.CLOSED, items[2])

    def facts():
        return sorted(
            (
                s.year,
                s.kind,
                s.number,
                s.source,
                s.session_id,
                s.title,
                s.content,
                s.topic,
                s.lead_deputy_id,
                s.received_on,
                tuple(sorted(s.co_signers.values_list("pk", flat=True))),
            )
            for s in Suggestion.objects.all()
        )

    before = facts()
    data = export(client, office)
    Suggestion.objects.all().delete()
    report = imports.import_file(data, actor=office, filename="导出.xlsx")
    assert report.imported and report.to_create == 3, [str(e) for e in report.errors]
    assert facts() == before
    assert set(Suggestion.objects.values_list("status", flat=True)) == {Status.DRAFT}
    # And the file imports a second time without creating anything.
    again = imports.import_file(data, actor=office)
    assert again.ok and again.unchanged == 3 and Suggestion.objects.count() == 3
