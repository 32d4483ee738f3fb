from django.urls import path

from deputies import views

app_name = "deputies"

urlpatterns = [
    path("deputy/", views.home, name="home"),
    path("deputy/<int:pk>/", views.detail, name="detail"),
    path("deputy/<int:pk>/replies/<int:reply_pk>/rate/", views.rate, name="rate"),
    path("deputy/<int:pk>/replies/<int:reply_pk>/letter/", views.letter, name="letter"),
    path("deputy-accounts/", views.accounts, name="accounts"),
]
