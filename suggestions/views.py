"""Pages of the workspace. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import mimetypes
from collections import Counter
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models import Q
from django.http import FileResponse
from django.http import Http404
from django.http import HttpResponse
from django.http import HttpResponseRedirect
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from departments import roles
from suggestions import forms
from suggestions import paging
from suggestions import phones
from suggestions import refusals
from suggestions import services
from suggestions.actions import ACTION_ORDER
from suggestions.actions import ACTIONS
from suggestions.actions import Action
from suggestions.filters import SuggestionFilter
from suggestions.filters import list_keys
from suggestions.models import FollowUpEvidence
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import replies_answering
from suggestions.models.records import PREVIEW_TYPES
from suggestions.selectors import DeadlineState
from suggestions.selectors import due_soon
from suggestions.selectors import filter_due_soon
from suggestions.selectors import filter_overdue
from suggestions.selectors import suggestion_get
from suggestions.selectors import suggestion_list
from suggestions.selectors import suggestions_visible_to
from suggestions.selectors import years_of
from suggestions.workspace import TODO_LABELS
from suggestions.workspace import workspace_sections

PAGE_SIZE = 50


def _for_those_who_handle_items(view):
    """首页, 我的待办 and 建议列表: the three administrators (三员), who handle no items,
    and a deputy are sent to their own areas (`roles.start_page`) instead."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        area = roles.start_page(request.user)
        if area:
            return redirect(area)
        return view(request, *args, **kwargs)

    return wrapper


@_for_those_who_handle_items
def home(request):
    """The year's counts by status and outcome, over what the user may see."""
    year = request.GET.get("year", "")
    today = timezone.localdate()
    visible = suggestions_visible_to(request.user).order_by()
    years = years_of(visible)
    year = int(year) if year.isascii() and year.isdigit() else (years[0] if years else today.year)
    # A split item counts once, as the statistics count it (DESIGN §11); a part counts on
    # its own only for a user who cannot see its item (the department leading that part).
    scope = visible.filter(Q(part_of__isnull=True) | ~Q(part_of__in=visible), year=year)
    # One grouped query for the three breakdowns (a few dozen groups), whatever the number
    # of items: one pass over the year's items instead of three.
    by_status, by_outcome, by_kind = Counter(), Counter(), Counter()
    for status, outcome, kind, n in scope.values_list("status", "outcome", "kind").annotate(
        n=Count("id")
    ):
        by_status[status] += n
        by_kind[kind] += n
        if outcome:
            by_outcome[outcome] += n
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


# The conditions always in view on the list; the others fold under 更多条件.
PRIMARY_FILTERS = ("q", "year", "department", "deputy", "deadline")


SHOW_BULK_FORM = "bulk"
_PK = 987654321


def _link_rows(rows) -> None:
    """Each row's link (`s.detail_url`) from one `reverse()` instead of one a row."""
    head, tail = reverse("suggestions:detail", args=[_PK]).split(str(_PK))
    for s in rows:
        s.detail_url = f"{head}{s.pk}{tail}"


def _list_context(request, *, query: QueryDict | None = None, bulk_form=None) -> dict[str, Any]:
    """The list page: `query` is its conditions (the request's GET unless given)."""
    conditions = request.GET if query is None else query
    today = timezone.localdate()
    window = due_soon(today)
    filterset = SuggestionFilter(
        conditions or None,
        queryset=suggestion_list(request.user, today=today, window=window),
        today=today,
        window=window,
        user=request.user,
    )
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    sort = filterset.form.cleaned_data.get("o") if filterset.is_bound else None
    keys = list_keys(conditions, sort)
    page = paging.list_page(conditions, qs, keys, per_page=PAGE_SIZE)
    params = conditions.copy()
    # 批量交办's fields come on demand (bulk_assign_form): on a page without JavaScript,
    # the link to them asks for this page again with `bulk=1`, which no other link keeps.
    params.pop(SHOW_BULK_FORM, None)
    full_query = params.urlencode()
    for name in paging.PAGE_PARAMS:
        params.pop(name, None)
    if bulk_form is None and conditions.get(SHOW_BULK_FORM):
        bulk_form = forms.BulkAssignForm()
    _link_rows(page)
    return {
        "filter": filterset,
        "page": page,
        "query": params.urlencode(),
        "sort": conditions.get("o", ""),
        "deadline_labels": DeadlineState.LABELS,
        # The rows' labels looked up in one dict each (get_FOO_display builds its own).
        "status_labels": dict(Status.choices),
        "outcome_labels": dict(Outcome.choices),
        "can_assign": roles.may_register(request.user),
        "can_print": roles.may_print_documents(request.user),
        "can_select": roles.may_register(request.user) or roles.may_print_documents(request.user),
        "has_drafts": any(s.status == Status.DRAFT for s in page),
        "bulk_form": bulk_form,
        "full_query": full_query,
        "todo_label": TODO_LABELS.get(conditions.get("todo", "")),
        "primary_filters": PRIMARY_FILTERS,
        "more_active": sum(
            1
            for name in filterset.form.fields
            if name not in (*PRIMARY_FILTERS, "o", "todo") and conditions.get(name)
        ),
        # Read only by the full page's filter bar (a query set: the partial never asks).
        "saved_filters": request.user.saved_filters.all(),
    }


