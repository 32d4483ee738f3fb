"""The deputy portal (/deputy/, DESIGN §10) and the office's page that makes deputies'
accounts. Every item is read through the read gate (deputies.selectors); every write goes
through a service: the lead deputy's rating through the same feedback service as the
office's 代录, a co-signer's through deputies.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from departments import roles
from deputies import services as deputy_services
from deputies.forms import AccountsForm
from deputies.forms import RatingForm
from deputies.selectors import deputies_with_accounts
from deputies.selectors import deputy_item_get
from deputies.selectors import deputy_item_list
from suggestions import refusals
from suggestions import services
from suggestions.views import reply_letter_response

NOT_FOUND = "未找到该建议，或您无权查看。"


def _deputy_only(request) -> None:
    """The portal is the deputies' own: anyone else finds nothing here."""
    if not roles.is_deputy(request.user):
        raise Http404("页面不存在。")


def _portal_or_404(request, pk: int):
    portal = deputy_item_get(request.user, pk)
    if portal is None:
        refusals.record_hidden_item(request, pk)
        raise Http404(NOT_FOUND)
    return portal


def home(request):
    _deputy_only(request)
    items = list(deputy_item_list(request.user))
    awaiting = sum(1 for s in items if s.awaits_rating)
    context = {"items": items, "awaiting": awaiting, "deputy": request.user.deputy}
    return render(request, "deputies/home.html", context)


def detail(request, pk: int, form: RatingForm | None = None, status: int = 200):
    _deputy_only(request)
    portal = _portal_or_404(request, pk)
    if form is None and portal.rate_reply is not None:
        form = RatingForm(initial={"version": portal.suggestion.version})
    context = {"portal": portal, "suggestion": portal.suggestion, "form": form}
    return render(request, "deputies/detail.html", context, status=status)


@require_POST
def rate(request, pk: int, reply_pk: int):
    """The lead deputy's rating is the item's (feedback_record: 不满意 → 重新办理); a
    co-signer's is recorded beside it."""
    _deputy_only(request)
    portal = _portal_or_404(request, pk)
    form = RatingForm(request.POST)
    reply = portal.rate_reply
    if reply is None or reply.pk != reply_pk:
        form.is_valid()
        form.add_error(None, "本轮答复现在不能评价（可能已评价过，或已有新一轮答复）。")
        return detail(request, pk, form=form, status=400)
    if not form.is_valid():
        return detail(request, pk, form=form, status=400)
    data = form.cleaned_data
    try:
        if portal.is_lead:
            services.feedback_record(
                suggestion=portal.suggestion,
                actor=request.user,
                satisfaction=data["satisfaction"],
                comment=data["comment"],
                expected_version=data["version"],
            )
        else:
            deputy_services.cosigner_rating_record(
                reply=reply,
                actor=request.user,
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            )
    except ValidationError as refusal:
        field = refusal.code if refusal.code in form.fields else None
        for message in refusal.messages:
            form.add_error(field, message)
        return detail(request, pk, form=form, status=400)
    messages.success(request, "感谢您的评价，已提交。")
    return redirect("deputies:detail", pk=pk)


def letter(request, pk: int, reply_pk: int):
    """The reply letter, read in the browser: a PDF inline, any other type downloads."""
    _deputy_only(request)
    return reply_letter_response(request, pk, reply_pk, inline_pdf=True)


def accounts(request):
    """The office makes accounts for the chosen deputies; the sheet of one-time passwords
    is this POST's answer, shown once and never again."""
    if not roles.may_create_deputy_accounts(request.user):
        raise PermissionDenied("只有区政府办公室工作人员可以创建代表账号。")
    form = AccountsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = deputy_services.deputy_accounts_create(
                deputies=form.cleaned_data["deputies"], actor=request.user
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages[0])
        else:
            deputy_services.audit_issued(issued, request=request)
            return render(request, "deputies/account_sheet.html", {"issued": issued})
    context = {"form": form, "with_accounts": deputies_with_accounts()}
    return render(request, "deputies/accounts.html", context)
