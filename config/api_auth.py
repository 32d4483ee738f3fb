"""API authentication, permissions and errors. Kept apart from the API views: DRF loads
these classes from settings while its own views module is still importing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication
from rest_framework import exceptions
from rest_framework import status
from rest_framework.response import Response

from departments.models import ApiToken

LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def token_lifetime() -> dt.timedelta:
    """Read at call time, so a changed setting (or a test's override) takes effect."""
    return dt.timedelta(hours=settings.API_TOKEN_HOURS)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(user) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=_digest(key), expires_at=timezone.now() + token_lifetime()
    )
    return key, token


class ExpiringTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`; refused once expired or when the user is inactive."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确，应为“Token <令牌>”。")
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("令牌格式不正确。") from error
        token = (
            ApiToken.objects.select_related("user", "user__department")
            .filter(key_hash=_digest(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效，请重新获取。")
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取。")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            # Recorded coarsely: a write per request would cost more than it tells.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def api_exception_handler(exc, context):
    """Service refusals become 400 (403 when about who acts), a stale version 409."""
    from rest_framework.views import exception_handler

    # The services' VersionConflict carries code "conflict" (read by code, so config/ does
    # not import the app above it).
    if isinstance(exc, DjangoValidationError) and getattr(exc, "code", None) == "conflict":
        return Response(
            {"detail": exc.messages[0], "code": "conflict"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        code = getattr(exc, "code", None) or "invalid"
        status_code = (
            status.HTTP_403_FORBIDDEN if code == "permission" else status.HTTP_400_BAD_REQUEST
        )
        if hasattr(exc, "error_dict"):
            body = {
                field: [str(m) for m in errors[0].messages]
                for field, errors in exc.error_dict.items()
            }
            return Response(body, status=status_code)
        return Response({"detail": exc.messages[0], "code": code}, status=status_code)
    if isinstance(exc, ProtectedError):
        return Response(
            {
                "detail": "该记录已被其他记录引用（如建议、交办），不能删除；可改为停用。",
                "code": "protected",
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError("请求体不是有效的 JSON 或表单数据。")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该资源，或您无权查看。")
    return exception_handler(exc, context)


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI schema."""

    target_class = "config.api_auth.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <令牌>`，令牌由 `POST /api/v1/auth/token/` 取得，到期后须重新获取。"
            ),
        }
