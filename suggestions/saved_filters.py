"""我的筛选: a user names the list's current conditions and finds them again in one click.

Only the list's own parameters are kept (never the page, never anything else a URL may
carry), so a saved filter replays exactly what the user saw, through the read gate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.http import Http404
from django.http import HttpResponseRedirect
from django.http import QueryDict
from django.urls import reverse
from django.views.decorators.http import require_POST

from suggestions.bounds import check_text
from suggestions.filters import SuggestionFilter
from suggestions.models import SavedFilter

MAX_PER_USER = 20
NAME_MAX = 30


def clean_query(raw: str) -> str:
    """The list parameters of `raw`, in the list's own order; nothing else."""
    given = QueryDict(raw[:2000])
    kept = QueryDict(mutable=True)
    for name in SuggestionFilter.base_filters:
        values = [v for v in given.getlist(name) if v]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


@transaction.atomic
def saved_filter_save(*, user, name: str, query: str) -> SavedFilter:
    name = (name or "").strip()
    if not name:
        raise ValidationError("请为筛选起一个名称。", code="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"名称不能超过{NAME_MAX}个字。", code="name")
    check_text(title=name)
    query = clean_query(query)
    if not query:
        raise ValidationError("当前没有任何筛选条件，无需保存。", code="query")
    if SavedFilter.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ValidationError(f"最多保存{MAX_PER_USER}个筛选，请先删除不用的。", code="limit")
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(user=user, name=name, query=query)
    except IntegrityError:
        raise ValidationError(f"已有名为“{name}”的筛选，请换一个名称。", code="name") from None


def _list_url(query: str) -> str:
    url = reverse("suggestions:list")
    return f"{url}?{query}" if query else url


@require_POST
def save(request):
    query = request.POST.get("query", "")
    try:
        saved = saved_filter_save(user=request.user, name=request.POST.get("name", ""), query=query)
    except ValidationError as refusal:
        messages.error(request, f"未保存：{refusal.messages[0]}")
        return HttpResponseRedirect(_list_url(clean_query(query)))
    messages.success(request, f"已保存为“{saved.name}”，可在“我的筛选”中一键打开。")
    return HttpResponseRedirect(_list_url(saved.query))


@require_POST
def delete(request, pk: int):
    deleted, _ = SavedFilter.objects.filter(pk=pk, user=request.user).delete()
    if not deleted:
        raise Http404("没有这个筛选。")
    messages.success(request, "已删除该筛选。")
    return HttpResponseRedirect(_list_url(clean_query(request.POST.get("query", ""))))
