from django.urls import path

from downloads import views

app_name = "downloads"

urlpatterns = [
    path("downloads/", views.download_list, name="list"),
    path("downloads/<int:pk>/", views.download_detail, name="detail"),
    path("downloads/<int:pk>/file/", views.download_file, name="file"),
]
