from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from notices.calendar import feed_for
from notices.models import CalendarFeed
from notices.models import new_token


def calendar_page(request):
    """The user's subscription URL, and a button that replaces it."""
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    url = request.build_absolute_uri(reverse("notices:feed", args=[feed.token]))
    return render(request, "notices/calendar.html", {"url": url})


@require_POST
def calendar_renew(request):
    CalendarFeed.objects.update_or_create(user=request.user, defaults={"token": new_token()})
    messages.success(request, "已生成新的订阅地址，原地址已失效。")
    return redirect("notices:calendar")


@login_not_required
def calendar_feed(request, token: str):
    """Read by calendar programs, which cannot log in: the long secret is the key."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__department")
        .filter(token=token[:64], user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("订阅地址无效或已更换。")
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        feed_for(feed.user, base_url=base_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response["Cache-Control"] = "no-store, private"  # personal: never kept by a proxy
    return response
