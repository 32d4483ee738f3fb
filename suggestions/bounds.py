"""Bounds on what users type (DESIGN §13): each free-text field's maximum length, and no
control or bidirectional-override characters (they hide or reorder text: a reply that
reads differently on screen than in the printed letter). Every door (form, API, import)
reaches these through the services, so all refuse alike, in Chinese."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

CONTENT_MAX = 20_000

# field name → (label, maximum characters)
LIMITS: dict[str, tuple[str, int]] = {
    "title": ("标题", 200),
    "content": ("内容", CONTENT_MAX),
    "text": ("答复内容", CONTENT_MAX),
    "opinion": ("会办意见", 10_000),
    "findings": ("情况记录", 10_000),
    "comment": ("代表意见", 5_000),
    "reason": ("理由", 2_000),
    "note": ("说明", 2_000),
    "participants": ("参加人员", 500),
    "contact_person": ("联系人", 50),
    "contact_phone": ("联系电话", 30),
}

# C0 controls but tab, newline and carriage return; DEL and C1 controls; the bidirectional
# embedding, override and isolate characters and the directional marks.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


def search_words(text: str | None, limit: int) -> str:
    """What a search box may ask: printable characters only (a NUL byte is an error on
    PostgreSQL), trimmed, at most `limit` characters."""
    return "".join(c for c in (text or "") if c.isprintable()).strip()[:limit]


def check_text(**fields: str | None) -> None:
    """Refuse the first field over its limit or holding a forbidden character."""
    for name, value in fields.items():
        if not value:
            continue
        label, limit = LIMITS[name]
        if len(value) > limit:
            raise ValidationError(
                f"{label}不能超过{limit}个字符（现为{len(value)}个）。", code="too_long"
            )
        bad = FORBIDDEN.search(value)
        if bad:
            raise ValidationError(
                f"{label}含有不可见的控制字符（U+{ord(bad.group()):04X}），"
                "请删除后重新输入（常见于从其他软件复制的文字）。",
                code="control_character",
            )
