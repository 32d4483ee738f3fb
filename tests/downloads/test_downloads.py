"""Exports too long for a request (issue 17): queued, built by the real worker
(`db_worker`, django-tasks' database backend), their progress shown, the file read back,
the user told by a notice; each user reaches only its own."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from downloads import services
from downloads.models import Download
from notices.models import Kind as NoticeKind
from notices.models import Notification
from suggestions import exports
from suggestions.models import ExportLog
from tests.conftest import office_user
from tests.factories import SuggestionFactory
from tests.reference import write_reference_data
from tests.reports.conftest import demo  # noqa: F401  (the reference scenario)

EXPORT = reverse("excel:export")


@pytest.fixture
def items(db, monkeypatch):
    """Five items, and a limit of three rows for an export written during the request."""
    monkeypatch.setattr(services, "INLINE_MAX", 3)
    return SuggestionFactory.create_batch(5, year=2024)


def ask(client, user, query: str, capture) -> Download:
    client.force_login(user)
    with capture(execute=True):
        response = client.get(f"{EXPORT}?{query}" if query else EXPORT)
    download = Download.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("downloads:detail", args=[download.pk])
    return download


# The worker closes the database connection after each task, as it should in production:
# the tests that run it use real transactions (and so real commits), and fill again the
# rows the migrations fill (role groups, the calendar), which an earlier test of the kind
# in the same worker may have emptied.
WORKER = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(transactional_db):
    write_reference_data()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def workbook_codes(data: bytes) -> list[str]:
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    column = rows[0].index("完整编号")
    return [row[column] for row in rows[1:]]


@WORKER
def test_a_long_export_is_queued_built_by_the_worker_and_announced(
    client, reference_data, office, items, django_capture_on_commit_callbacks
):
    download = ask(client, office, "year=2024", django_capture_on_commit_callbacks)
    assert download.status == Download.Status.QUEUED and download.query == "year=2024"
    task = DBTaskResult.objects.get()
    assert task.task_path == "downloads.tasks.build_download"
    assert task.args_kwargs["kwargs"] == {"download_id": download.pk}
    waiting = client.get(reverse("downloads:detail", args=[download.pk])).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 2s"' in waiting

    run_worker()

    download.refresh_from_db()
    assert (download.status, download.rows_done, download.rows_total) == ("done", 5, 5)
    page = client.get(reverse("downloads:detail", args=[download.pk])).content.decode()
    assert "<strong>已完成</strong>（5 / 5 行）" in page and "every 2s" not in page
    response = client.get(reverse("downloads:file", args=[download.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert sorted(workbook_codes(data)) == sorted(s.code for s in items)
    assert ExportLog.objects.get().row_count == 5
    notice = Notification.objects.get(recipient=office, kind=NoticeKind.DOWNLOAD)
    assert notice.download == download and "5行" in notice.text
    opened = client.get(reverse("notices:open", args=[notice.pk]))
    assert opened["Location"] == reverse("downloads:detail", args=[download.pk])
    listing = client.get(reverse("downloads:list")).content.decode()
    assert reverse("downloads:file", args=[download.pk]) in listing


def test_a_short_export_is_still_written_while_the_request_waits(client, office, items):
    client.force_login(office)
    response = client.get(EXPORT, {"q": items[0].code})
    assert response.status_code == 200
    assert workbook_codes(b"".join(response.streaming_content)) == [items[0].code]
    assert not Download.objects.exists()


@WORKER
def test_nobody_else_reaches_a_download(
    client, reference_data, office, items, django_capture_on_commit_callbacks
):
    download = ask(client, office, "", django_capture_on_commit_callbacks)
    run_worker()
    client.force_login(office_user(username="office2"))
    for name in ("downloads:detail", "downloads:file"):
        assert client.get(reverse(name, args=[download.pk])).status_code == 404
    assert (
        reverse("downloads:detail", args=[download.pk])
        not in client.get(reverse("downloads:list")).content.decode()
    )


def test_a_failed_build_says_so_and_offers_no_file(
    client, office, items, monkeypatch, django_capture_on_commit_callbacks
):
    download = ask(client, office, "", django_capture_on_commit_callbacks)

    def broken(rows, out):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_workbook", broken)
    services.download_build(download_id=download.pk)
    download.refresh_from_db()
    assert download.status == "failed" and download.error == services.FAILED
    page = client.get(reverse("downloads:detail", args=[download.pk])).content.decode()
    assert services.FAILED in page
    assert client.get(reverse("downloads:file", args=[download.pk])).status_code == 404
    assert "生成失败" in Notification.objects.get(download=download).text


def test_a_download_is_built_once_however_often_its_task_runs(
    client, office, items, django_capture_on_commit_callbacks
):
    download = ask(client, office, "", django_capture_on_commit_callbacks)
    services.download_build(download_id=download.pk)
    services.download_build(download_id=download.pk)
    assert ExportLog.objects.count() == 1
    assert Notification.objects.filter(download=download).count() == 1


def test_progress_is_written_as_the_rows_go(db, office, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    download = Download.objects.create(user=office, kind="suggestions", filename="x.xlsx")
    seen = []
    for _row in services._reporting(iter([[1]] * 5), download.pk):
        seen.append(Download.objects.get(pk=download.pk).rows_done)
    # Read as each row is handed on: the count written after rows 2 and 4.
    assert seen == [0, 0, 2, 2, 4]


@pytest.mark.parametrize("n", [1, 50])
def test_the_list_costs_the_same_for_1_and_50_downloads(client, office, n):
    Download.objects.bulk_create(
        Download(user=office, kind="suggestions", filename=f"{i}.xlsx") for i in range(n)
    )
    client.force_login(office)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("downloads:list"))
    assert response.status_code == 200
    assert response.content.decode().count("排队中") == n
    counts[n] = len(ctx.captured_queries)
    if len(counts) == 2:
        assert counts[1] == counts[50], counts


counts: dict[int, int] = {}


def test_a_report_of_many_items_is_made_in_the_queue_with_the_same_figures(
    client,
    demo,  # noqa: F811  (the reference scenario, tests/reports/conftest.py)
    office,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    q3 = {"quarter": "2023Q3", "kind": "suggestion"}
    client.force_login(office)
    inline = client.get(reverse("reports:download", args=["json"]), q3)
    assert inline.status_code == 200
    monkeypatch.setattr(services, "INLINE_MAX", 3)
    with django_capture_on_commit_callbacks(execute=False):
        asked = client.get(reverse("reports:download", args=["json"]), q3)
    download = Download.objects.get()
    assert asked["Location"] == reverse("downloads:detail", args=[download.pk])
    assert (download.kind, download.fmt) == ("report", "json")
    services.download_build(download_id=download.pk)
    response = client.get(reverse("downloads:file", args=[download.pk]))
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(b"".join(response.streaming_content)) == json.loads(inline.content)
    assert download.filename == "代表建议办理情况-截至20230930.json"


def test_a_handler_cannot_queue_a_report(db, lead_handler):
    with pytest.raises(PermissionDenied):
        services.download_request(user=lead_handler, query="", kind="report", fmt="xlsx")