@_for_those_who_handle_items
def suggestion_list_view(request):
    context = _list_context(request)
    if request.htmx and request.htmx.target == "results":
        return render(request, "suggestions/_results.html", context)
    return render(request, "suggestions/suggestion_list.html", context)


@require_GET
def bulk_assign_form(request):
    """批量交办's fields (主办单位, 会办单位, 交办日期 and the button), asked for by the list
    when the office opens them: the list no longer renders the two department lists on
    every page (issue 17). They join the list's form around them (#bulk-assign)."""
    if not roles.may_register(request.user):
        raise PermissionDenied(roles.ASSIGN_REFUSED)
    return render(request, "suggestions/_bulk_assign.html", {"bulk_form": forms.BulkAssignForm()})


@require_POST
def bulk_assign(request):
    """Assign several drafts at once; all of them or none."""
    if not roles.may_register(request.user):
        raise PermissionDenied(roles.ASSIGN_REFUSED)
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
            return _bulk_refused(request, form, query, status=409)
        messages.success(request, f"已将{len(data['ids'])}件建议交办给{data['lead']}。")
        return HttpResponseRedirect(
            f"{reverse('suggestions:list')}?{query}" if query else reverse("suggestions:list")
        )
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"未交办任何建议：{error}")
    return _bulk_refused(request, form, query, status=400)


def _bulk_refused(request, form, query: str, *, status: int):
    """The list as it was (its query), with what was chosen kept: the rows ticked, the
    departments and the date, and the reason above."""
    context = _list_context(request, query=QueryDict(query), bulk_form=form)
    context["ticked"] = set(request.POST.getlist("ids"))
    return render(request, "suggestions/suggestion_list.html", context, status=status)


# ---------------------------------------------------------------------------------------
# Register, detail, letter


def suggestion_create(request):
    if not roles.may_register(request.user):
        raise PermissionDenied(roles.REGISTER_REFUSED)
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
        refusals.record_hidden_item(request, pk)
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
            "may_reveal_phone": roles.may_reveal_phone_numbers(request.user),
        },
    )


@require_POST
def deputy_phone(request, pk):
    """显示完整号码: the lead deputy's full number, for this item, audited."""
    suggestion = _visible_or_404(request, pk)
    phone = phones.lead_deputy_phone_reveal(
        suggestion=suggestion, actor=request.user, request=request
    )
    return HttpResponse(phone or "无电话", content_type="text/plain; charset=utf-8")


def reply_letter(request, pk, reply_pk):
    return reply_letter_response(request, pk, reply_pk, inline_pdf=False)


# A file opened in the browser (预览) is a PDF or an image in a top-level tab, under the
# site's headers: Chromium's PDF viewer shows it with object-src 'none' and
# frame-ancestors 'none' (tests/browser/test_previews.py), nosniff keeps the checked type.
def reply_letter_preview(request, pk, reply_pk):
    """预览: a PDF letter in the browser; a Word or OFD letter still downloads."""
    return reply_letter_response(request, pk, reply_pk, inline_pdf=True)


def _check_item_visible(request, pk) -> None:
    if not suggestions_visible_to(request.user).filter(pk=pk).exists():
        refusals.record_hidden_item(request, pk)
        raise Http404("未找到该建议，或您无权查看。")


def _file_response(file, name: str, *, inline: bool) -> FileResponse:
    """The stored file under the user's name; inline only for what a browser shows."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        file.open("rb"),
        as_attachment=not (inline and content_type in PREVIEW_TYPES),
        filename=name,
        content_type=content_type,
    )


def reply_letter_response(request, pk, reply_pk, *, inline_pdf: bool) -> FileResponse:
    """Letters are served only here, after the visibility check: never from a public URL.
    `inline_pdf` opens a PDF in the browser (the deputy portal); other types download."""
    _check_item_visible(request, pk)
    # A merged item's reply is its primary's, a split item's its parts' (DESIGN §11), read
    # through the item.
    item = get_object_or_404(Suggestion, pk=pk)
    reply = get_object_or_404(replies_answering(item), pk=reply_pk)
    if not reply.letter:
        raise Http404("该答复没有上传答复函。")
    return _file_response(reply.letter, reply.letter_name or "答复函", inline=inline_pdf)


def _evidence_response(request, pk, evidence_pk, *, inline: bool) -> FileResponse:
    _check_item_visible(request, pk)
    item = get_object_or_404(FollowUpEvidence, pk=evidence_pk, follow_up__suggestion_id=pk)
    return _file_response(item.file, item.name, inline=inline)


def follow_up_evidence(request, pk, evidence_pk):
    """A follow-up's evidence file, downloaded, through the read gate."""
    return _evidence_response(request, pk, evidence_pk, inline=False)


