"""The REST API's entry: the token endpoint, the schema and docs, and the router.

The API is a second door into the same services and the same visibility selector."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.urls import include
from django.urls import path
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework import permissions
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from config.api_auth import ExpiringTokenAuthentication
from config.api_auth import token_issue
from config.api_throttles import SharedScopedRateThrottle
from departments.models import ApiToken
from security import audit
from security import mfa
from security.passwords import password_expired


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=128
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="动态口令或恢复码：启用双因素认证时必填",
    )


class TokenInfoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "created_at", "expires_at", "last_used_at"]


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class TokenView(APIView):
    """POST username and password, get an expiring token. Rate-limited against guessing."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="用户名或密码错误"),
            429: OpenApiResponse(description="尝试过于频繁"),
        },
        auth=[],
        summary="获取接口令牌",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The same answer for an unknown user, a wrong password and a locked account.
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise exceptions.ValidationError({"detail": "用户名或密码错误。"})
        refusal = second_factor_refusal(request, user, data.get("otp", ""))
        if refusal:
            raise exceptions.ValidationError({"otp": [refusal]})
        if password_expired(user):
            raise exceptions.ValidationError(
                {"detail": "密码已过期或为初始密码，请先在网页上修改密码，再获取接口令牌。"}
            )
        key, token = token_issue(user)
        audit.record(audit.Kind.TOKEN_ISSUE, request=request, user=user, obj=f"令牌#{token.pk}")
        return Response({"token": key, "expires": token.expires_at})

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="已吊销本次请求所用的令牌")},
        summary="吊销当前令牌",
    )
    def delete(self, request):
        """Revoke the token this request was made with (sign out of the API)."""
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated("请使用令牌（Authorization: Token <令牌>）调用。")
        token.delete()
        audit.record(audit.Kind.TOKEN_REVOKE, request=request, obj=f"令牌#{token.pk}")
        return Response(status=204)

    def get_authenticators(self):
        # POST takes a password, not a token; DELETE is made with the token it revokes.
        if self.request is not None and self.request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    def get_permissions(self):
        if self.request is not None and self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]


def second_factor_refusal(request, user, otp: str) -> str:
    """With MFA_REQUIRED (or a user who enrolled), the token needs a valid `otp`."""
    enrolled = mfa.has_device(user)
    if not (settings.MFA_REQUIRED or enrolled):
        return ""
    if not enrolled:
        return "该账号须先在网页上绑定双因素认证，然后才能获取接口令牌。"
    if mfa.check_code(request, user, otp) is None:
        return "请填写正确的动态口令（otp）。"
    return ""


class TokenListView(APIView):
    """The user's own tokens: when issued, when they expire, when last used."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=TokenInfoSerializer(many=True), summary="我的接口令牌")
    def get(self, request):
        tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
        return Response(TokenInfoSerializer(tokens, many=True).data)


def api_urls():
    from departments.api import CongressSessionViewSet
    from departments.api import DepartmentViewSet
    from departments.api import DeputyViewSet
    from reports.api import ReportView
    from suggestions.api.views import SuggestionViewSet

    router = DefaultRouter()
    router.register("suggestions", SuggestionViewSet, basename="suggestion")
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("deputies", DeputyViewSet, basename="deputy")
    router.register("sessions", CongressSessionViewSet, basename="session")
    return [
        path("auth/token/", TokenView.as_view(), name="token"),
        path("auth/tokens/", TokenListView.as_view(), name="tokens"),
        path("reports/", ReportView.as_view(), name="report"),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
        path("", include(router.urls)),
    ]
