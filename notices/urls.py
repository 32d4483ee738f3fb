from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("accounts/calendar/", views.calendar_page, name="calendar"),
    path("accounts/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
