from django.urls import path

from security import account_views
from security import admin_views
from security import audit_views
from security import sessions

app_name = "security"

urlpatterns = [
    path("accounts/otp/", account_views.otp_verify, name="otp"),
    path("accounts/otp/setup/", account_views.otp_setup, name="otp_setup"),
    path("accounts/keepalive/", sessions.keepalive, name="keepalive"),
    path("accounts/tokens/", account_views.token_list, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("security/users/", admin_views.user_list, name="users"),
    path("security/users/<int:pk>/", admin_views.user_detail, name="user"),
    path(
        "security/users/<int:pk>/password-reset/",
        admin_views.user_password_reset,
        name="password_reset",
    ),
    path("security/users/<int:pk>/mfa-reset/", admin_views.user_mfa_reset, name="mfa_reset"),
    path("security/locks/", admin_views.lock_list, name="locks"),
    path("security/locks/<int:pk>/release/", admin_views.lock_release, name="lock_release"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
]
