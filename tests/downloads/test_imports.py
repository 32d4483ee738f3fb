"""Imports too long for a request (issue 17): confirmed, then checked again and written by
the real worker (`db_worker`, django-tasks' database backend), all rows or none; the page
shows the rows checked, the result or each row's problem, and a notice tells the user."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from downloads import services
from downloads.models import Download
from notices.models import Kind as NoticeKind
from notices.models import Notification
from security.models import AuditEvent
from suggestions.imports import flow
from suggestions.imports import rows as import_rows
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.downloads import test_downloads
from tests.downloads.test_downloads import WORKER
from tests.downloads.test_downloads import run_worker
from tests.factories import SuggestionFactory
from tests.suggestions import test_import_rows
from tests.suggestions.test_import_rows import good_row
from tests.suggestions.test_import_rows import xlsx

people = test_import_rows.people
reference_data = test_downloads.reference_data
FILE = "三件建议.xlsx"


@pytest.fixture
def previews(tmp_path, settings, monkeypatch):
    """Files wait in a fresh storage folder; an import of more than two rows is queued."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "IMPORT_INLINE_MAX", 2)
    return tmp_path / "import-previews"


def preview(client, user, rows: list[dict]) -> str:
    client.force_login(user)
    response = client.post(reverse("excel:import"), {"file": SimpleUploadedFile(FILE, xlsx(rows))})
    assert response.status_code == 200
    return response.content.decode()


def confirm(client, capture) -> Download:
    token = client.session["suggestion_import"]["token"]
    with capture(execute=True):
        response = client.post(reverse("excel:import_confirm"), {"token": token})
    download = Download.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("downloads:detail", args=[download.pk])
    return download


def page(client, download: Download) -> str:
    return client.get(reverse("downloads:detail", args=[download.pk])).content.decode()


@WORKER
def test_a_long_import_is_queued_checked_again_written_and_announced(
    client, reference_data, people, office, previews, django_capture_on_commit_callbacks
):
    shown = preview(client, office, [good_row(n) for n in (1, 2, 3)])
    assert "确认后转入后台导入" in shown
    download = confirm(client, django_capture_on_commit_callbacks)
    assert (download.kind, download.status, download.filename) == ("import", "queued", FILE)
    assert not Suggestion.objects.exists()
    task = DBTaskResult.objects.get()
    assert task.task_path == "downloads.tasks.build_download"
    assert task.args_kwargs["kwargs"] == {"download_id": download.pk}
    waiting = page(client, download)
    assert "排队中" in waiting and 'hx-trigger="every 2s"' in waiting
    assert download.query.split("&")[0].removeprefix("token=") not in waiting
    assert "suggestion_import" not in client.session

    run_worker()

    download.refresh_from_db()
    assert (download.status, download.rows_done, download.rows_total) == ("done", 3, 3)
    assert download.result == "新增3件"
    imported = Suggestion.objects.order_by("number")
    assert [s.number for s in imported] == [1, 2, 3]
    assert {s.status for s in imported} == {Status.DRAFT}
    assert {s.created_by for s in imported} == {office}
    assert not any(previews.iterdir())  # the waiting file is removed
    done = page(client, download)
    assert "已导入“三件建议.xlsx”：新增3件。" in done and "every 2s" not in done
    assert f"{reverse('suggestions:list')}?status=draft" in done
    assert client.get(reverse("downloads:file", args=[download.pk])).status_code == 404
    notice = Notification.objects.get(recipient=office, kind=NoticeKind.DOWNLOAD)
    assert notice.download == download and notice.text == f"“{FILE}”已导入：新增3件。"
    details = list(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        f"转入后台导入（第{download.pk}号），3行",
        f"后台导入（第{download.pk}号）：新增3件",
    ]


@WORKER
def test_rows_checked_are_seen_outside_the_writing_transaction(
    client, reference_data, people, office, previews, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    monkeypatch.setattr(import_rows, "PROGRESS_EVERY", 1)
    preview(client, office, [good_row(n) for n in (1, 2, 3)])
    download = confirm(client, django_capture_on_commit_callbacks)
    seen = []
    validate_file = flow.validate_file
    register = flow._register

    def watched(data, *, progress, **kwargs):
        def told(done, total):
            progress(done, total)
            row = Download.objects.get(pk=download.pk)
            seen.append((done, total, row.rows_done, connection.in_atomic_block))

        return validate_file(data, progress=told, **kwargs)

    def writing(rows, **kwargs):
        seen.append(("write", Download.objects.get(pk=download.pk).rows_done))
        register(rows, **kwargs)

    monkeypatch.setattr(flow, "validate_file", watched)
    monkeypatch.setattr(flow, "_register", writing)
    services.download_build(download_id=download.pk)
    assert seen == [(1, 3, 1, False), (2, 3, 2, False), ("write", 2)]
    assert Download.objects.get(pk=download.pk).status == "done"


@WORKER
def test_data_changed_since_the_preview_refuses_the_whole_import(
    client, reference_data, people, office, previews, django_capture_on_commit_callbacks
):
    preview(client, office, [good_row(n) for n in (1, 2, 3)])
    download = confirm(client, django_capture_on_commit_callbacks)
    # Meanwhile someone registers number 2 with other content, and it is assigned.
    SuggestionFactory(year=2024, number=2, title="另一件建议", status=Status.ASSIGNED)

    run_worker()

    download.refresh_from_db()
    assert (download.status, download.error) == ("failed", services.IMPORT_REFUSED)
    assert (download.rows_done, download.rows_total) == (0, 3)
    assert download.result.startswith("第3行“编号”列：2024建002已登记为“另一件建议”")
    assert list(Suggestion.objects.values_list("number", flat=True)) == [2]
    shown = page(client, download)
    assert services.IMPORT_REFUSED in shown and "2024建002已登记为“另一件建议”" in shown
    assert reverse("excel:import") in shown
    notice = Notification.objects.get(recipient=office, kind=NoticeKind.DOWNLOAD)
    assert notice.text == f"“{FILE}”未能导入，点击查看原因。"
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).latest("pk")
    assert event.outcome == AuditEvent.Outcome.FAILURE


def test_a_file_gone_before_the_worker_reads_it_is_said_plainly(
    client, people, office, previews, django_capture_on_commit_callbacks
):
    preview(client, office, [good_row(n) for n in (1, 2, 3)])
    download = confirm(client, django_capture_on_commit_callbacks)
    for waiting in previews.iterdir():
        waiting.unlink()
    services.download_build(download_id=download.pk)
    download.refresh_from_db()
    assert (download.status, download.error) == ("failed", services.IMPORT_FILE_GONE)
    assert not Suggestion.objects.exists()
    assert services.IMPORT_FILE_GONE in page(client, download)


def test_a_short_import_is_still_written_while_the_request_waits(client, people, office, previews):
    shown = preview(client, office, [good_row(1), good_row(2)])
    assert "后台导入" not in shown
    token = client.session["suggestion_import"]["token"]
    response = client.post(reverse("excel:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Suggestion.objects.count() == 2 and not Download.objects.exists()


def test_only_those_who_may_import_can_queue_one_and_only_they_see_it(
    client, people, office, lead_handler, previews, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        services.import_request(user=lead_handler, token="t" * 32, filename=FILE, update=False)
    preview(client, office, [good_row(n) for n in (1, 2, 3)])
    download = confirm(client, django_capture_on_commit_callbacks)
    client.force_login(lead_handler)
    assert client.get(reverse("downloads:detail", args=[download.pk])).status_code == 404
    assert FILE not in client.get(reverse("downloads:list")).content.decode()
