"""Printed documents: one item's, a batch from the list's selection, a day's 交办通知单.
Every item comes through the read gate (documents.selectors); the rule of each document
(content.refusal) is checked for every item before anything is rendered."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http import HttpResponse
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from config.gongwen import CONTENT_TYPE as DOCX_CONTENT_TYPE
from departments import roles
from documents import content
from documents.pdf import render_pdf
from documents.selectors import assigned_on_day
from documents.selectors import document_items
from documents.word import render_docx
from suggestions import refusals

# One file holds at most this many documents (a 500-page PDF takes about a minute).
BATCH_LIMIT = 500
FORMATS = {"docx": (render_docx, DOCX_CONTENT_TYPE), "pdf": (render_pdf, "application/pdf")}
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_ERROR = "日期格式不正确，请按“年-月-日”填写，例如2024-02-01。"
NOT_FOUND = "未找到该建议，或您无权查看。"


def _require_printer(request) -> None:
    if not roles.may_print_documents(request.user):
        raise PermissionDenied(roles.PRINT_REFUSED)


def _file(kind: str, fmt: str, items: list, name: str, today: dt.date) -> HttpResponse:
    render_file, content_type = FORMATS[fmt]
    data = render_file(kind, content.build(kind, items, today=today), today=today)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


def _refusals(kind: str, items: list, today: dt.date) -> str:
    """Every item's refusal, as one message ("" when all may be printed)."""
    reasons = [reason for item in items if (reason := content.refusal(kind, item, today))]
    if not reasons:
        return ""
    shown = "".join(reasons[:5])
    more = f"另有{len(reasons) - 5}件同样不能打印。" if len(reasons) > 5 else ""
    return f"未生成{content.KINDS[kind]}：{shown}{more}"


def document(request, pk, kind, fmt):
    """/suggestions/<id>/documents/<kind>.<docx|pdf>: one item's document."""
    _require_printer(request)
    today = timezone.localdate()
    item = document_items(request.user).filter(pk=pk).first()
    if item is None:
        refusals.record_hidden_item(request, pk)
        raise Http404(NOT_FOUND)
    reason = content.refusal(kind, item, today)
    if reason:
        context = {"reason": reason, "label": content.KINDS[kind], "suggestion": item}
        return render(request, "documents/refused.html", context, status=409)
    return _file(kind, fmt, [item], f"{content.KINDS[kind]}_{item.code}", today)


def _parse_batch(data) -> tuple[str, str, list[int], str]:
    """(kind, format, ids, error) from the list form's button ("assignment-notice.pdf")
    and its ticked rows."""
    kind, _, fmt = data.get("document", "").rpartition(".")
    if kind not in content.KINDS or fmt not in FORMATS:
        return "", "", [], "请选择要打印的公文。"
    raw = data.getlist("ids")
    if not raw:
        return kind, fmt, [], "请先勾选要打印的建议。"
    if not all(value.isascii() and value.isdigit() and len(value) < 12 for value in raw):
        return kind, fmt, [], "所选建议有误，请刷新页面后重新勾选。"
    ids = sorted({int(value) for value in raw})
    if len(ids) > BATCH_LIMIT:
        return kind, fmt, [], f"一次最多打印{BATCH_LIMIT}件，已选{len(ids)}件，请分批打印。"
    return kind, fmt, ids, ""


@require_POST
def batch(request):
    """The list's selection as one file: all of it, or nothing with the reasons."""
    _require_printer(request)
    query = request.POST.get("query", "")
    back = reverse("suggestions:list") + (f"?{query}" if query else "")
    kind, fmt, ids, error = _parse_batch(request.POST)
    if error:
        messages.error(request, error)
        return HttpResponseRedirect(back)
    items = list(document_items(request.user).filter(pk__in=ids))
    if len(items) != len(ids):
        # A ticked row the user may not read: as for one item, it does not exist.
        raise Http404(NOT_FOUND)
    today = timezone.localdate()
    refused = _refusals(kind, items, today)
    if refused:
        messages.error(request, refused)
        return HttpResponseRedirect(back)
    name = f"{content.KINDS[kind]}_{len(items)}件_{today:%Y%m%d}"
    return _file(kind, fmt, items, name, today)


def _day(request) -> tuple[dt.date | None, str]:
    """?date=YYYY-MM-DD (today when absent) and the error in Chinese, if any."""
    raw = request.GET.get("date", "")
    if not raw:
        return timezone.localdate(), ""
    if not DATE.fullmatch(raw):
        return None, DATE_ERROR
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return None, DATE_ERROR


def day(request):
    """本日交办: the day's assignments with the buttons for their 交办通知单 in one file."""
    _require_printer(request)
    day, error = _day(request)
    items = [] if error else list(assigned_on_day(request.user, day))
    context = {
        "day": day,
        "typed": request.GET.get("date", ""),
        "error": error,
        "items": items,
        "leads": [(item, content.lead_assignment(item)) for item in items],
        "limit": BATCH_LIMIT,
    }
    return render(request, "documents/day.html", context, status=400 if error else 200)


def day_file(request, fmt):
    """All of a day's 交办通知单 in one file."""
    _require_printer(request)
    day, error = _day(request)
    if error:
        return render(request, "documents/day.html", {"error": error, "typed": ""}, status=400)
    items = list(assigned_on_day(request.user, day))
    if not items or len(items) > BATCH_LIMIT:
        messages.error(
            request,
            f"{day:%Y-%m-%d}没有交办的建议。"
            if not items
            else f"该日交办{len(items)}件，超过一次最多打印的{BATCH_LIMIT}件，请从列表中分批选择。",
        )
        return HttpResponseRedirect(f"{reverse('documents:day')}?date={day:%Y-%m-%d}")
    name = f"交办通知单_{day:%Y%m%d}_{len(items)}件"
    return _file(content.ASSIGNMENT_NOTICE, fmt, items, name, timezone.localdate())
