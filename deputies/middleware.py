"""The fence around a deputy (DESIGN §1, §10): a deputy's account opens its portal, its
own account pages and notices, and the suggestions API (which answers through the read
gate); every other page — the office's, the handlers', the reports, the admin, the
security pages — is a 404 to it, as if it did not exist, and the attempt is audited."""

from __future__ import annotations

from django.http import Http404

from departments import roles
from security import audit

DEPUTY_OPEN = (
    "/deputy/",
    "/accounts/",
    "/notifications/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/favicon.ico",
    "/api/v1/auth/",
    "/api/v1/suggestions/",
)


class DeputyFenceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path != "/" and not path.startswith(DEPUTY_OPEN) and _deputy(request):
            audit.record(
                audit.Kind.PERMISSION_REFUSED,
                request=request,
                outcome=audit.Outcome.REFUSED,
                detail=f"代表账号访问非代表页面：{request.method} {request.get_full_path()[:800]}",
            )
            raise Http404("页面不存在。")
        return self.get_response(request)


def _deputy(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and roles.is_deputy(user)
