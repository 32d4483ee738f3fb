"""Work done in the queue (issue 17): a page asks, the worker builds, a notice announces.

An export longer than `INLINE_MAX` rows never holds a request: `download_request` records
what was asked (the list's query string) and enqueues `build_download` after the commit;
the worker writes the workbook row by row, saying every `PROGRESS_EVERY` rows how far it
is, stores the file through Django's storage (a local folder, or S3 through
django-storages when configured), and tells the user with a notice that links to it.

An import of more than `IMPORT_INLINE_MAX` rows is confirmed the same way: the previewed
file waits in the shared storage (`imports.previews`), the worker checks it again (saying
every thousand rows how far it is) and writes it all or nothing, and the download's page
says what was imported, or each row's problem if the data changed since the preview.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode

from config.db import replica_reads
from departments import roles
from downloads.models import Download
from notices import services as notices
from reports.figures import in_scope
from reports.forms import ReportScopeForm
from reports.renderers import RENDERERS
from reports.selectors import report_get
from security import audit
from suggestions import exports
from suggestions import imports
from suggestions.imports import previews
from suggestions.models import ExportLog
from suggestions.models import Suggestion

logger = logging.getLogger(__name__)

# Rows an export may have and still be written while the request waits (about a second
# and a half at bench/README's export rate); longer ones go to the queue.
INLINE_MAX = settings.EXPORT_INLINE_MAX_ROWS
# Rows an import may have and still be checked and written while the request waits.
IMPORT_INLINE_MAX = settings.IMPORT_INLINE_MAX_ROWS
PROGRESS_EVERY = 1_000
FAILED = "生成文件时出错，请重新导出；如仍失败，请联系系统管理员。"
IMPORT_FAILED = "导入时出错，未导入任何数据。请重新上传文件；如仍失败，请联系系统管理员。"
IMPORT_REFUSED = "文件中的数据与预览时不同，未导入任何数据。请改正以下问题后重新上传。"
IMPORT_FILE_GONE = "上传的文件已过期，未导入任何数据。请重新上传。"
ERRORS_KEPT = 500  # row problems kept on a refused import's page


def export_is_long(qs) -> bool:
    """Whether the export of `qs` is too long for a request (a bounded count)."""
    return qs.order_by()[: INLINE_MAX + 1].count() > INLINE_MAX


def report_is_long(scope, as_of) -> bool:
    """Whether the report of `scope` counts too many items to be made in a request (its
    workbook lists every overdue and 不满意 item)."""
    return Suggestion.objects.filter(in_scope(scope, as_of))[: INLINE_MAX + 1].count() > INLINE_MAX


def download_request(
    *, user, query: str, kind: str = Download.Kind.SUGGESTIONS, fmt: str = "xlsx", filename=""
) -> Download:
    """Queue the export of the list filtered by `query`, or the report `query` names in
    format `fmt`, for `user`."""
    if kind == Download.Kind.SUGGESTIONS and not roles.may_export(user):
        raise PermissionDenied(roles.EXPORT_REFUSED)
    if kind == Download.Kind.REPORT and not roles.may_read_reports(user):
        raise PermissionDenied(roles.REPORTS_REFUSED)
    if kind == Download.Kind.IMPORT and not roles.may_import(user):
        raise PermissionDenied(roles.IMPORT_REFUSED)
    from downloads.tasks import build_download

    download = Download.objects.create(
        user=user,
        kind=kind,
        fmt=fmt,
        query=query,
        filename=filename or exports.export_filename(),
    )
    transaction.on_commit(lambda: build_download.enqueue(download_id=download.pk))
    return download


def download_build(*, download_id: int) -> Download:
    """Build a queued download once: a second run of the same task finds it taken."""
    claimed = Download.objects.filter(pk=download_id, status=Download.Status.QUEUED).update(
        status=Download.Status.RUNNING
    )
    download = Download.objects.select_related("user").get(pk=download_id)
    if not claimed:
        return download
    # A builder that only reads the data may read it on the replica (the download's own
    # row stays on the primary); the import writes, so reads the primary.
    reads = replica_reads() if download.kind in READ_ONLY else contextlib.nullcontext()
    try:
        with reads:
            BUILDERS[download.kind](download)
    except Exception:
        logger.exception("Download %s failed", download_id)
        error = IMPORT_FAILED if download.kind == Download.Kind.IMPORT else FAILED
        Download.objects.filter(pk=download_id).update(
            status=Download.Status.FAILED, error=error, finished_at=timezone.now()
        )
    download.refresh_from_db()
    notices.notify_download(download=download)
    return download


def _build_suggestions(download: Download) -> None:
    today = timezone.localdate()
    qs = exports.export_queryset(download.user, QueryDict(download.query), today=today)
    Download.objects.filter(pk=download.pk).update(rows_total=qs.count())
    rows = _reporting(exports.iter_rows(qs, today=today), download.pk)
    with tempfile.TemporaryFile() as out:
        count = exports.write_workbook(rows, out)
        out.seek(0)
        download.file.save(download.filename, File(out), save=False)
    ExportLog.objects.create(user=download.user, query=download.query, row_count=count)
    Download.objects.filter(pk=download.pk).update(
        status=Download.Status.DONE,
        file=download.file.name,
        rows_done=count,
        rows_total=count,
        finished_at=timezone.now(),
    )


def _build_report(download: Download) -> None:
    form = ReportScopeForm(QueryDict(download.query))
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    content = RENDERERS[download.fmt].render(report_get(**form.report_args()))
    download.file.save(download.filename, ContentFile(content), save=False)
    Download.objects.filter(pk=download.pk).update(
        status=Download.Status.DONE, file=download.file.name, finished_at=timezone.now()
    )


def import_request(*, user, token: str, filename: str, update: bool) -> Download:
    """Queue the import of the previewed file kept under `token`."""
    query = urlencode({"token": token, "update": "1" if update else ""})
    return download_request(
        user=user, query=query, kind=Download.Kind.IMPORT, fmt="xlsx", filename=filename
    )


def _build_import(download: Download) -> None:
    """Check the previewed file again and import it, all rows or none; say how it went."""
    asked = QueryDict(download.query)
    token = asked.get("token", "")

    def checked(done: int, total: int) -> None:
        Download.objects.filter(pk=download.pk).update(rows_done=done, rows_total=total)

    try:
        data = previews.preview_read(token)
    except (OSError, ValueError):
        _finish(download, error=IMPORT_FILE_GONE)
        return
    try:
        report = imports.import_file(
            data,
            actor=download.user,
            filename=download.filename,
            update=asked.get("update") == "1",
            progress=checked,
        )
    except imports.ImportFileError as problem:
        _finish(download, error=problem.message[:200])
    else:
        rows = len(report.rows)
        if report.imported:
            _finish(download, done=rows, total=rows, result=report.summary())
        else:
            lines = "\n".join(str(e) for e in report.errors[:ERRORS_KEPT])
            _finish(download, total=report.data_rows, error=IMPORT_REFUSED, result=lines)
    previews.preview_discard(token)


def _finish(
    download: Download, *, error: str = "", done: int = 0, total: int = 0, result: str = ""
) -> None:
    """Record how a queued import ended, in the audit log too (no request: the worker)."""
    Download.objects.filter(pk=download.pk).update(
        status=Download.Status.FAILED if error else Download.Status.DONE,
        error=error,
        result=result,
        rows_done=done,
        rows_total=total,
        finished_at=timezone.now(),
    )
    audit.record(
        audit.Kind.IMPORT,
        user=download.user,
        obj=download.filename,
        outcome=audit.Outcome.FAILURE if error else audit.Outcome.SUCCESS,
        detail=f"后台导入（第{download.pk}号）：{error or result}"[:900],
    )


BUILDERS = {
    Download.Kind.SUGGESTIONS: _build_suggestions,
    Download.Kind.REPORT: _build_report,
    Download.Kind.IMPORT: _build_import,
}
READ_ONLY = {Download.Kind.SUGGESTIONS, Download.Kind.REPORT}


def _reporting(rows: Iterator[list], download_id: int) -> Iterator[list]:
    """The rows, unchanged, saying every `PROGRESS_EVERY` rows how many are done."""
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            Download.objects.filter(pk=download_id).update(rows_done=done)
