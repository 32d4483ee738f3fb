from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include
from django.urls import path

from config.api import api_urls
from config.health import healthz
from security import account_views as security_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        security_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("security.urls")),
    path("", include("notices.urls")),
    path("", include("downloads.urls")),
    path("api/v1/", include((api_urls(), "api"), namespace="api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("publication.urls")),
    path("", include("reports.urls")),
    path("supervision/", include("supervision.urls")),
    path("", include("suggestions.excel_urls")),
    path("", include("documents.urls")),
    path("", include("deputies.urls")),
    path("", include("drafts.urls")),
    path("", include("suggestions.urls")),
]

admin.site.site_header = "代表建议办理系统 · 管理后台"
admin.site.site_title = "代表建议办理系统"
admin.site.index_title = "系统管理"
