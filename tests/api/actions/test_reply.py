"""Reply through the API — 会办意见 and 办复 (multipart only, with its letter): refusals and
invalid input, 400 in Chinese, nothing changed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from suggestions.models import Reply
from tests.api.actions.helpers import act
from tests.api.actions.helpers import has_chinese
from tests.api.actions.helpers import letter
from tests.api.actions.helpers import snapshot
from tests.api.conftest import item_url
from tests.conftest import PDF


def test_a_reply_dated_in_the_future_is_refused(clients, stages, co_handler):
    s = stages.in_progress()
    act(clients["co"], s.pk, "co_opinion", {"version": s.version, "opinion": "同意。"})
    s.refresh_from_db()
    before = snapshot(s)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    got = act(
        clients["lead"],
        s.pk,
        "reply",
        {"version": s.version, "outcome": "resolved", "text": "x", "replied_on": str(tomorrow)},
        status=400,
    )
    assert got["detail"].startswith("答复日期不能晚于今天")
    assert snapshot(s) == before
    assert not Reply.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (letter(b"hello, not a pdf"), "文件内容不是有效的PDF文件，请检查后重新上传。"),
        (
            letter(PDF, "dafuhan.exe", "application/octet-stream"),
            "答复函只能上传 PDF、Word（.doc/.docx）或 OFD 文件，“dafuhan.exe”的格式不支持。",
        ),
        (letter(PDF, "dafuhan.pdf", "text/html"), "文件类型（text/html）与扩展名.pdf不符。"),
        (letter(b"", "dafuhan.pdf"), None),
    ],
)
def test_a_bad_letter_is_refused(clients, stages, upload, message):
    s = stages.in_progress()
    act(clients["co"], s.pk, "co_opinion", {"version": s.version, "opinion": "同意。"})
    s.refresh_from_db()
    before = snapshot(s)
    response = clients["lead"].post(
        item_url(s.pk, "reply"),
        {"version": s.version, "outcome": "resolved", "text": "已解决。", "letter": upload},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["letter"]
    assert has_chinese(body["letter"][0])
    if message:
        assert body["letter"] == [message]
    assert snapshot(s) == before
    assert not Reply.objects.exists()


def test_a_blank_text_is_a_field_error(clients, stages):
    s = stages.in_progress()
    before = snapshot(s)
    response = clients["co"].post(
        item_url(s.pk, "co_opinion"), {"version": s.version, "opinion": "   "}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"opinion": ["该字段不能为空。"]}
    assert snapshot(s) == before


def test_the_reply_takes_only_multipart(clients, stages):
    s = stages.in_progress()
    response = clients["lead"].post(
        item_url(s.pk, "reply"), {"version": s.version, "outcome": "resolved"}, format="json"
    )
    assert response.status_code == 415
    assert has_chinese(response.json()["detail"])
