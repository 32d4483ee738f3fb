"""The API list's pages: the list page's seek pages and total (suggestions/paging.py) in
DRF's page shape, `count`, `next`, `previous`, `results`, with `count_exact` saying
whether `count` is exact or the planner's estimate (`exact=1` asks for the exact one)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param
from rest_framework.utils.urls import replace_query_param

from suggestions import paging


class SeekPagination(BasePagination):
    """Reads the order's keys from the view's `list_keys()`."""

    page_size = settings.REST_FRAMEWORK["PAGE_SIZE"]

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = paging.list_page(
            request.query_params, queryset, view.list_keys(), per_page=self.page_size
        )
        return list(self.page)

    def _url(self, cursor: str | None) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        if cursor is None:
            return remove_query_param(url, "cursor")
        return replace_query_param(url, "cursor", cursor)

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            {
                "count": page.total.value,
                "count_exact": page.total.exact,
                "next": self._url(page.next_cursor()) if page.has_next else None,
                "previous": self._url(page.previous_cursor()) if page.has_previous else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_exact", "results"],
            "properties": {
                "count": {"type": "integer", "description": "总数（count_exact 为假时为估计值）"},
                "count_exact": {"type": "boolean", "description": "count 是否为精确值"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        described = (
            ("cursor", "string", "翻页位置（取自 next / previous 链接）"),
            ("page", "integer", "页码（直接跳页；无 cursor 时有效）"),
            ("exact", "integer", "为 1 时精确计数总数（数据量大时较慢）"),
        )
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": text,
                "schema": {"type": kind},
            }
            for name, kind, text in described
        ]
