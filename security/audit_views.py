"""/audit/: the 审计管理员 reads, filters and exports the security audit log. Read only:
no view here (or anywhere) edits or deletes an event."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from departments import roles
from security import audit
from security.exports import audit_workbook_file
from security.models import AuditEvent

PAGE_SIZE = 100
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="事件", choices=[("", "全部"), *AuditEvent.Kind.choices], required=False
    )
    outcome = forms.ChoiceField(
        label="结果", choices=[("", "全部"), *AuditEvent.Outcome.choices], required=False
    )
    username = forms.CharField(label="用户名", max_length=150, required=False)
    address = forms.GenericIPAddressField(label="地址", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=DATE)
    until = forms.DateField(label="截止日期", required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "截止日期不能早于起始日期。")
        return cleaned


def _events(form: AuditFilterForm):
    events = AuditEvent.objects.all()
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    for field in ("kind", "outcome", "address"):
        if data.get(field):
            events = events.filter(**{field: data[field]})
    if data.get("username"):
        events = events.filter(username__iexact=data["username"].strip())
    tz = timezone.get_current_timezone()
    if data.get("since"):
        events = events.filter(occurred_at__gte=dt.datetime.combine(data["since"], dt.time(), tz))
    if data.get("until"):
        end = dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time(), tz)
        events = events.filter(occurred_at__lt=end)
    return events


def _require(request) -> None:
    if not roles.may_read_audit(request.user):
        raise PermissionDenied("安全审计日志仅供审计管理员查看。")


def audit_list(request):
    _require(request)
    form = AuditFilterForm(request.GET or None)
    events = _events(form) if request.GET else AuditEvent.objects.all()
    page = Paginator(events.select_related(None), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def audit_export(request):
    _require(request)
    form = AuditFilterForm(request.GET or None)
    events = _events(form) if request.GET else AuditEvent.objects.all()
    audit.record(audit.Kind.AUDIT_EXPORT, request=request, detail=request.GET.urlencode()[:900])
    name = f"安全审计日志-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(audit_workbook_file(events), as_attachment=True, filename=name)
