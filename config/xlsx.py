"""XlsxWriter as every export in the project opens it: constant memory (rows go to a
temporary file as written), and text kept as text — never turned into a formula, a number
or a link (a cell typed "=HYPERLINK(…)" by a user must stay a string)."""

import tempfile
from collections.abc import Callable
from typing import IO

import xlsxwriter


def safe_workbook(out: IO[bytes] | str) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )


def written_file(write: Callable[[IO[bytes]], int]) -> tuple[IO[bytes], int]:
    """Run `write` (which returns its row count) into a temporary file, rewound; the
    response that sends it closes, and so deletes, it."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        count = write(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, count