def follow_up_evidence_preview(request, pk, evidence_pk):
    """预览: a PDF or a photograph in the browser; other types download."""
    return _evidence_response(request, pk, evidence_pk, inline=True)


# ---------------------------------------------------------------------------------------
# Actions: one generic view, one entry per action


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


def _form_kwargs(action: Action, user, suggestion: Suggestion) -> dict[str, Any]:
    if action.name == "follow_up":
        return {"kinds": services.follow_up_kinds(user)}
    if action.name in ("update", "merge"):
        return {"suggestion": suggestion}
    return {}


def _after_conflict(action: Action, form, suggestion: Suggestion, user) -> dict[str, Any]:
    """The initial values of the form shown again after a conflict.

    The user's own changes are kept; every other field takes the value the other person
    saved, and the version is the current one, so submitting again merges instead of
    silently undoing the other edit.
    """
    fresh = Suggestion.objects.get(pk=suggestion.pk)
    merged = _initial(action, fresh, user)
    posted = form.cleaned_data
    if action.name != "update":
        return {**posted, "version": fresh.version}
    seen = fresh.history.filter(version=posted["version"]).order_by("-history_date").first()
    for field, value in posted.items():
        if field == "version":
            continue
        if field == "co_signers":
            # Co-signers are not in the field history: keep what the user chose.
            merged[field] = list(value)
            continue
        original = (
            getattr(seen, f"{field}_id" if field in ("session", "lead_deputy") else field, None)
            if seen
            else None
        )
        mine = value.pk if hasattr(value, "pk") else value
        if seen is None or mine != original:
            merged[field] = value
    return merged


def _ask_for_the_files_again(form, field: str) -> None:
    """The form comes back with an error and the browser drops the chosen files: say so on
    the file field, and refuse the next submission unless files are chosen again (what
    was typed is kept)."""
    form.data = form.data.copy()
    form.data[f"{field}_chosen"] = "true"
    if field not in form.errors:
        form.add_error(field, forms.CHOOSE_AGAIN[field][0])


def _what_is_decided(action: Action, suggestion: Suggestion, state) -> dict[str, Any]:
    """What the form decides on, shown above it: the pending request with its reason and
    dates, or, for a reply, the suggestion's text and the co departments' opinions."""
    lead = next((a for a in state.assignments if a.role == "lead"), None)
    if action.name == "extension_decide" and state.pending_extensions:
        return {"extension": state.pending_extensions[0], "lead": lead}
    if action.name == "return_decide" and state.pending_returns:
        return {"return_request": state.pending_returns[0], "lead": lead}
    if action.name in ("reply", "co_opinion"):
        co = [a for a in suggestion.assignments.all() if a.is_active and a.role == "co"]
        return {"show_content": True, "co_opinions": co if action.name == "reply" else []}
    if action.name in ("close", "feedback"):
        replies = list(suggestion.replies.all())
        return {"last_reply": replies[-1] if replies else None}
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
    kwargs = _form_kwargs(action, request.user, suggestion)
    conflict = ""
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
            except services.VersionConflict as refusal:
                conflict = refusal.messages[0]
                chosen = action.upload and request.FILES.getlist(action.upload)
                if chosen:
                    noun = forms.CHOOSE_AGAIN[action.upload][1]
                    conflict += f"浏览器不会保留已选择的文件，请重新选择{noun}。"
                initial = _after_conflict(action, form, suggestion, request.user)
                if chosen:
                    initial[f"{action.upload}_chosen"] = True
                form = action.form(initial=initial, **kwargs)
            except ValidationError as refusal:
                _add_refusal(form, refusal, action.date_field)
            else:
                messages.success(request, action.success)
                return redirect(suggestion)
        if action.upload and request.FILES.getlist(action.upload) and form.is_bound:
            _ask_for_the_files_again(form, action.upload)
    else:
        form = action.form(initial=_initial(action, suggestion, request.user), **kwargs)
    context = {
        "suggestion": suggestion,
        "action": action,
        "form": form,
        "state": state,
        "conflict": conflict,
        "decided": _what_is_decided(action, suggestion, state),
    }
    return render(request, "suggestions/action_form.html", context)


# ---------------------------------------------------------------------------------------
# 我的待办


@_for_those_who_handle_items
def workspace(request):
    sections = workspace_sections(request.user)
    return render(
        request,
        "suggestions/workspace.html",
        {"sections": sections, "deadline_labels": DeadlineState.LABELS},
    )
