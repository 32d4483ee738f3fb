from django.urls import path

from similar import views as similar_views
from suggestions import pickers
from suggestions import saved_filters
from suggestions import views

app_name = "suggestions"

urlpatterns = [
    path("", views.home, name="home"),
    path("workspace/", views.workspace, name="workspace"),
    path("suggestions/", views.suggestion_list_view, name="list"),
    path("suggestions/new/", views.suggestion_create, name="create"),
    path("suggestions/bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("suggestions/bulk-assign/form/", views.bulk_assign_form, name="bulk_assign_form"),
    path("suggestions/pick/<slug:source>/", pickers.picker_options, name="picker"),
    path("suggestions/similar/", similar_views.panel, name="similar"),
    path("suggestions/filters/save/", saved_filters.save, name="filter_save"),
    path("suggestions/filters/<int:pk>/delete/", saved_filters.delete, name="filter_delete"),
    path("suggestions/<int:pk>/", views.detail, name="detail"),
    path("suggestions/<int:pk>/deputy-phone/", views.deputy_phone, name="deputy_phone"),
    path("suggestions/<int:pk>/do/<slug:name>/", views.action_view, name="action"),
    path(
        "suggestions/<int:pk>/replies/<int:reply_pk>/letter/",
        views.reply_letter,
        name="reply_letter",
    ),
    path(
        "suggestions/<int:pk>/replies/<int:reply_pk>/letter/preview/",
        views.reply_letter_preview,
        name="reply_letter_preview",
    ),
    path(
        "suggestions/<int:pk>/evidence/<int:evidence_pk>/",
        views.follow_up_evidence,
        name="evidence",
    ),
    path(
        "suggestions/<int:pk>/evidence/<int:evidence_pk>/preview/",
        views.follow_up_evidence_preview,
        name="evidence_preview",
    ),
]
