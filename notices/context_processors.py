from notices.models import Notification


def unread_notifications(request) -> dict:
    """The bell's count for logged-in users: one COUNT query, run only when a page shows
    the bell (a callable, which the template calls; HTMX partials never do)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()

    return {"unread_notifications": count}
