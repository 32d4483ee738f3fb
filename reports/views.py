"""Report page, downloads, issued reports and the supervisors' dashboard.

Every figure comes from one Report object (reports.selectors); pages, files and JSON are
renderings of it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.db import replica_reads
from departments import roles
from downloads import services as downloads
from downloads.models import Download
from reports import charts
from reports.forms import ReportScopeForm
from reports.models import IssuedReport
from reports.models import IssuedReportFile
from reports.narrative import narrative_sections
from reports.renderers import RENDERERS
from reports.selectors import Scope
from reports.selectors import previous_quarter_end
from reports.selectors import report_get
from reports.services import report_issue
from security import audit
from suggestions.asof import in_force_on
from suggestions.models import ENDED_STATUSES
from suggestions.models import Outcome
from suggestions.selectors import suggestions_visible_to
from suggestions.selectors import years_of

SORTABLE = {
    "name": "name",
    "assigned": "assigned",
    "replied": "replied",
    "on_time": "on_time",
    "overdue": "overdue",
    "resolution_rate": "resolution_rate",
    "satisfaction_rate": "satisfaction_rate",
}


def _require_reader(user) -> None:
    if not roles.may_read_reports(user):
        raise PermissionDenied(roles.REPORTS_REFUSED)


def _outcome_chart(report):
    return charts.bar_chart(
        [(o.label, share.count) for o, share in report.outcomes.items()],
        shares=[share.percent for _, share in report.outcomes.items()],
        title="办理结果分布",
    )


def _sorted_departments(rows, key: str):
    field = SORTABLE.get(key.lstrip("-"), "assigned")
    descending = key.startswith("-") or key == ""
    # None (no denominator) always sorts last.
    present = [r for r in rows if getattr(r, field) is not None]
    missing = [r for r in rows if getattr(r, field) is None]
    present.sort(key=lambda r: getattr(r, field), reverse=descending)
    return present + missing


@replica_reads()
def report_page(request):
    _require_reader(request.user)
    form = ReportScopeForm(request.GET or None)
    report = None
    if not request.GET:
        form = ReportScopeForm({"kind": "suggestion"})
    if form.is_valid():
        report = report_get(**form.report_args())
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    if report is not None:
        context |= {
            "sections": narrative_sections(report),
            "outcome_chart": _outcome_chart(report),
            "departments": _sorted_departments(report.departments, request.GET.get("sort", "")),
            "sort": request.GET.get("sort", ""),
            "formats": [(fmt, r.label) for fmt, r in RENDERERS.items()],
            "issued": IssuedReport.objects.select_related("issued_by").order_by(
                "-as_of", "-issued_at"
            )[:20],
        }
    return render(request, "reports/report.html", context)


@replica_reads()
def report_download(request, fmt: str):
    _require_reader(request.user)
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise Http404("不支持的格式。")
    form = ReportScopeForm(request.GET)
    if not form.is_valid():
        messages.error(request, "报告条件有误，请检查后重新下载。")
        return redirect("reports:report")
    args = form.report_args()
    if downloads.report_is_long(args["scope"], args["as_of"]):
        # Too long for a request (issue 17): the worker makes the file; its page shows it.
        download = downloads.download_request(
            user=request.user,
            kind=Download.Kind.REPORT,
            fmt=fmt,
            query=request.GET.urlencode(),
            filename=report_filename(args["as_of"], renderer.extension),
        )
        audit.record(
            audit.Kind.EXPORT,
            request=request,
            obj=f"统计报告（截至{args['as_of']:%Y-%m-%d}，{fmt}，后台生成）",
            detail=request.GET.urlencode()[:900],
        )
        messages.info(request, "报告涉及的建议较多，已转入后台生成；完成后会在站内提醒中通知您。")
        return redirect(download)
    report = report_get(**args)
    response = HttpResponse(renderer.render(report), content_type=renderer.content_type)
    audit.record(
        audit.Kind.EXPORT,
        request=request,
        obj=f"统计报告（截至{report.as_of:%Y-%m-%d}，{fmt}）",
        detail=request.GET.urlencode()[:900],
    )
    return _attachment(response, report.as_of, renderer.extension)


def report_filename(as_of: dt.date, extension: str, prefix: str = "") -> str:
    """The name a report's file is saved under, in a request or from the queue."""
    return f"{prefix}代表建议办理情况-截至{as_of:%Y%m%d}.{extension}"


