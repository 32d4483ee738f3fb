"""The queue indexes bulk registrations (an import of thousands) off the request path."""

from __future__ import annotations

from django_tasks import task

from similar.index import index_items


@task()
def index_suggestions(ids: list[int]) -> int:
    return index_items(ids)
