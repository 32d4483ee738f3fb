from django.contrib import admin

from config.admin import ReadOnlyAdmin
from reports.models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    """Issued reports are a record of what was sent: readable, never edited."""

    list_display = ["title", "as_of", "kind", "issued_by", "issued_at"]
    list_filter = ["year", "kind"]
    search_fields = ["title"]
    list_select_related = ["issued_by"]
