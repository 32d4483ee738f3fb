"""Calling an action through the API, and what a refused call must leave unchanged."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import Suggestion
from tests.api.conftest import item_url
from tests.conftest import PDF


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def act(client, pk, name: str, data: dict, status: int = 200) -> dict:
    """POST an action (multipart for the reply, JSON otherwise) and check the status."""
    fmt = "multipart" if name == "reply" else "json"
    response = client.post(item_url(pk, name), data, format=fmt)
    assert response.status_code == status, response.json()
    return response.json()


def letter(content: bytes = PDF, name: str = "dafuhan.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def snapshot(s: Suggestion) -> tuple:
    """What a refused request must leave unchanged."""
    fresh = Suggestion.objects.get(pk=s.pk)
    return (
        fresh.version,
        fresh.status,
        fresh.outcome,
        fresh.due_on,
        fresh.key_supervision,
        Event.objects.filter(suggestion=s).count(),
        Assignment.objects.filter(suggestion=s).count(),
    )


def assert_chinese_field_errors(body: dict, fields: set[str]) -> None:
    assert "detail" not in body, body
    assert set(body) == fields, body
    for field, messages in body.items():
        assert messages and all(has_chinese(m) for m in messages), (field, messages)
