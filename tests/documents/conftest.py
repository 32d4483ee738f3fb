"""The PDF renderer needs Pango (Debian's libpango-1.0-0, libpangoft2-1.0-0) and the Noto CJK
fonts (fonts-noto-cjk): when they are missing the tests fail and say what to install."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from tests.system_parts import require_cjk_fonts

INSTALL_HINT = (
    "请先安装系统软件包 / install the system packages first: "
    "`apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 "
    "fonts-noto-cjk` (or run `make install-system`)."
)


@pytest.fixture(scope="session", autouse=True)
def pdf_system_parts():
    try:
        import weasyprint  # noqa: F401  (loads Pango)
    except OSError as missing:
        pytest.fail(f"WeasyPrint cannot load Pango ({missing}). {INSTALL_HINT}", pytrace=False)
    require_cjk_fonts(INSTALL_HINT, ("Noto Serif CJK SC", "Noto Sans CJK SC"))


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a Word file, in document order, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("｜".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def docx_page_breaks(data: bytes) -> int:
    document = Document(io.BytesIO(data))
    return document.element.body.xml.count('w:type="page"')


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace removed (CJK text extraction spaces lines freely)."""
    reader = PdfReader(io.BytesIO(data))
    return ["".join(page.extract_text().split()) for page in reader.pages]
