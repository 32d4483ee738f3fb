from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from departments import roles
from drafts.selectors import drafts_visible_to
from notices.calendar import feed_for
from notices.forms import PreferenceForm
from notices.models import CalendarFeed
from notices.models import NoticePreference
from notices.models import Notification
from notices.models import new_token
from suggestions.selectors import suggestions_visible_to

PAGE_SIZE = 20


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


def notification_list(request):
    """The user's notices, newest first, paginated."""
    notices = (
        Notification.objects.filter(recipient=request.user)
        .select_related("suggestion", "draft")
        .order_by("-created_at", "-id")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


def notification_open(request, pk: int):
    """Mark read and go to the item, if the user may still read it (the read gate): a
    handler whose department no longer holds the item gets a 404 like anyone else."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    if notice.draft_id is not None:
        return _open_draft(request, notice.draft_id)
    if notice.download_id is not None:
        return redirect("downloads:detail", pk=notice.download_id)
    if not suggestions_visible_to(request.user).filter(pk=notice.suggestion_id).exists():
        raise Http404("该建议已不在您的办理范围内。")
    if roles.is_deputy(request.user):
        return redirect("deputies:detail", pk=notice.suggestion_id)
    return redirect("suggestions:detail", pk=notice.suggestion_id)


def _open_draft(request, draft_id: int):
    """A deputy's draft: the deputy's page of it, or the office's review page."""
    if not drafts_visible_to(request.user).filter(pk=draft_id).exists():
        raise Http404("该草稿已不在您的查看范围内。")
    if roles.is_deputy(request.user):
        return redirect("drafts:detail", pk=draft_id)
    return redirect("drafts:review_detail", pk=draft_id)


@require_POST
def notification_read(request, pk: int):
    Notification.objects.filter(pk=pk, recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect(_back(request))


@require_POST
def notification_read_all(request):
    done = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"已将{done}条提醒标为已读。")
    return redirect("notices:list")


def _back(request) -> str:
    page = request.POST.get("page", "")
    url = reverse("notices:list")
    return f"{url}?page={page}" if page.isdigit() else url


def preferences(request):
    """The channels the user chose besides the in-app notice."""
    pref, _ = NoticePreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=pref, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "提醒方式已保存。")
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})
