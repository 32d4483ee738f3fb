"""The similar-suggestion panel: an htmx fragment the registration form, the import
preview and the deputy's draft ask for as the title and content are typed."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from departments import roles
from similar.api import QUERY_MAX
from similar.api import item_id
from similar.search import similar_to


@require_GET
def panel(request):
    if not (roles.has_role(request.user) or roles.is_deputy(request.user)):
        raise Http404("页面不存在。")
    title = request.GET.get("title", "")[:200]
    content = request.GET.get("content", "")[:QUERY_MAX]
    exclude = item_id(request.GET.get("exclude"))
    found = similar_to(request.user, title=title, content=content, exclude=exclude)
    context = {"found": found, "asked": bool(title.strip() or content.strip())}
    return render(request, "similar/_panel.html", context)
