"""/api/v1/departments|deputies|sessions: every role reads, admins write."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework import viewsets

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from departments.roles import ReadAllWriteAdmin


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "contact_person",
            "contact_phone",
            "is_active",
            "sort_order",
        ]


class DeputySerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name", "level", "delegation", "workplace", "phone", "is_active"]

    def to_representation(self, deputy):
        # Masked for everyone: the full number is read one item at a time, audited
        # (GET /api/v1/suggestions/{id}/deputy-phone/, DESIGN §13).
        data = super().to_representation(deputy)
        data["phone"] = deputy.masked_phone
        return data


class CongressSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CongressSession
        fields = ["id", "name", "year", "starts_on", "ends_on"]

    def validate(self, attrs):
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": "闭幕日期不能早于开幕日期。"})
        return attrs


class ReferenceViewSet(viewsets.ModelViewSet):
    """Reference data: every role reads, admins write."""

    permission_classes = [ReadAllWriteAdmin]


@extend_schema_view(list=extend_schema(summary="承办单位列表"))
class DepartmentViewSet(ReferenceViewSet):
    queryset = Department.objects.order_by("sort_order", "name", "id")
    serializer_class = DepartmentSerializer
    filterset_fields = ["kind", "is_active"]


@extend_schema_view(list=extend_schema(summary="人大代表列表"))
class DeputyViewSet(ReferenceViewSet):
    queryset = Deputy.objects.order_by("name", "id")
    serializer_class = DeputySerializer
    filterset_fields = ["level", "is_active"]


@extend_schema_view(list=extend_schema(summary="人代会会议列表"))
class CongressSessionViewSet(ReferenceViewSet):
    queryset = CongressSession.objects.order_by("-starts_on", "id")
    serializer_class = CongressSessionSerializer
    filterset_fields = ["year"]
