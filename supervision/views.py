"""Supervision pages (DESIGN §12): the assessment, the year's weights, and the spot-check
and re-check campaigns. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.db import replica_reads
from departments import roles
from reports import charts
from security import audit
from supervision import selectors
from supervision import services
from supervision.assessment import PART_LABELS
from supervision.assessment import PARTS
from supervision.exports import CONTENT_TYPE
from supervision.exports import assessment_xlsx
from supervision.exports import spot_campaign_xlsx
from supervision.forms import AssessmentForm
from supervision.forms import RecheckCampaignForm
from supervision.forms import RecheckForm
from supervision.forms import SpotCampaignForm
from supervision.forms import SpotCheckForm
from supervision.forms import WeightsForm
from supervision.models import AssessmentWeights
from supervision.models import Evidence
from supervision.models import RecheckCampaign
from supervision.models import RecheckItem
from supervision.models import SpotCheckCampaign
from supervision.models import SpotCheckItem


def _require_supervisor(user) -> None:
    if not roles.may_supervise(user):
        raise PermissionDenied(roles.SUPERVISION_REFUSED)


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"supervision.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# ---------------------------------------------------------------------------------------
# The assessment

SORT_KEYS = {"rank", "items", "score", *PARTS}


def _sorted(rows: list[dict], key: str) -> list[dict]:
    name = key.lstrip("-")
    if name not in SORT_KEYS or name == "rank":
        return rows
    descending = key.startswith("-")

    def value(row):
        if name == "items":
            return row["items"]
        return float(row["score"] if name == "score" else row["parts"][name])

    return sorted(rows, key=value, reverse=descending)


def _chart(data: dict):
    rows = [r for r in data["departments"] if not r["insufficient"]]
    return charts.bar_chart(
        [(r["department"], float(r["score"])) for r in rows], title="考核得分", suffix="分"
    )


@replica_reads()
def assessment(request):
    _require_supervisor(request.user)
    form = AssessmentForm(request.GET or None)
    context = {"form": form, "part_labels": [PART_LABELS[p] for p in PARTS], "parts": PARTS}
    if form.is_valid():
        year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
        data, issued = selectors.assessment_get(year, as_of)
        sort = request.GET.get("sort", "")
        context |= {
            "data": data,
            "issued": issued,
            "rows": _sorted(list(data["departments"]), sort),
            "sort": sort,
            "chart": _chart(data),
            "query": f"year={year}&as_of={as_of:%Y-%m-%d}",
            "year": year,
            "as_of": as_of,
        }
    return render(request, "supervision/assessment.html", context)


@replica_reads()
def assessment_download(request):
    _require_supervisor(request.user)
    form = AssessmentForm(request.GET)
    if not form.is_valid():
        messages.error(request, "考核条件有误，请检查后重新下载。")
        return redirect("supervision:assessment")
    year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
    data, _ = selectors.assessment_get(year, as_of)
    audit.record(audit.Kind.EXPORT, request=request, obj=f"{year}年度考核（截至{as_of:%Y-%m-%d}）")
    return _attachment(assessment_xlsx(data), f"{year}年度承办单位考核-截至{as_of:%Y%m%d}.xlsx")


@require_POST
def assessment_issue(request):
    _require_supervisor(request.user)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "考核条件有误，未发布。")
        return redirect("supervision:assessment")
    year, as_of = form.cleaned_data["year"], form.cleaned_data["as_of"]
    try:
        services.assessment_issue(year=year, as_of=as_of, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, "考核结果已发布，此后修改权重或记录不再改变这份结果。")
    return redirect(f"{reverse('supervision:assessment')}?year={year}&as_of={as_of:%Y-%m-%d}")


def weights(request, year: int):
    _require_supervisor(request.user)
    if not 2000 <= year <= 2100:
        raise Http404("年度不正确。")
    current = selectors.weights_get(year)
    may_edit = roles.may_edit_assessment_weights(request.user)
    form = WeightsForm(request.POST or None, initial=WeightsForm.initial_for(current))
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("只有区政府办公室可以修改考核权重。")
        if form.is_valid():
            values = dict(form.cleaned_data)
            version = values.pop("version")
            try:
                services.weights_save(
                    year=year, values=values, actor=request.user, expected_version=version
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, f"{year}年度考核权重已保存。")
                return redirect("supervision:weights", year=year)
    history = (
        AssessmentWeights.history.filter(year=year).select_related("history_user")[:20]
        if current
        else []
    )
    return render(
        request,
        "supervision/weights.html",
        {"form": form, "year": year, "may_edit": may_edit, "history": history},
    )


# ---------------------------------------------------------------------------------------
# Spot-check campaigns


def spot_list(request):
    _require_supervisor(request.user)
    form = SpotCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.spot_campaign_create(
                name=data["name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                percentage=data["percentage"],
                departments=data["departments"],
                seed=data["seed"],
                actor=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"已抽取{campaign.items.count()}件。")
            return redirect("supervision:spot_detail", pk=campaign.pk)
    return render(
        request,
        "supervision/spot_list.html",
        {"form": form, "campaigns": selectors.spot_campaign_list()},
    )


def _campaign(model, user, pk: int, items_of):
    campaign = model.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404("没有这项活动。")
    items = list(selectors.campaign_items(user, items_of(campaign)))
    if not roles.may_supervise(user) and not items:
        raise Http404("没有这项活动。")
    return campaign, items


def _detail(request, pk: int, model, item_model, template: str):
    """A campaign's page: its items the user may see, with progress per department."""
    campaign, items = _campaign(
        model, request.user, pk, lambda c: item_model.objects.filter(campaign=c)
    )
    context = {
        "campaign": campaign,
        "items": items,
        "progress": selectors.department_progress(items),
        "may_record": roles.may_supervise(request.user),
    }
    return render(request, template, context)


