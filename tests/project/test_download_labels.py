"""Every download button says what it gives in the same words as the report's
(reports.renderers: 下载Excel / 下载Word / 下载数据（JSON）): never 导出…, never a bare
file extension such as XLSX or DOCX."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from reports.renderers import RENDERERS

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The text of a link or a button, tags inside it left out.
_LINK = re.compile(r"<(a|button)\b[^>]*>(.*?)</\1>", re.S)
_BARE_FORMAT = re.compile(r"\b(XLSX|DOCX|JSON)\b")


def _labels() -> list[tuple[str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for _, inner in _LINK.findall(path.read_text(encoding="utf-8")):
            text = re.sub(r"<[^>]+>|\{[%{#].*?[%}#]\}", "", inner).strip()
            if text:
                found.append((path.relative_to(TEMPLATES).as_posix(), text))
    return found


def test_download_buttons_use_the_reports_words():
    labels = _labels()
    assert ("suggestions/suggestion_list.html", "下载Excel（当前筛选）") in labels
    assert ("security/audit_list.html", "下载Excel") in labels
    wrong = [
        (path, text)
        for path, text in labels
        if text.startswith("导出")
        or re.search(r"\b(XLSX|DOCX|JSON)\b", text.replace("（JSON）", ""))
    ]
    assert wrong == []
    assert {r.label for r in RENDERERS.values()} == {"下载Excel", "下载Word", "下载数据（JSON）"}


def test_the_list_page_offers_下载excel(client, office):
    client.force_login(office)
    page = client.get(reverse("suggestions:list")).content.decode()
    assert "下载Excel（当前筛选）" in page and "导出Excel" not in page
