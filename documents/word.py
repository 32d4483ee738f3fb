"""Printed documents as one Word file in the 公文 layout (config.gongwen): the red 发文机关
line, the title, the number, the addressee, the body, the item's facts as a table and the
signature; a batch puts each document on its own page."""

from __future__ import annotations

import datetime as dt

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from config.gongwen import GongwenDocument
from documents.content import KINDS
from documents.content import PrintedDocument


def _write(draft: GongwenDocument, document: PrintedDocument) -> None:
    draft.letterhead(document.issuer)
    draft.title(document.title)
    number = draft.body(document.number, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.line_spacing = Pt(22)
    for run in number.runs:
        run.font.size = Pt(14)
    draft.body(document.addressee, indent=False).paragraph_format.space_before = Pt(4)
    for paragraph in document.paragraphs:
        draft.body(paragraph)
    draft.table(list(document.rows))
    draft.signature(*document.signature)
    draft.doc.paragraphs[-2].paragraph_format.space_before = Pt(12)


def render_docx(kind: str, documents: list[PrintedDocument], *, today: dt.date) -> bytes:
    draft = GongwenDocument()
    for number, document in enumerate(documents):
        if number:
            draft.page_break()
        _write(draft, document)
    codes = "、".join(d.code for d in documents[:10]) + ("等" if len(documents) > 10 else "")
    return draft.to_bytes(
        title=f"{KINDS[kind]}（{codes}）",
        author=documents[0].issuer if documents else "",
        comments=f"共{len(documents)}份，由代表建议办理系统生成。",
        moment=dt.datetime.combine(today, dt.time()),
    )