def spot_detail(request, pk: int):
    return _detail(request, pk, SpotCheckCampaign, SpotCheckItem, "supervision/spot_detail.html")


def spot_download(request, pk: int):
    campaign, items = _campaign(
        SpotCheckCampaign, request.user, pk, lambda c: SpotCheckItem.objects.filter(campaign=c)
    )
    audit.record(audit.Kind.EXPORT, request=request, obj=f"抽查活动：{campaign.name}")
    return _attachment(spot_campaign_xlsx(campaign, items), f"{campaign.name}.xlsx")


def _item(model, user, pk: int):
    item = selectors.campaign_items(user, model.objects.filter(pk=pk)).first()
    if item is None:
        raise Http404("没有这件。")
    return item


def _record(request, pk: int, item_model, form_class, service, names: tuple[str, str]):
    """The form recording one campaign item's finding; back to the campaign when done."""
    _require_supervisor(request.user)
    item = _item(item_model, request.user, pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, "已登记。")
            return redirect(names[0], pk=item.campaign_id)
    return render(request, names[1], {"item": item, "form": form})


def spot_record(request, pk: int):
    return _record(
        request,
        pk,
        SpotCheckItem,
        SpotCheckForm,
        services.spot_check_record,
        ("supervision:spot_detail", "supervision/spot_record.html"),
    )


# ---------------------------------------------------------------------------------------
# Re-check campaigns


def recheck_list(request):
    _require_supervisor(request.user)
    form = RecheckCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.recheck_campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"已列入{campaign.items.count()}件待复查。")
            return redirect("supervision:recheck_detail", pk=campaign.pk)
    return render(
        request,
        "supervision/recheck_list.html",
        {"form": form, "campaigns": selectors.recheck_campaign_list()},
    )


def recheck_detail(request, pk: int):
    return _detail(request, pk, RecheckCampaign, RecheckItem, "supervision/recheck_detail.html")


def recheck_record(request, pk: int):
    return _record(
        request,
        pk,
        RecheckItem,
        RecheckForm,
        services.recheck_record,
        ("supervision:recheck_detail", "supervision/recheck_record.html"),
    )


def evidence(request, pk: int):
    """A file, to those who may see the campaign item it belongs to."""
    record = Evidence.objects.filter(pk=pk).first()
    if record is None:
        raise Http404("没有这个文件。")
    if record.spot_item_id:
        _item(SpotCheckItem, request.user, record.spot_item_id)
    else:
        _item(RecheckItem, request.user, record.recheck_item_id)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.name)
