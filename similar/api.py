"""The similar-suggestion answer of `GET /api/v1/suggestions/similar/` (served by the
suggestions API's view set, read here)."""

from __future__ import annotations

import re

from rest_framework import serializers

from similar.search import Similar

QUERY_MAX = 2000
ITEM_ID = re.compile(r"[0-9]{1,18}")


def item_id(raw: str | None) -> int | None:
    """An item's id from a query parameter, or None (never an overflowing number)."""
    return int(raw) if raw and ITEM_ID.fullmatch(raw) else None


class SimilarDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SimilarItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    department = serializers.CharField(allow_null=True, help_text="现主办单位，未交办为空")
    outcome = serializers.CharField(allow_blank=True, help_text="办理结果，尚未答复为空")
    score = serializers.FloatField(help_text="相似度，0–1")


class SimilarSerializer(serializers.Serializer):
    results = SimilarItemSerializer(many=True)
    suggested_department = SimilarDepartmentSerializer(allow_null=True)


def similar_payload(found: Similar) -> dict:
    proposed = found.suggested_department
    return {
        "results": [
            {
                "id": m.suggestion.pk,
                "code": m.suggestion.code,
                "title": m.suggestion.title,
                "department": m.department.name if m.department else None,
                "outcome": m.suggestion.get_outcome_display() if m.suggestion.outcome else "",
                "score": m.score,
            }
            for m in found.matches
        ],
        "suggested_department": {"id": proposed.pk, "name": proposed.name} if proposed else None,
    }
