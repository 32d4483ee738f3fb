"""Pages of the workspace. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from suggestions import forms, services
from suggestions.filters import SuggestionFilter
from suggestions.models import Kind, Outcome, Reply, Status, Suggestion
from suggestions.selectors import (
    DeadlineState,
    filter_due_soon,
    filter_overdue,
    suggestion_get,
    suggestion_list,
    suggestions_visible_to,
    workspace_sections,
)

PAGE_SIZE = 50


def home(request):
    """The year's counts by status and outcome, over what the user may see."""
    year = request.GET.get("year", "")
    today = timezone.localdate()
    visible = suggestions_visible_to(request.user)
    years = sorted(set(visible.values_list("year", flat=True).distinct()), reverse=True)
    year = int(year) if year.isdigit() else (years[0] if years else today.year)
    scope = visible.filter(year=year)
    # One grouped query per breakdown, whatever the number of items.
    by_status = dict(scope.values_list("status").annotate(n=Count("id")).order_by())
    by_outcome = dict(
        scope.exclude(outcome="").values_list("outcome").annotate(n=Count("id")).order_by()
    )
    by_kind = dict(scope.values_list("kind").annotate(n=Count("id")).order_by())
    context = {
        "year": year,
        "years": years,
        "total": sum(by_status.values()),
        "statuses": [(s.label, by_status.get(s.value, 0), s.value) for s in Status],
        "outcomes": [(o.label, by_outcome.get(o.value, 0), o.value) for o in Outcome],
        "kinds": [(k.label, by_kind.get(k.value, 0)) for k in Kind],
        "overdue": filter_overdue(scope, today).count(),
        "due_soon": filter_due_soon(scope, today).count(),
    }
    return render(request, "suggestions/home.html", context)


# ---------------------------------------------------------------------------------------
# The list


def _list_context(request, *, bulk_form=None) -> dict[str, Any]:
    today = timezone.localdate()
    filterset = SuggestionFilter(
        request.GET or None, queryset=suggestion_list(request.user, today=today), today=today
    )
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    if not request.GET.get("o"):
        qs = qs.order_by("-year", "kind", "number")
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filter": filterset,
        "page": page,
        "query": params.urlencode(),
        "sort": request.GET.get("o", ""),
        "deadline_labels": DeadlineState.LABELS,
        "can_assign": request.user.is_office,
        "bulk_form": bulk_form or forms.BulkAssignForm(),
        "full_query": request.GET.urlencode(),
    }


def suggestion_list_view(request):
    context = _list_context(request)
    if request.htmx and request.htmx.target == "results":
        return render(request, "suggestions/_results.html", context)
    return render(request, "suggestions/suggestion_list.html", context)


