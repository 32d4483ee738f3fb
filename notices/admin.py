from django.contrib import admin
from django.utils import timezone

from notices.models import Delivery
from notices.models import DepartmentContact
from notices.models import NoticePreference
from notices.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "suggestion", "due_on", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["text", "recipient__username", "suggestion__code"]
    raw_id_fields = ["recipient", "suggestion", "draft"]
    readonly_fields = ["batch", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Failures stay visible here: the status, the attempts, the last error."""

    list_display = [
        "created_at",
        "channel",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["address", "last_error"]
    raw_id_fields = ["notification"]
    actions = ["retry_now"]

    @admin.action(description="立即重试所选发送")
    def retry_now(self, request, queryset):
        from notices.services import _enqueue_drain

        count = queryset.exclude(status=Delivery.Status.SENT).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
        )
        _enqueue_drain()
        self.message_user(request, f"已安排重试{count}条。")


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "by_email", "by_sms"]
    raw_id_fields = ["user"]


@admin.register(DepartmentContact)
class DepartmentContactAdmin(admin.ModelAdmin):
    list_display = ["department", "name", "email", "mobile", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "email", "mobile"]
