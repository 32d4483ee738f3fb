from django.contrib import admin

from reports.models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(admin.ModelAdmin):
    """Issued reports are a record of what was sent: readable, never edited."""

    list_display = ["title", "as_of", "kind", "issued_by", "issued_at"]
    list_filter = ["year", "kind"]
    search_fields = ["title"]
    list_select_related = ["issued_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
