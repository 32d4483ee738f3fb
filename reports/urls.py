from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.report_page, name="report"),
    path("reports/download/<slug:fmt>/", views.report_download, name="download"),
    path("reports/issue/", views.report_issue_view, name="issue"),
    path("reports/issued/<int:pk>/", views.issued_detail, name="issued"),
    path(
        "reports/issued/<int:pk>/download/<slug:fmt>/",
        views.issued_download,
        name="issued_download",
    ),
]
