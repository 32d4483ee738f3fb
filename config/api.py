"""The REST API's entry: the token endpoint, the schema and docs, and the router.

The API is a second door into the same services and the same visibility selector."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import include
from django.urls import path
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import exceptions
from rest_framework import permissions
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_auth import token_issue


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class TokenView(APIView):
    """POST username and password, get an expiring token. Rate-limited against guessing."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
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
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise exceptions.ValidationError({"detail": "用户名或密码错误。"})
        key, token = token_issue(user)
        return Response({"token": key, "expires": token.expires_at})


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
        path("reports/", ReportView.as_view(), name="report"),
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
        path("", include(router.urls)),
    ]
