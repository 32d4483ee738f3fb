"""The user's downloads made in the queue: the list, one download's progress (polled by
htmx until it is finished) and its file. Each user sees only its own (404 otherwise)."""

from __future__ import annotations

from django.http import FileResponse
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import render

from downloads.models import Download
from downloads.services import IMPORT_INLINE_MAX
from downloads.services import INLINE_MAX

RECENT = 50


def download_list(request):
    downloads = Download.objects.filter(user=request.user)[:RECENT]
    return render(
        request,
        "downloads/list.html",
        {
            "downloads": downloads,
            "inline_max": INLINE_MAX,
            "import_inline_max": IMPORT_INLINE_MAX,
        },
    )


def download_detail(request, pk: int):
    download = get_object_or_404(Download, pk=pk, user=request.user)
    template = "downloads/_progress.html" if request.htmx else "downloads/detail.html"
    return render(request, template, {"download": download})


def download_file(request, pk: int):
    download = get_object_or_404(Download, pk=pk, user=request.user)
    if download.status != Download.Status.DONE or not download.file:
        raise Http404("文件尚未生成。")
    return FileResponse(
        download.file.open("rb"),
        as_attachment=True,
        filename=download.filename,
        content_type=download.content_type,
    )
