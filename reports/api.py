"""/api/v1/reports/: the report of DESIGN §7 for a scope and date."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.db import replica_reads
from departments.roles import CanReadReports
from departments.roles import IsRoleUser
from reports.forms import ReportScopeForm
from reports.renderers import report_to_dict
from reports.selectors import report_get


class ReportView(APIView):
    permission_classes = [IsRoleUser, CanReadReports]

    @extend_schema(
        summary="统计报告（截至某日，或按季度与上季度末比较）",
        parameters=[
            OpenApiParameter("quarter", str, description="季度，如 2023Q3"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="截至日期，默认今天"),
            OpenApiParameter("year", int, description="建议年度，默认截至日期所在年度"),
            OpenApiParameter("kind", str, enum=["suggestion", "community_opinion"]),
            OpenApiParameter("source", str, enum=["session", "recess"]),
            OpenApiParameter("department", int, description="主办单位 id"),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="条件有误")},
    )
    def get(self, request):
        params = request.query_params.copy()
        params.setdefault("kind", "suggestion")
        form = ReportScopeForm(params)
        if not form.is_valid():
            raise ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        with replica_reads():  # after the token and the permissions were read on the primary
            data = report_to_dict(report_get(**form.report_args()))
        return Response(data)
