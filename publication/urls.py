from django.urls import path

from publication import views

app_name = "public"

urlpatterns = [
    # Open to anyone (security.sessions lets /public/ through).
    path("public/", views.public_list, name="list"),
    path("public/<str:public_id>/", views.public_detail, name="detail"),
    # Anything else under /public/ answers with the public 404, not the staff one.
    path("public/<path:rest>", views.public_not_found),
    # The office's pages, behind the login like every other.
    path("disclosure/", views.office_list, name="office_list"),
    path("disclosure/publish/", views.office_bulk_publish, name="office_bulk_publish"),
    path("disclosure/reply/<int:reply_pk>/", views.office_decide, name="office_decide"),
]
