"""/api/v1/suggestions/: reads through the visibility selector and the list's FilterSet;
every write through the same action entries (and so the same services) as the pages."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.parsers import JSONParser
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from config.api_schema import ErrorSerializer
from departments import roles
from departments.roles import IsRoleUserOrDeputy
from similar.api import QUERY_MAX
from similar.api import SimilarSerializer
from similar.api import item_id
from similar.api import similar_payload
from similar.search import similar_to
from suggestions import phones
from suggestions import refusals
from suggestions import services
from suggestions.actions import ACTIONS
from suggestions.api.paging import SeekPagination
from suggestions.api.serializers import ACTION_SERIALIZERS
from suggestions.api.serializers import SuggestionDetailSerializer
from suggestions.api.serializers import SuggestionListSerializer
from suggestions.api.serializers import SuggestionUpdateSerializer
from suggestions.api.serializers import SuggestionWriteSerializer
from suggestions.filters import SuggestionFilter
from suggestions.filters import list_keys
from suggestions.models import Suggestion
from suggestions.selectors import suggestion_get
from suggestions.selectors import suggestion_list

ASCII_ID = re.compile(r"[0-9]{1,18}")


class DeputyPhoneSerializer(serializers.Serializer):
    deputy = serializers.CharField()
    phone = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(description="输入有误或当前状态不允许该操作"),
    403: OpenApiResponse(ErrorSerializer, description="无权执行该操作"),
    404: OpenApiResponse(ErrorSerializer, description="建议不存在或无权查看"),
    409: OpenApiResponse(ErrorSerializer, description="版本冲突：他人已修改该建议"),
}


@extend_schema_view(
    list=extend_schema(summary="建议列表（与网页列表相同的筛选条件）"),
    retrieve=extend_schema(
        summary="建议详情（含交办、答复、反馈、跟踪和办理记录）",
        responses={200: SuggestionDetailSerializer, 404: ERRORS[404]},
    ),
)
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsRoleUserOrDeputy]
    filterset_class = SuggestionFilter
    serializer_class = SuggestionListSerializer
    queryset = Suggestion.objects.none()  # for the schema; get_queryset decides per user
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    pagination_class = SeekPagination

    def get_queryset(self):
        # The page orders the rows by `list_keys()` (a unique order, so pages never
        # overlap or skip).
        return suggestion_list(self.request.user)

    def filter_queryset(self, queryset):
        # DjangoFilterBackend's own steps, keeping the validated sort for the pages.
        backend = DjangoFilterBackend()
        filterset = backend.get_filterset(self.request, queryset, self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        self.sort = filterset.form.cleaned_data.get("o")
        return filterset.qs

    def list_keys(self):
        return list_keys(self.request.query_params, getattr(self, "sort", None))

    def get_serializer_class(self):
        return SuggestionListSerializer if self.action == "list" else SuggestionDetailSerializer

    def get_object(self) -> Suggestion:
        pk = _int_or_none(self.kwargs["pk"]) if ASCII_ID.fullmatch(str(self.kwargs["pk"])) else None
        suggestion = suggestion_get(self.request.user, pk) if pk is not None else None
        if suggestion is None:
            refusals.record_hidden_item(self.request, pk)
            raise NotFound("未找到该建议，或您无权查看。")
        return suggestion

    def _detail(self, suggestion: Suggestion, code=status.HTTP_200_OK) -> Response:
        fresh = suggestion_get(self.request.user, suggestion.pk)
        return Response(SuggestionDetailSerializer(fresh).data, status=code)

    @extend_schema(
        summary="登记建议（区政府办公室）",
        request=SuggestionWriteSerializer,
        responses={201: SuggestionDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request):
        if not roles.may_register(request.user):
            raise PermissionDenied(roles.REGISTER_REFUSED)
        serializer = SuggestionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        suggestion = services.suggestion_create(actor=request.user, **data)
        return self._detail(suggestion, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改建议（区政府办公室，须提供版本号）",
        request=SuggestionUpdateSerializer,
        responses={200: SuggestionDetailSerializer, **ERRORS},
    )
    def update(self, request, pk=None):
        suggestion = self.get_object()
        services.ACTION_CHECKS["update"](
            services.ItemState.load(suggestion, today=timezone.localdate()), request.user
        )
        serializer = SuggestionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ACTIONS["update"].perform(
            suggestion=suggestion, actor=request.user, data=serializer.validated_data, state=None
        )
        return self._detail(suggestion)

    @extend_schema(
        summary="查看领衔代表完整电话（区政府办公室、承办单位；记入安全审计日志）",
        request=None,
        responses={200: DeputyPhoneSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], url_path="deputy-phone")
    def deputy_phone(self, request, pk=None):
        suggestion = self.get_object()
        phone = phones.lead_deputy_phone_reveal(
            suggestion=suggestion, actor=request.user, request=request
        )
        return Response({"deputy": suggestion.lead_deputy.name, "phone": phone})

    @extend_schema(
        summary="相似建议：本年度和前三年最相似的10件，及建议的主办单位（中文分词）",
        parameters=[
            OpenApiParameter("q", str, description="标题和内容（至多2000字）", required=True),
            OpenApiParameter("exclude", int, description="不列出的建议id（如正在编辑的这件）"),
        ],
        responses={200: SimilarSerializer},
    )
    @action(detail=False, methods=["get"], url_path="similar")
    def similar(self, request):
        text = request.query_params.get("q", "")[:QUERY_MAX]
        exclude = item_id(request.query_params.get("exclude"))
        found = similar_to(request.user, title=text, exclude=exclude)
        return Response(similar_payload(found))

    def act(self, request, name: str) -> Response:
        suggestion = self.get_object()
        state = services.ItemState.load(suggestion, today=timezone.localdate())
        if not isinstance(request.data, Mapping):
            raise ValidationError({"detail": "请求体应为 JSON 对象或表单。"})
        sent_version = _int_or_none(request.data.get("version"))
        try:
            # The same check the page uses to show the button; refusals carry their code.
            services.ACTION_CHECKS[name](state, request.user)
        except DjangoValidationError as refusal:
            stale = sent_version is not None and sent_version != suggestion.version
            if refusal.code != "permission" and stale:
                # The item moved on since the client read it: say so rather than why the
                # action no longer fits the new state.
                raise services.version_conflict(suggestion, sent_version) from refusal
            raise
        serializer = ACTION_SERIALIZERS[name](data=request.data)
        serializer.is_valid(raise_exception=True)
        ACTIONS[name].perform(
            suggestion=suggestion,
            actor=request.user,
            data=serializer.validated_data,
            state=state,
        )
        return self._detail(suggestion)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _action_endpoint(name: str):
    serializer = ACTION_SERIALIZERS[name]
    # Multipart where the API's serializer takes a file (a reply's letter), JSON otherwise
    # (the page's follow-up form takes evidence files; the API's does not).
    multipart = any(isinstance(f, serializers.FileField) for f in serializer().fields.values())

    def endpoint(self, request, pk=None):
        return self.act(request, name)

    endpoint.__name__ = name
    endpoint.__doc__ = f"{ACTIONS[name].label}。"
    endpoint = action(
        detail=True,
        methods=["post"],
        url_path=name.replace("_", "-"),
        url_name=name.replace("_", "-"),
        serializer_class=serializer,
        parser_classes=[MultiPartParser, FormParser] if multipart else [JSONParser, FormParser],
    )(endpoint)
    return extend_schema(
        summary=ACTIONS[name].label,
        request={"multipart/form-data": serializer} if multipart else serializer,
        responses={200: SuggestionDetailSerializer, **ERRORS},
    )(endpoint)


for _name in ACTION_SERIALIZERS:
    setattr(SuggestionViewSet, _name, _action_endpoint(_name))
