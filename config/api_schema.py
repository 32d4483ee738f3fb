"""OpenAPI generation: every operation documents the error answers it can give."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="中文错误说明")
    code = serializers.CharField(
        required=False, help_text="错误类别，如 state、permission、conflict"
    )


class FieldErrorsSerializer(serializers.Serializer):
    """Field errors: each field name maps to its Chinese messages (or `detail`)."""

    detail = serializers.CharField(required=False)


ERROR_RESPONSES = {
    "400": OpenApiResponse(FieldErrorsSerializer, description="输入有误，或当前状态不允许该操作"),
    "401": OpenApiResponse(ErrorSerializer, description="未登录、令牌无效或已过期"),
    "403": OpenApiResponse(ErrorSerializer, description="无权执行该操作"),
    "404": OpenApiResponse(ErrorSerializer, description="不存在，或无权查看"),
    "409": OpenApiResponse(ErrorSerializer, description="冲突：他人已修改，或数据正被使用"),
    "429": OpenApiResponse(ErrorSerializer, description="请求过于频繁"),
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in ERROR_RESPONSES.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
