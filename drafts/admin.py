from django.contrib import admin

from config.admin import ReadOnlyAdmin
from config.admin import ReadOnlyInline
from drafts.models import CosignDeadline
from drafts.models import Draft
from drafts.models import DraftEvent
from drafts.models import Invitation


class InvitationInline(ReadOnlyInline):
    model = Invitation
    fields = readonly_fields = ["deputy", "status", "invited_at", "answered_at"]


class EventInline(ReadOnlyInline):
    model = DraftEvent
    fields = readonly_fields = ["action", "actor", "occurred_at", "note"]


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    """Drafts change only through the drafting services."""

    list_display = ["id", "title", "lead_deputy", "status", "submitted_at", "suggestion"]
    list_filter = ["status", "source"]
    search_fields = ["title", "lead_deputy__name"]
    inlines = [InvitationInline, EventInline]


@admin.register(CosignDeadline)
class CosignDeadlineAdmin(admin.ModelAdmin):
    list_display = ["session", "closes_at", "set_by", "set_at"]
    readonly_fields = ["set_by", "set_at"]

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)
