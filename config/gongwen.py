"""Word documents in the layout of official documents (公文, GB/T 9704), shared by every
document the system writes: the report's draft (reports/exports/docx.py) and the printed
documents (documents/word.py).

A4, margins 37/35/28/26 mm, body 仿宋_GB2312 三号 (16 pt) at a fixed 28 pt line, first-level
headings 黑体, the title 方正小标宋简体 二号 (22 pt), page numbers "— 1 —" centred; an optional
red 发文机关 line (the issuer's name in red with a red rule under it) heads a document.

Word picks the font of Chinese characters from w:eastAsia, not from w:ascii (what
python-docx's `font.name` sets), so every run and style gets both, and the theme font
attributes that would override them are removed. The file names the GB fonts an office's
Windows machine has; where they are missing (LibreOffice on Linux) fontconfig substitutes
the installed Noto CJK fonts.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.enum.text import WD_BREAK
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.shared import Pt
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(12)  # 小四
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 三号
RED = RGBColor(0xE6, 0x00, 0x12)  # the red of 发文机关标志


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """w:rFonts with the Latin and the East Asian font, and no theme font to override them."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    # Characters shared by both scripts (“”、…—) are drawn with the East Asian font.
    fonts.set(qn("w:hint"), "eastAsia")


def add_run(
    paragraph: Paragraph, text: str, font: str = BODY_FONT, *, bold: bool = False, size=BODY_SIZE
):
    # The size is given, not read from the paragraph's style: python-docx looks a style up
    # by scanning every style, which made a 169-notice batch take 20 s.
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    set_fonts(run._element.get_or_add_rPr(), font)
    return run


def set_format(paragraph: Paragraph, *, indent: bool = True, align=None, line=LINE) -> Paragraph:
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = INDENT if indent else Pt(0)
    if align is not None:
        pf.alignment = align
    return paragraph


def _format_style(style) -> None:
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = INDENT


def _page_number(paragraph: Paragraph) -> None:
    """ "— 1 —", centred: a PAGE field between two dashes."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("— ", None, " —"):
        if piece is None:
            run = paragraph.add_run()
            for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
                if kind:
                    element = OxmlElement("w:fldChar")
                    element.set(qn("w:fldCharType"), kind)
                else:
                    element = OxmlElement("w:instrText")
                    element.set(qn("xml:space"), "preserve")
                    element.text = text
                run._element.append(element)
        else:
            run = paragraph.add_run(piece)
        run.font.size = Pt(14)
        set_fonts(run._element.get_or_add_rPr(), PAGE_NUMBER_FONT)


def _bottom_border(paragraph: Paragraph, *, color: str, size_eighths: int) -> None:
    ppr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "6")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    ppr.append(borders)


class GongwenDocument:
    """A python-docx Document in the 公文 layout, with the paragraphs official documents use."""

    def __init__(self):
        self.doc = Document()
        self._page()
        self._styles()

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.footer_distance = Cm(2.5)
        _page_number(section.footer.paragraphs[0])

    def _styles(self) -> None:
        styles = self.doc.styles
        # Document defaults: our fonts instead of the theme's, Chinese as the East Asian
        # language (Word then treats “”、— as Chinese punctuation).
        defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        rpr = defaults.find(qn("w:rPr"))
        set_fonts(rpr, BODY_FONT)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal = styles["Normal"]
        normal.font.size = BODY_SIZE
        set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        _format_style(normal)
        # Heading 1 keeps the outline level (Word's navigation pane), in the office's look.
        heading = styles["Heading 1"]
        heading.font.size = BODY_SIZE
        heading.font.bold = False
        heading.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(heading.element.get_or_add_rPr(), HEADING_FONT)
        _format_style(heading)
        heading.paragraph_format.keep_with_next = True
        title = styles["Title"]
        title.font.size = TITLE_SIZE
        title.font.bold = False
        title.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(title.element.get_or_add_rPr(), TITLE_FONT)
        # The default Title has a bottom border and spacing: plain centred text instead.
        ppr = title.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
        _format_style(title)
        title.paragraph_format.first_line_indent = Pt(0)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.line_spacing = Pt(36)

    # -- paragraphs ------------------------------------------------------------------------

    def blank(self) -> None:
        set_format(self.doc.add_paragraph(), indent=False)

    def letterhead(self, issuer: str) -> None:
        """The red 发文机关 line: the issuer's name in red 小标宋, a red rule under it."""
        paragraph = set_format(
            self.doc.add_paragraph(), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(30)
        )
        paragraph.paragraph_format.space_after = Pt(12)
        run = add_run(paragraph, issuer, TITLE_FONT, size=TITLE_SIZE)
        run.font.color.rgb = RED
        _bottom_border(paragraph, color=str(RED), size_eighths=18)

    def title(self, *lines: str) -> None:
        paragraph = self.doc.add_paragraph(style="Title")
        set_format(paragraph, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
        for number, line in enumerate(lines):
            run = add_run(paragraph, line, TITLE_FONT, size=TITLE_SIZE)
            if number < len(lines) - 1:
                run.add_break()

    def heading(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(style="Heading 1")
        set_format(paragraph)
        add_run(paragraph, text, HEADING_FONT)

    def body(self, text: str, *, lead: str = "", indent: bool = True, align=None) -> Paragraph:
        """A body paragraph; `lead` ("一是……。") is set in bold before the text."""
        paragraph = set_format(self.doc.add_paragraph(), indent=indent, align=align)
        if lead:
            add_run(paragraph, lead, bold=True)
        add_run(paragraph, text)
        return paragraph

    def signature(self, *lines: str) -> None:
        """Issuer and date right-aligned, two characters in from the margin, on one page."""
        for number, text in enumerate(lines):
            paragraph = self.body(text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            paragraph.paragraph_format.right_indent = INDENT
            paragraph.paragraph_format.keep_with_next = number < len(lines) - 1

    def table(self, rows: list[tuple[str, str]]) -> None:
        """Two columns, the label in 黑体, in 小四 at single spacing, with grid lines."""
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Cm(3.4), Cm(12.2))  # the 15.6 cm between the margins
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row, (label, value) in zip(table.rows, rows, strict=True):
            for cell, width, text, font in (
                (row.cells[0], widths[0], label, HEADING_FONT),
                (row.cells[1], widths[1], value, BODY_FONT),
            ):
                cell.width = width
                paragraph = set_format(cell.paragraphs[0], indent=False, line=Pt(18))
                paragraph.paragraph_format.space_before = Pt(1.5)
                paragraph.paragraph_format.space_after = Pt(1.5)
                add_run(paragraph, text, font, size=TABLE_SIZE)

    def page_break(self) -> None:
        """The next paragraph starts a new page (a break at the end of the last one: no
        empty line at the top of the next page)."""
        self.doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    def to_bytes(self, *, title: str, author: str, comments: str, moment: dt.datetime) -> bytes:
        props = self.doc.core_properties
        props.title = title
        props.author = props.last_modified_by = author
        props.comments = comments
        props.created = props.modified = moment
        props.revision = 1
        output = io.BytesIO()
        self.doc.save(output)
        return output.getvalue()
