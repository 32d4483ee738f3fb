"""Admin: reference tables are edited here; suggestions are visible but change only through
the services (the browser workspace), so there is no list_editable and no inline editing."""

import datetime as dt

from django.contrib import admin
from django.contrib import messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from config.admin import ReadOnlyAdmin
from config.admin import ReadOnlyInline
from config.gongwen import cn_date
from suggestions.deadlines import calendar_range
from suggestions.models import Assignment
from suggestions.models import CalendarDay
from suggestions.models import DeadlinePolicy
from suggestions.models import Event
from suggestions.models import ExportLog
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import FollowUpEvidence
from suggestions.models import HandlingPolicy
from suggestions.models import Reply
from suggestions.models import Suggestion


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = [
        "department",
        "role",
        "assigned_on",
        "reply_due_on",
        "extended_due_on",
        "acknowledged_at",
        "opinion_on",
        "is_active",
    ]


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ["round", "department", "outcome", "replied_on", "contact_person"]


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ["satisfaction", "received_on", "comment"]


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["kind", "happened_on", "department", "findings", "consistent_with_reply"]


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["occurred_at", "action", "actor", "department", "from_status", "to_status", "note"]


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "title",
        "kind",
        "source",
        "lead_deputy",
        "status",
        "outcome",
        "due_on",
        "key_supervision",
    ]
    list_filter = ["year", "kind", "source", "status", "outcome", "key_supervision", "topic"]
    search_fields = ["title", "content", "lead_deputy__name"]
    list_select_related = ["lead_deputy"]
    date_hierarchy = "received_on"
    show_full_result_count = False  # counting a large table twice per page costs more than it tells
    inlines = [AssignmentInline, ReplyInline, FeedbackInline, FollowUpInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Suggestion._meta.fields] + ["co_signers"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Never hard-deleted, not even by the superuser: an item is voided (作废) with a
        # reason and keeps its timeline (DESIGN §13).
        return False

    @admin.display(description="编号", ordering="number")
    def code(self, obj):
        return obj.code


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_working_day", "name", "source"]
    list_filter = ["is_working_day", "source", ("date", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description="星期")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]

    def save_model(self, request, obj, form, change):
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        _, last = calendar_range()
        horizon = timezone.localdate() + dt.timedelta(days=365)
        if last is None or last < horizon:
            shown = cn_date(last) if last else "（无）"
            messages.warning(
                request,
                f"工作日历仅维护至{shown}。此后的日期只按周一至周五计算工作日，"
                "不含法定节假日和调休，请补录下一年度的节假日安排。",
            )
        return super().changelist_view(request, extra_context)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "reply_months",
        "co_opinion_months",
        "return_window_working_days",
        "rework_months",
        "max_extension_months",
        "due_soon_working_days",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return not DeadlinePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HandlingPolicy)
class HandlingPolicyAdmin(SimpleHistoryAdmin):
    """The two switches of DESIGN §11 (答复审核, 会签); a draft already under way finishes
    the way it started only as far as the switches still ask for it."""

    list_display = ["__str__", "reply_review", "countersign", "updated_at"]

    def has_add_permission(self, request):
        return not HandlingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    """Read-only: each Excel export of the suggestion list, written by the export view."""

    list_display = ["exported_at", "user", "row_count", "query"]
    list_filter = ["exported_at"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "query"]
    date_hierarchy = "exported_at"
    list_select_related = ["user"]


@admin.register(FollowUpEvidence)
class FollowUpEvidenceAdmin(ReadOnlyAdmin):
    """Read-only: the files of follow-up records, stored by `follow_up_record`. The file
    itself is opened from the item's page, through the read gate."""

    list_display = ["name", "follow_up", "suggestion", "content_type", "size", "uploaded_by"]
    list_filter = ["content_type", "uploaded_at"]
    search_fields = ["name", "follow_up__suggestion__title"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["follow_up__suggestion", "uploaded_by"]
    fields = ["follow_up", "name", "content_type", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description="建议")
    def suggestion(self, obj):
        return obj.follow_up.suggestion.code
