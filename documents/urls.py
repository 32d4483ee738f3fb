from django.urls import path
from django.urls import re_path

from documents import views

app_name = "documents"

KIND = "(?P<kind>assignment-notice|reminder-notice|reply-cover)"
FORMAT = r"\.(?P<fmt>docx|pdf)"

urlpatterns = [
    re_path(
        rf"^suggestions/(?P<pk>[0-9]+)/documents/{KIND}{FORMAT}$",
        views.document,
        name="document",
    ),
    path("documents/batch/", views.batch, name="batch"),
    path("documents/day/", views.day, name="day"),
    re_path(rf"^documents/day/assignment-notices{FORMAT}$", views.day_file, name="day_file"),
]
