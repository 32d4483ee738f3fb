"""Personal data never reaches a public page (DESIGN §10): phone numbers, ID numbers and
e-mail addresses in a published text are replaced when the page is rendered. The one list
of patterns; the public templates pass every free text through `mask` (the `masked`
filter), and the public search refuses words that are themselves personal data.

The patterns lean to masking too much: an 8-digit figure such as 35000000 reads as a local
telephone number and is hidden; a reply should write amounts as 3500万元.
"""

from __future__ import annotations

import re

# Order matters: an e-mail may hold digits, an ID number holds what looks like a phone.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "［邮箱已隐去］",
        re.compile(r"[\w.%+\-]+\s*(?:@|＠)\s*[\w\-]+(?:\s*[.。．]\s*[\w\-]+)+", re.ASCII),
    ),
    # 18-digit resident ID (last character may be X), and the old 15-digit one.
    ("［证件号已隐去］", re.compile(r"(?<!\d)\d{17}[\dXxＸｘ](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)")),
    # Mobile: 1[3-9] and 9 more digits, optionally +86 and separated 3-4-4.
    ("［电话已隐去］", re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d{4}){2}(?!\d)")),
    # Landline with area code: 021-62345678, (021)6234567, 0571 8765 4321, extension 转123.
    (
        "［电话已隐去］",
        re.compile(
            r"(?<!\d)[(（]?0\d{2,3}[)）]?[\s\-]?[2-9]\d{2,3}[\s\-]?\d{4}(?:\s*(?:-|转)\s*\d{1,6})?(?!\d)"
        ),
    ),
    # Local number without area code: 8 digits (7 for the old ones), first digit 2-9.
    ("［电话已隐去］", re.compile(r"(?<![\d.])[2-9]\d{2,3}[\s\-]?\d{4}(?![\d.])")),
)


def mask(text: str | None) -> str:
    """The text with every phone number, ID number and e-mail address replaced."""
    if not text:
        return ""
    for replacement, pattern in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def contains_personal_data(text: str) -> bool:
    return any(pattern.search(text) for _, pattern in PATTERNS)