def _attachment(response: HttpResponse, as_of: dt.date, extension: str, prefix: str = ""):
    filename = report_filename(as_of, extension, prefix)
    response["Content-Disposition"] = (
        f'attachment; filename="report-{as_of:%Y%m%d}.{extension}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


@require_POST
def report_issue_view(request):
    if not roles.may_issue_reports(request.user):
        raise PermissionDenied(roles.ISSUE_REFUSED)
    form = ReportScopeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "报告条件有误，未印发。")
        return redirect("reports:report")
    try:
        issued = report_issue(**form.report_args(), actor=request.user, today=timezone.localdate())
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect(f"{reverse('reports:report')}?{request.POST.get('query', '')}")
    audit.record(audit.Kind.REPORT_ISSUE, request=request, obj=issued)
    messages.success(request, f"已印发：{issued.title}。数据已冻结，今后不再变化。")
    return redirect("reports:issued", pk=issued.pk)


def _issued_sections(narrative: str) -> list[tuple[str, str]]:
    """The stored text back into (heading, paragraph): blocks of a heading line and its
    paragraph (a one-line block is a paragraph without heading)."""
    sections = []
    for block in narrative.split("\n\n"):
        heading, _, body = block.partition("\n")
        sections.append((heading, body) if body else ("", heading))
    return sections


def issued_detail(request, pk: int):
    _require_reader(request.user)
    issued = get_object_or_404(
        IssuedReport.objects.select_related("issued_by", "department"), pk=pk
    )
    files = {f: RENDERERS[f].label for f in issued.files.values_list("fmt", flat=True)}
    context = {
        "issued": issued,
        "sections": _issued_sections(issued.narrative),
        "files": [(fmt, files[fmt]) for fmt in RENDERERS if fmt in files],
    }
    return render(request, "reports/issued_detail.html", context)


def issued_download(request, pk: int, fmt: str):
    """A file of an issued report as it was issued (never rendered again)."""
    _require_reader(request.user)
    stored = get_object_or_404(
        IssuedReportFile.objects.select_related("report"), report_id=pk, fmt=fmt
    )
    renderer = RENDERERS[stored.fmt]
    response = HttpResponse(bytes(stored.content), content_type=renderer.content_type)
    audit.record(audit.Kind.EXPORT, request=request, obj=f"已印发报告：{stored.report}（{fmt}）")
    return _attachment(response, stored.report.as_of, renderer.extension, prefix="已印发-")


# The dashboard's overdue and 不满意 lists show the first few; the whole lists are in the
# report's workbook, linked beside them (issue 17: at 1M items they ran to 18 MiB of HTML).
DASHBOARD_LIST = 20


@replica_reads()
def dashboard(request):
    """督查看板: the year's totals, outcomes, departments and the items that need attention."""
    _require_reader(request.user)
    today = timezone.localdate()
    years = years_of(suggestions_visible_to(request.user)) or [today.year]
    year_param = request.GET.get("year", "")
    # Only the years from the first to the last with items: any other value (99999, "abc")
    # shows the latest.
    digits = year_param.isascii() and year_param.isdigit()  # "²" is a digit int() refuses
    year = int(year_param) if digits and int(year_param) in years else years[0]
    as_of = min(today, dt.date(year, 12, 31))
    report = report_get(
        scope=Scope(year=year),
        as_of=as_of,
        previous_as_of=previous_quarter_end(as_of),
        list_limit=DASHBOARD_LIST,
    )
    scope_items = suggestions_visible_to(request.user).filter(
        in_force_on(as_of), year=year, kind="suggestion", part_of__isnull=True
    )
    # Query: replies per month of the year, grouped in SQL.
    per_month = dict(
        scope_items.filter(first_replied_on__year=year)
        .annotate(month=ExtractMonth("first_replied_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Query: the key-supervision items still open.
    key_items = list(
        scope_items.filter(key_supervision=True)
        .exclude(status__in=ENDED_STATUSES)
        .select_related("lead_deputy")
        .order_by("due_on", "number")[:50]
    )
    context = {
        "year": year,
        "years": years,
        "report": report,
        "outcome_chart": _outcome_chart(report),
        "month_chart": charts.column_chart(
            [(f"{m}月", per_month.get(m, 0)) for m in range(1, 13)], title="每月首次办复件数"
        ),
        "departments": _sorted_departments(report.departments, request.GET.get("sort", "")),
        "sort": request.GET.get("sort", ""),
        "key_items": key_items,
        "outcomes": Outcome,
    }
    return render(request, "reports/dashboard.html", context)
