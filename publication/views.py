"""办理结果公开: the public pages (no login, rate-limited, personal data masked) and the
office's pages that decide what is public."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from departments import roles
from publication import selectors
from publication import services
from publication.forms import DisclosureForm
from publication.forms import OfficeFilterForm
from publication.forms import PublicSearchForm
from publication.throttle import rate_limited
from security import audit
from suggestions.models import Reply

PUBLIC_PAGE_SIZE = 20
OFFICE_PAGE_SIZE = 50
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{16,32}")


def _paged(request, template: str, form, rows, size: int):
    """A list page: the filter form, one page of rows, the query for the page links."""
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "query": query.urlencode()}
    return render(request, template, context)


# ---------------------------------------------------------------------------------------
# The public pages


@login_not_required
@require_GET
@rate_limited
def public_list(request):
    form = PublicSearchForm(request.GET)
    rows = selectors.published_list(**form.filters())
    return _paged(request, "public/public_list.html", form, rows, PUBLIC_PAGE_SIZE)


@login_not_required
@require_GET
@rate_limited
def public_detail(request, public_id: str):
    disclosure = selectors.published_get(public_id) if PUBLIC_ID.fullmatch(public_id) else None
    if disclosure is None:
        return _not_found(request)
    return render(request, "public/public_detail.html", {"disclosure": disclosure})


def _not_found(request):
    # Its own page: the site's 404 carries the staff pages' CSRF header and navigation.
    return render(request, "public/404.html", status=404)


@login_not_required
@rate_limited
def public_not_found(request, rest: str):
    return _not_found(request)


# ---------------------------------------------------------------------------------------
# The office's pages


def _require_publisher(request) -> None:
    if not roles.may_publish(request.user):
        raise PermissionDenied(services.PUBLISH_REFUSED)


def office_list(request):
    _require_publisher(request)
    form = OfficeFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.disclosure_rows(
        request.user, year=data.get("year"), state=data.get("state", "")
    )
    return _paged(request, "public/disclosure_list.html", form, rows, OFFICE_PAGE_SIZE)


@require_POST
def office_bulk_publish(request):
    _require_publisher(request)
    ids = [int(v) for v in request.POST.getlist("reply") if v.isdigit()][:OFFICE_PAGE_SIZE]
    replies = (
        list(selectors.disclosure_rows(request.user).filter(pk__in=ids).order_by("pk"))
        if ids
        else []
    )
    if not replies:
        messages.error(request, "请先勾选要公开的答复。")
        return redirect("public:office_list")
    try:
        done = services.disclosure_bulk_publish(replies=replies, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, "；".join(refusal.messages))
        audit.record(
            audit.Kind.PUBLICATION,
            request=request,
            outcome=audit.Outcome.REFUSED,
            detail="批量公开：" + "；".join(refusal.messages),
        )
        return redirect("public:office_list")
    for disclosure in done:
        audit.record(audit.Kind.PUBLICATION, request=request, obj=disclosure, detail="公开（批量）")
    messages.success(request, f"已将{len(done)}条答复设为公开。")
    return redirect(request.POST.get("next") or "public:office_list")


def _decide(request, reply: Reply, form: DisclosureForm):
    data = form.cleaned_data
    try:
        disclosure = services.disclosure_decide(
            reply=reply,
            decision=data["decision"],
            reason=data["reason"],
            note=data["note"],
            actor=request.user,
            expected_version=data["version"],
        )
    except ValidationError as refusal:
        form.add_error(None, refusal)
        audit.record(
            audit.Kind.PUBLICATION,
            request=request,
            obj=reply,
            outcome=audit.Outcome.REFUSED,
            detail="；".join(refusal.messages),
        )
        return None
    detail = disclosure.get_decision_display()
    if disclosure.reason:
        detail += f"（{disclosure.get_reason_display()}）"
    audit.record(audit.Kind.PUBLICATION, request=request, obj=disclosure, detail=detail)
    messages.success(request, f"已设置为“{detail}”。")
    return disclosure


def office_decide(request, reply_pk: int):
    """公开设置 of one reply, from the item's page."""
    _require_publisher(request)
    reply = selectors.disclosure_for_reply(request.user, reply_pk)
    if reply is None:
        raise Http404("未找到该答复，或您无权查看。")
    current = getattr(reply, "disclosure", None)
    if request.method == "POST":
        form = DisclosureForm(request.POST)
        if form.is_valid() and _decide(request, reply, form):
            return redirect(reply.suggestion.get_absolute_url())
    else:
        initial = {"version": current.version if current else 0}
        if current:
            initial.update(decision=current.decision, reason=current.reason, note=current.note)
        form = DisclosureForm(initial=initial)
    history = (
        current.history.select_related("history_user").order_by("-history_date") if current else []
    )
    return render(
        request,
        "public/disclosure_form.html",
        {"reply": reply, "disclosure": current, "form": form, "history": history},
    )
