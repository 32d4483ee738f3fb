"""Printed documents as one PDF: WeasyPrint lays out templates/documents/print.html, the
same layout as the Word file, with the GB fonts where installed and else the Noto CJK fonts
of fonts-noto-cjk (font-family lists resolved by fontconfig). Nothing is fetched: the
fetcher allows only data: URLs and the template names none. Why WeasyPrint and not
LibreOffice: bench/README.md (printed documents)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

from documents.content import KINDS
from documents.content import PrintedDocument

INSTALL_HINT = (
    "生成PDF需要系统软件包 libpango-1.0-0、libpangoft2-1.0-0 和中文字体 fonts-noto-cjk"
    "（运行 scripts/install-system.sh 安装）。"
)


def _weasyprint():
    """Imported when first used: WeasyPrint loads Pango at import, and the rest of the
    site works without it."""
    try:
        import weasyprint
    except OSError as missing:  # Pango's shared library not found
        raise RuntimeError(INSTALL_HINT) from missing
    return weasyprint


STYLESHEET = Path(__file__).with_name("print.css")


@cache
def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def render_pdf(kind: str, documents: list[PrintedDocument], *, today: dt.date) -> bytes:
    weasyprint = _weasyprint()
    html = render_to_string("documents/print.html", {"documents": documents, "title": KINDS[kind]})
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
    moment = today.isoformat()
    css = weasyprint.CSS(string=_stylesheet_text(), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(stylesheets=[css])
    document.metadata.created = document.metadata.modified = moment
    return document.write_pdf()
