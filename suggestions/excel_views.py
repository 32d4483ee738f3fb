"""Excel pages: the import template, the import (upload → preview → confirm) and the export
of the list's current filter. The reading, checking and writing live in imports/ and
exports.py; these views only parse the request and render."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import localdate
from django.views.decorators.http import require_POST

from config.db import replica_reads
from departments import roles
from downloads import services as downloads
from security import audit
from suggestions import exports
from suggestions import imports
from suggestions.imports.previews import preview_discard
from suggestions.imports.previews import preview_read
from suggestions.imports.previews import preview_store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "suggestion_import"
PREVIEW_ROWS = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel文件",
        help_text=f"按导入模板填写的.xlsx文件，不超过{imports.file_size_limit()}、{imports.MAX_ROWS}行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        allow_empty_file=True,  # imports.check_file explains an empty file itself
    )
    update = forms.BooleanField(
        label="更新已登记的待交办建议",
        required=False,
        help_text="勾选后，年度、类别、编号已登记且尚未交办的建议按本文件内容修改；"
        "不勾选时，这类行会报错。",
    )


def _require_office(request) -> None:
    if not roles.may_import(request.user):
        raise PermissionDenied(roles.IMPORT_REFUSED)


def import_template(request):
    _require_office(request)
    return FileResponse(
        io.BytesIO(imports.build_template()),
        as_attachment=True,
        filename="代表建议导入模板.xlsx",
        content_type=XLSX,
    )


def import_upload(request):
    """Upload a file and see every problem in it, or the rows it would import."""
    _require_office(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        update = form.cleaned_data["update"]
        if upload.size > imports.MAX_FILE_BYTES:
            form.add_error(
                "file",
                f"{imports.file_too_big(upload.size)}。"
                "请删除无关的工作表、图片，或分成多个文件导入。",
            )
        else:
            data = upload.read()
            try:
                report = imports.validate_file(data, filename=upload.name, update=update)
            except imports.ImportFileError as problem:
                form.add_error("file", problem.message)
            else:
                previous = request.session.get(SESSION_KEY) or {}
                preview_discard(previous.get("token"))
                token = ""
                if report.ok:
                    token = preview_store(data)
                    request.session[SESSION_KEY] = {
                        "token": token,
                        "filename": upload.name,
                        "update": update,
                        "rows": report.data_rows,
                    }
                else:
                    request.session.pop(SESSION_KEY, None)
                return _preview(request, report, token=token, update=update)
    return render(
        request,
        "suggestions/import_upload.html",
        {"form": form, "columns": imports.COLUMNS, "max_rows": imports.MAX_ROWS},
    )


def _preview(request, report: imports.ImportReport, *, token: str, update: bool, status=200):
    return render(
        request,
        "suggestions/import_preview.html",
        {
            "report": report,
            "token": token,
            "update": update,
            "errors_by_row": report.errors_by_row(),
            "preview_rows": report.rows[:PREVIEW_ROWS],
            "preview_limit": PREVIEW_ROWS,
            "queued": report.data_rows > downloads.IMPORT_INLINE_MAX,
            "inline_max": downloads.IMPORT_INLINE_MAX,
            "form": ImportUploadForm(initial={"update": update}),
        },
        status=status,
    )


@require_POST
def import_confirm(request):
    """Import the previewed file: checked again, then all rows in one transaction or none."""
    _require_office(request)
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not pending or token != pending.get("token"):
        messages.error(
            request, "导入预览已失效（可能已在其他窗口导入或重新上传），请重新上传文件。"
        )
        return redirect("excel:import")
    if pending.get("rows", 0) > downloads.IMPORT_INLINE_MAX:
        return _queue_import(request, pending)
    try:
        data = preview_read(token)
    except (OSError, ValueError):
        request.session.pop(SESSION_KEY, None)
        messages.error(request, "上传的文件已过期，请重新上传。")
        return redirect("excel:import")
    try:
        report = imports.import_file(
            data,
            actor=request.user,
            filename=pending.get("filename", ""),
            update=bool(pending.get("update")),
        )
    except imports.ImportFileError as problem:
        report = None
        messages.error(request, problem.message)
    preview_discard(token)
    request.session.pop(SESSION_KEY, None)
    if report is None:
        return redirect("excel:import")
    if not report.imported:
        # The database changed since the preview: show what is wrong now.
        return _preview(request, report, token="", update=bool(pending.get("update")), status=409)
    audit.record(
        audit.Kind.IMPORT, request=request, obj=report.filename, detail=report.summary()[:900]
    )
    messages.success(request, f"已导入“{report.filename}”：{report.summary()}。")
    return redirect(f"{reverse('suggestions:list')}?status=draft")


def _queue_import(request, pending: dict):
    """Too long to check and write while the request waits (issue 17): the worker does it,
    the download's page shows its progress, a notice tells the result."""
    download = downloads.import_request(
        user=request.user,
        token=pending["token"],
        filename=pending.get("filename", ""),
        update=bool(pending.get("update")),
    )
    request.session.pop(SESSION_KEY, None)
    audit.record(
        audit.Kind.IMPORT,
        request=request,
        obj=download.filename,
        detail=f"转入后台导入（第{download.pk}号），{pending['rows']}行",
    )
    messages.info(
        request,
        f"文件有{pending['rows']}行，超过{downloads.IMPORT_INLINE_MAX}行，已转入后台导入；"
        "完成后会在站内提醒中通知您。",
    )
    return redirect(download)


@replica_reads()
def export_xlsx(request):
    """The list page's current filter (same query string) as an .xlsx file."""
    user = request.user
    if not roles.may_export(user):
        raise PermissionDenied(roles.EXPORT_REFUSED)
    query = request.GET.urlencode()
    if downloads.export_is_long(exports.export_queryset(user, request.GET, today=localdate())):
        # Too long for a request (issue 17): the worker writes it; its page shows progress.
        download = downloads.download_request(user=user, query=query)
        audit.record(
            audit.Kind.EXPORT,
            request=request,
            obj="建议列表",
            detail=f"后台生成（第{download.pk}号）；条件：{query[:800]}",
        )
        messages.info(
            request,
            f"导出超过{downloads.INLINE_MAX}行，已转入后台生成；完成后会在站内提醒中通知您。",
        )
        return redirect(download)
    out, count = exports.export_suggestions(user, request.GET, query=query)
    audit.record(
        audit.Kind.EXPORT,
        request=request,
        obj="建议列表",
        detail=f"{count}行；条件：{query[:800]}",
    )
    return FileResponse(
        out, as_attachment=True, filename=exports.export_filename(), content_type=XLSX
    )
