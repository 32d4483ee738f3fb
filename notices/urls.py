from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("accounts/calendar/", views.calendar_page, name="calendar"),
    path("accounts/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/read-all/", views.notification_read_all, name="read_all"),
    path("accounts/notices/", views.preferences, name="preferences"),
]
