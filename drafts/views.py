"""The drafting pages: the deputy's (/deputy/drafts/, usable at 390 px) and the office's
review queue (/drafts/review/). Every read goes through drafts.selectors' gate, every
write through drafts.services; what each page offers is what drafts.rules allows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from departments import roles
from departments.models import Deputy
from drafts import selectors
from drafts import services
from drafts.forms import DeadlineForm
from drafts.forms import DeclineForm
from drafts.forms import DraftForm
from drafts.forms import InviteForm
from drafts.models import CosignDeadline
from drafts.rules import DraftState
from drafts.rules import available_actions

NOT_FOUND = "未找到该草稿，或您无权查看。"
PICKER_LIMIT = 30


def _deputy_only(request) -> None:
    if not roles.is_deputy(request.user):
        raise Http404("页面不存在。")


def _office_only(request) -> None:
    if not roles.may_review_drafts(request.user):
        raise PermissionDenied("只有区政府办公室工作人员可以受理代表网上提交的建议。")


def _get(request, pk: int):
    draft = selectors.draft_get(request.user, pk)
    if draft is None:
        raise Http404(NOT_FOUND)
    return draft


def _refused(form, refusal: ValidationError) -> None:
    """Put the service's refusal beside its field, or above the form."""
    field = refusal.code if refusal.code in form.fields else None
    for message in refusal.messages:
        form.add_error(field, message)


def _detail(request, pk: int):
    """Back to the draft's page: the deputy's, or the office's review page."""
    name = "drafts:review_detail" if roles.is_office(request.user) else "drafts:detail"
    return redirect(name, pk=pk)


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else -1


# ---------------------------------------------------------------------------------------
# The deputy


def home(request):
    _deputy_only(request)
    context = {
        "drafts": selectors.deputy_drafts(request.user),
        "invitations": selectors.deputy_invitations(request.user),
    }
    return render(request, "drafts/home.html", context)


def create(request):
    _deputy_only(request)
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            draft = services.draft_create(actor=request.user, **data)
        except ValidationError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "草稿已保存。您可以继续修改、邀请联名代表，或直接提交。")
            return redirect("drafts:detail", pk=draft.pk)
    status = 400 if form.errors else 200
    return render(request, "drafts/form.html", {"form": form, "draft": None}, status=status)


