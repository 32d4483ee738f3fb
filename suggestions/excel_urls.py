"""Excel import and export. Included from config/urls.py with
`path("", include("suggestions.excel_urls"))`."""

from django.urls import path

from suggestions import excel_views

app_name = "excel"

urlpatterns = [
    path("suggestions/import/", excel_views.import_upload, name="import"),
    path("suggestions/import/template/", excel_views.import_template, name="import_template"),
    path("suggestions/import/confirm/", excel_views.import_confirm, name="import_confirm"),
    path("suggestions/export.xlsx", excel_views.export_xlsx, name="export"),
]