@require_POST
def bulk_assign(request):
    """Assign several drafts at once; all of them or none."""
    if not request.user.is_office:
        raise PermissionDenied("只有区政府办公室工作人员可以交办建议。")
    query = request.POST.get("query", "")
    form = forms.BulkAssignForm(
        request.POST,
        queryset=suggestions_visible_to(request.user).filter(status=Status.DRAFT),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                for suggestion in data["ids"]:
                    services.suggestion_assign(
                        suggestion=suggestion,
                        lead=data["lead"],
                        co_departments=data["co_departments"],
                        assigned_on=data["assigned_on"],
                        actor=request.user,
                    )
        except ValidationError as refusal:
            messages.error(request, f"未交办任何建议：{refusal.messages[0]}")
        else:
            messages.success(request, f"已将{len(data['ids'])}件建议交办给{data['lead']}。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"未交办任何建议：{error}")
    return HttpResponseRedirect(
        f"{reverse('suggestions:list')}?{query}" if query else reverse("suggestions:list")
    )


# ---------------------------------------------------------------------------------------
# Register, detail, letter


def suggestion_create(request):
    if not request.user.is_office:
        raise PermissionDenied("只有区政府办公室工作人员可以登记建议。")
    form = forms.SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_create(actor=request.user, **data)
        except ValidationError as refusal:
            _add_refusal(form, refusal)
        else:
            messages.success(request, f"已登记{suggestion.code}。")
            return redirect(suggestion)
    return render(request, "suggestions/suggestion_form.html", {"form": form})


def _visible_or_404(request, pk) -> Suggestion:
    suggestion = suggestion_get(request.user, pk)
    if suggestion is None:
        raise Http404("未找到该建议，或您无权查看。")
    return suggestion


def detail(request, pk):
    suggestion = _visible_or_404(request, pk)
    state = services.ItemState.load(
        suggestion, today=timezone.localdate(), assignments=list(suggestion.assignments.all())
    )
    allowed = {
        name
        for name, reason in services.available_actions(state, request.user).items()
        if not reason
    }
    actions = [ACTIONS[name] for name in ACTION_ORDER if name in allowed]
    return render(
        request,
        "suggestions/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "state": state,
            "actions": actions,
            "deadline_labels": DeadlineState.LABELS,
        },
    )


def reply_letter(request, pk, reply_pk):
    """Letters are served only here, after the visibility check: never from a public URL."""
    if not suggestions_visible_to(request.user).filter(pk=pk).exists():
        raise Http404("未找到该建议，或您无权查看。")
    reply = get_object_or_404(Reply, pk=reply_pk, suggestion_id=pk)
    if not reply.letter:
        raise Http404("该答复没有上传答复函。")
    content_type = mimetypes.guess_type(reply.letter_name)[0] or "application/octet-stream"
    return FileResponse(
        reply.letter.open("rb"),
        as_attachment=True,
        filename=reply.letter_name or "答复函",
        content_type=content_type,
    )


# ---------------------------------------------------------------------------------------
# Actions: one generic view, one entry per action


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[django_forms.Form]
    perform: Callable[..., Any]
    success: str
    date_field: str = ""
    multipart: bool = False
    style: str = ""


def _pending(state, kind):
    items = state.pending_returns if kind == "return" else state.pending_extensions
    return items[0]


def _perform_update(*, suggestion, actor, data, state):
    return services.suggestion_update(
        suggestion=suggestion,
        actor=actor,
        expected_version=data["version"],
        co_signers=data["co_signers"],
        **{f: data[f] for f in services.EDITABLE_FIELDS if f not in ("year", "number")},
        **({"year": data["year"]} if data.get("year") else {}),
        **({"number": data["number"]} if data.get("number") else {}),
    )


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "update",
            "修改",
            forms.SuggestionEditForm,
            _perform_update,
            "已保存修改。",
            "received_on",
        ),
        Action(
            "assign",
            "交办",
            forms.AssignForm,
            lambda *, suggestion, actor, data, state: services.suggestion_assign(
                suggestion=suggestion,
                actor=actor,
                lead=data["lead"],
                co_departments=data["co_departments"],
                assigned_on=data["assigned_on"],
                expected_version=data["version"],
            ),
            "已交办。",
            "assigned_on",
            style="primary",
        ),
        Action(
            "reassign",
            "重新交办",
            forms.ReassignForm,
            lambda *, suggestion, actor, data, state: services.suggestion_reassign(
                suggestion=suggestion,
                actor=actor,
                lead=data["lead"],
                co_departments=data["co_departments"],
                assigned_on=data["assigned_on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
            "已重新交办。",
            "assigned_on",
        ),
        Action(
            "acknowledge",
            "签收",
            forms.AcknowledgeForm,
            lambda *, suggestion, actor, data, state: services.assignment_acknowledge(
                suggestion=suggestion, actor=actor, expected_version=data["version"]
            ),
            "已签收。",
            style="primary",
        ),
        Action(
            "co_opinion",
            "提交会办意见",
            forms.CoOpinionForm,
            lambda *, suggestion, actor, data, state: services.co_opinion_submit(
                suggestion=suggestion,
                actor=actor,
                opinion=data["opinion"],
                expected_version=data["version"],
            ),
            "会办意见已提交主办单位。",
            style="primary",
        ),
        Action(
            "reply",
            "答复代表",
            forms.ReplyForm,
            lambda *, suggestion, actor, data, state: services.reply_submit(
                suggestion=suggestion,
                actor=actor,
                outcome=data["outcome"],
                text=data["text"],
                replied_on=data["replied_on"],
                letter=data["letter"],
                letter_name=data["letter"].name if data["letter"] else "",
                contact_person=data["contact_person"],
                contact_phone=data["contact_phone"],
                expected_version=data["version"],
            ),
            "已答复代表。",
            "replied_on",
            multipart=True,
            style="primary",
        ),
        Action(
            "return_request",
            "申请退办",
            forms.ReturnRequestForm,
            lambda *, suggestion, actor, data, state: services.return_request(
                suggestion=suggestion,
                actor=actor,
                reason=data["reason"],
                suggested_department=data["suggested_department"],
                expected_version=data["version"],
            ),
            "退办申请已提交，请等待区政府办公室审批。",
        ),
        Action(
            "return_decide",
            "审批退办申请",
            forms.ReturnDecideForm,
            lambda *, suggestion, actor, data, state: services.return_decide(
                request=_pending(state, "return"),
                actor=actor,
                approve=data["decision"] == "approve",
                note=data["note"],
                lead=data["lead"],
                co_departments=data["co_departments"],
                expected_version=data["version"],
            ),
            "退办申请已审批。",
            style="primary",
        ),
        Action(
            "extension_request",
            "申请延期",
            forms.ExtensionRequestForm,
            lambda *, suggestion, actor, data, state: services.extension_request(
                suggestion=suggestion,
                actor=actor,
                requested_due_on=data["requested_due_on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
            "延期申请已提交，请等待区政府办公室审批。",
            "requested_due_on",
        ),
        Action(
            "extension_decide",
            "审批延期申请",
            forms.ExtensionDecideForm,
            lambda *, suggestion, actor, data, state: services.extension_decide(
                request=_pending(state, "extension"),
                actor=actor,
                approve=data["decision"] == "approve",
                note=data["note"],
                expected_version=data["version"],
            ),
            "延期申请已审批。",
            style="primary",
        ),
        Action(
            "feedback",
            "登记代表意见",
            forms.FeedbackForm,
            lambda *, suggestion, actor, data, state: services.feedback_record(
                suggestion=suggestion,
                actor=actor,
                satisfaction=data["satisfaction"],
                received_on=data["received_on"],
                comment=data["comment"],
                expected_version=data["version"],
            ),
            "已登记代表意见。",
            "received_on",
            style="primary",
        ),
        Action(
            "follow_up",
            "登记跟踪记录",
            forms.FollowUpForm,
            lambda *, suggestion, actor, data, state: services.follow_up_record(
                suggestion=suggestion,
                actor=actor,
                kind=data["kind"],
                happened_on=data["happened_on"],
                participants=data["participants"],
                findings=data["findings"],
                consistent_with_reply=data["consistent_with_reply"],
                new_outcome=data["new_outcome"],
                expected_version=data["version"],
            ),
            "跟踪记录已保存。",
            "happened_on",
        ),
        Action(
            "key_supervision",
            "重点督办",
            forms.KeySupervisionForm,
            lambda *, suggestion, actor, data, state: services.suggestion_set_key_supervision(
                suggestion=suggestion,
                actor=actor,
                key_supervision=data["key_supervision"],
                note=data["note"],
                expected_version=data["version"],
            ),
            "重点督办设置已保存。",
        ),
        Action(
            "close",
            "办结",
            forms.CloseForm,
            lambda *, suggestion, actor, data, state: services.suggestion_close(
                suggestion=suggestion,
                actor=actor,
                note=data["note"],
                expected_version=data["version"],
            ),
            "已办结。",
        ),
    ]
}
ACTION_ORDER = [
    "acknowledge",
    "co_opinion",
    "reply",
    "assign",
    "return_decide",
    "extension_decide",
    "feedback",
    "close",
    "reassign",
    "return_request",
    "extension_request",
    "follow_up",
    "key_supervision",
    "update",
]

# Which form field a service refusal is about, by its code.
REFUSAL_FIELDS = {"departments": "co_departments"}


def _add_refusal(form, refusal: ValidationError, date_field: str = "") -> None:
    code = getattr(refusal, "code", None)
    field = REFUSAL_FIELDS.get(code, code)
    if code == "date" and date_field:
        field = date_field
    for message in refusal.messages:
        form.add_error(field if field in form.fields else None, message)


def _initial(action: Action, suggestion: Suggestion, user) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": suggestion.version}
    if action.name == "update":
        initial |= {
            f: getattr(suggestion, f)
            for f in (
                "kind",
                "source",
                "session",
                "year",
                "number",
                "title",
                "content",
                "topic",
                "lead_deputy",
                "received_on",
            )
        }
        initial["co_signers"] = list(suggestion.co_signers.all())
    if action.name == "reply":
        initial["contact_person"] = str(user)
        initial["contact_phone"] = getattr(user, "phone", "")
    return initial


def _form_kwargs(action: Action, user) -> dict[str, Any]:
    if action.name == "follow_up":
        return {"kinds": services.follow_up_kinds(user)}
    return {}


def action_view(request, pk, name):
    action = ACTIONS.get(name)
    if action is None:
        raise Http404("没有这个操作。")
    suggestion = _visible_or_404(request, pk)
    state = services.ItemState.load(suggestion, today=timezone.localdate())
    reason = services.available_actions(state, request.user)[name]
    if reason:
        # The user sees the item but may not do this now: say why (403), change nothing.
        return render(
            request,
            "suggestions/action_refused.html",
            {"suggestion": suggestion, "action": action, "reason": reason},
            status=403,
        )
    kwargs = _form_kwargs(action, request.user)
    if request.method == "POST":
        form = action.form(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                action.perform(
                    suggestion=suggestion,
                    actor=request.user,
                    data=form.cleaned_data,
                    state=state,
                )
            except services.VersionConflict as conflict:
                # Keep what was typed; carry the current version so a deliberate second
                # submit, after reading the latest, goes through.
                data = request.POST.copy()
                data["version"] = Suggestion.objects.values_list("version", flat=True).get(
                    pk=suggestion.pk
                )
                form = action.form(data, **kwargs)
                form.is_valid()
                form.add_error(None, conflict.messages[0])
                if action.multipart and request.FILES:
                    form.add_error(None, "浏览器不会保留已选择的文件，请重新选择答复函。")
            except ValidationError as refusal:
                _add_refusal(form, refusal, action.date_field)
            else:
                messages.success(request, action.success)
                return redirect(suggestion)
    else:
        form = action.form(initial=_initial(action, suggestion, request.user), **kwargs)
    context = {"suggestion": suggestion, "action": action, "form": form, "state": state}
    return render(request, "suggestions/action_form.html", context)


# ---------------------------------------------------------------------------------------
# 我的待办


def workspace(request):
    sections = workspace_sections(request.user)
    return render(
        request,
        "suggestions/workspace.html",
        {"sections": sections, "deadline_labels": DeadlineState.LABELS},
    )
