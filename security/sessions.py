"""The gate every browser request passes after authentication (DESIGN §13):

- a session ends after SESSION_IDLE_SECONDS without a request and SESSION_MAX_HOURS after
  login, whatever happens (the page warns before, static/js/app.js);
- with MFA_REQUIRED, nothing but the second-factor pages opens until the login is verified;
- an expired or one-time password must be changed before anything else;
- every 403 answered to a logged-in user is written to the audit log.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from security import audit
from security.passwords import password_expired

LOGIN_AT = "security_login_at"
SEEN_AT = "security_seen_at"
# What opens before the second factor, and before a required password change (prefixes).
ALWAYS_OPEN = (
    "/static/",
    "/i18n/",
    "/healthz",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/keepalive/",
    # 办理结果公开 (DESIGN §10): the public reads it without login, so a half-finished
    # login (second factor, password change) does not stand in the way either.
    "/public/",
)
BEFORE_SECOND_FACTOR = (*ALWAYS_OPEN, "/accounts/otp/")
BEFORE_PASSWORD_CHANGE = (*ALWAYS_OPEN, "/accounts/password/")


SEEN_GRANULARITY = 30
HAS_DEVICE = "security_has_device"


def start_session_clock(request, user) -> None:
    """At login: the session's clocks, and whether this user has a second factor (a user
    who enrolled is asked for it even where MFA_REQUIRED is off)."""
    from django_otp import user_has_device

    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[HAS_DEVICE] = user_has_device(user)


def needs_second_factor(request) -> bool:
    return settings.MFA_REQUIRED or bool(request.session.get(HAS_DEVICE))


def _session_ended(request) -> str:
    """Why the session must end now ('' if it need not)."""
    now = int(time.time())
    seen = request.session.get(SEEN_AT)
    login_at = request.session.get(LOGIN_AT)
    if seen is None or login_at is None:
        return ""
    if now - seen > settings.SESSION_IDLE_SECONDS:
        return f"超过{settings.SESSION_IDLE_SECONDS // 60}分钟未操作，已自动退出，请重新登录。"
    if now - login_at > settings.SESSION_MAX_HOURS * 3600:
        return f"登录已超过{settings.SESSION_MAX_HOURS}小时，请重新登录。"
    return ""


def _to(request, name: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def _refuse(request, message: str, name: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "not_authenticated"}, status=401)
    return _to(request, name)


def _gate(request):
    """A response that stops the request, or None to let it through."""
    user = request.user
    if not user.is_authenticated or "_auth_user_id" not in request.session:
        return None
    reason = _session_ended(request)
    if reason:
        audit.record(audit.Kind.SESSION_EXPIRED, request=request, obj=user, detail=reason)
        logout(request)
        messages.warning(request, reason)
        return _refuse(request, reason, "login")
    now = int(time.time())
    if now - request.session[SEEN_AT] >= SEEN_GRANULARITY:
        # Recorded coarsely: a session write on every request would cost more than it tells.
        request.session[SEEN_AT] = now
    path = request.path
    if needs_second_factor(request) and not user.is_verified():
        if path.startswith(BEFORE_SECOND_FACTOR):
            return None
        return _refuse(request, "请先完成双因素认证。", "security:otp")
    if password_expired(user) and not path.startswith(BEFORE_PASSWORD_CHANGE):
        return _refuse(request, "密码已过期或为初始密码，请先修改密码。", "password_change")
    return None


class SecurityGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stop = _gate(request)
        if stop is not None:
            return stop
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            audit.record(
                audit.Kind.PERMISSION_REFUSED,
                request=request,
                user=user if user is not None and user.is_authenticated else None,
                obj=request.path[:300],
                outcome=audit.Outcome.REFUSED,
                detail=f"{request.method} {request.get_full_path()[:900]}",
            )
        return response


@login_not_required
@require_POST
def keepalive(request):
    """The page's "继续工作" button: a request that keeps the session alive."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "会话已结束，请重新登录。"}, status=401)
    return JsonResponse({"idle_seconds": settings.SESSION_IDLE_SECONDS})