def edit(request, pk: int):
    _deputy_only(request)
    draft = _get(request, pk)
    if "edit" not in available_actions(DraftState.load(draft), request.user):
        raise Http404(NOT_FOUND)
    initial = {f: getattr(draft, f) for f in ("title", "content", "topic", "source", "session")}
    form = DraftForm(request.POST or None, initial={**initial, "version": draft.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.draft_update(
                draft=draft, actor=request.user, expected_version=_version(request), **data
            )
        except ValidationError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "草稿已保存。")
            return redirect("drafts:detail", pk=pk)
    status = 400 if form.errors else 200
    return render(request, "drafts/form.html", {"form": form, "draft": draft}, status=status)


def detail(request, pk: int, decline_form: DeclineForm | None = None, status: int = 200):
    draft = _get(request, pk)
    state = DraftState.load(draft)
    actions = available_actions(state, request.user)
    deputy = getattr(request.user, "deputy", None) if roles.is_deputy(request.user) else None
    context = {
        "draft": draft,
        "state": state,
        "actions": actions,
        "mine": next((i for i in state.invitations if deputy and i.deputy_id == deputy.pk), None),
        "decline_form": decline_form or DeclineForm(initial={"version": draft.version}),
        "office": roles.is_office(request.user),
    }
    return render(request, "drafts/detail.html", context, status=status)


def invite(request, pk: int):
    """Search the serving deputies with accounts, tick, invite. The search is a GET (it
    works without script); the ticked boxes are kept when the POST is refused."""
    _deputy_only(request)
    draft = _get(request, pk)
    if "invite" not in available_actions(DraftState.load(draft), request.user):
        raise Http404(NOT_FOUND)
    query = (request.GET.get("q") or request.POST.get("q") or "")[:50]
    invitable = selectors.invitable_deputies(draft)
    form = InviteForm(request.POST or None, queryset=invitable, initial={"version": draft.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitations_send(
                draft=draft,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                deputies=form.cleaned_data["deputies"],
            )
        except ValidationError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "联名邀请已发出，受邀代表将收到提醒。")
            return redirect("drafts:detail", pk=pk)
    checked = [p for p in request.POST.getlist("deputies") if p.isdigit()]
    found = list(selectors.invitable_deputies(draft, query)[: PICKER_LIMIT + 1])
    kept = [d for d in invitable.filter(pk__in=checked) if d not in found]
    context = {
        "draft": draft,
        "form": form,
        "query": query,
        "choices": kept + found[:PICKER_LIMIT],
        "more": len(found) > PICKER_LIMIT,
        "checked": {int(p) for p in checked},
    }
    return render(request, "drafts/invite.html", context, status=400 if form.errors else 200)


def _act(request, pk: int, service, done: str, **kwargs):
    """Run a one-button action; a refusal comes back as a message on the draft's page."""
    draft = _get(request, pk)
    try:
        service(draft=draft, actor=request.user, **kwargs)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return _detail(request, pk)


@require_POST
def withdraw(request, pk: int, deputy_pk: int):
    _deputy_only(request)
    deputy = Deputy.objects.filter(pk=deputy_pk).first()
    if deputy is None:
        raise Http404(NOT_FOUND)
    return _act(
        request,
        pk,
        services.invitation_withdraw,
        "已撤回邀请。",
        expected_version=_version(request),
        deputy=deputy,
    )


@require_POST
def submit(request, pk: int):
    _deputy_only(request)
    return _act(
        request,
        pk,
        services.draft_submit,
        "建议已提交区政府办公室，受理结果将通知您。",
        expected_version=_version(request),
    )


@require_POST
def answer(request, pk: int):
    _deputy_only(request)
    accept = request.POST.get("answer") == "accept"
    done = "您已同意联名。" if accept else "您已谢绝联名。"
    return _act(request, pk, services.invitation_answer, done, accept=accept)


# ---------------------------------------------------------------------------------------
# The office


def review(request):
    _office_only(request)
    decided = request.GET.get("show") == "decided"
    context = {
        "drafts": selectors.review_queue(decided=decided),
        "decided": decided,
        "deadlines": CosignDeadline.objects.select_related("session").order_by(
            "-session__starts_on"
        ),
        "deadline_form": DeadlineForm(),
    }
    return render(request, "drafts/review.html", context)


@require_POST
def accept(request, pk: int):
    _office_only(request)
    convert = request.POST.get("as") == "community"
    draft = _get(request, pk)
    try:
        suggestion = services.draft_accept(
            draft=draft, actor=request.user, expected_version=_version(request), convert=convert
        )
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        return _detail(request, pk)
    messages.success(request, f"已受理并登记为{suggestion.code}，请继续交办。")
    return redirect("suggestions:detail", pk=suggestion.pk)


@require_POST
def decline(request, pk: int):
    _office_only(request)
    draft = _get(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.draft_decline(
                draft=draft,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, "已不予受理，代表将收到理由。")
            return redirect("drafts:review")
    return detail(request, pk, decline_form=form, status=400)


def deadline(request):
    """The office sets a session's co-signing deadline."""
    _office_only(request)
    form = DeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cosign_deadline_set(actor=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            _refused(form, refusal)
        else:
            closes = timezone.localtime(form.cleaned_data["closes_at"])
            messages.success(
                request,
                f"{form.cleaned_data['session']}的联名截止时间已设为{closes:%Y-%m-%d %H:%M}。",
            )
            return redirect("drafts:review")
    return render(
        request, "drafts/deadline.html", {"form": form}, status=400 if form.errors else 200
    )
