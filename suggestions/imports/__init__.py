"""Excel import of suggestions: one reader and validator for the import page and the
`import_suggestions` command, and the import template.

The reader refuses a bad file before parsing it (size, format, zip directory); the
validator checks every row and reports every problem by row and column; the import runs
in one transaction and writes nothing unless every row is valid. A row is identified by
(year, kind, number): a row already registered with the same content is skipped, so
importing the same file twice creates nothing new; with `update`, a registered draft that
differs is updated through `services.suggestion_update`. New rows are registered by
`services.suggestions_bulk_create`, the bulk form of `suggestion_create`.

    files.py     the file: size, format and zip checks, merged cells and formulas, the
                 sheet and its header row, the data rows (ImportFileError, RawSheet)
    columns.py   the columns, each parsing its own cells, and the reference lookups
    rows.py      the rows: checks between cells, duplicates, rows already registered
                 (RowError, ParsedRow, ImportReport)
    flow.py      import_file: check, then register through the services
    template.py  build_template and its instructions sheet

Callers use this package's names (`imports.import_file`, `imports.MAX_ROWS`, …).
"""

from suggestions.imports.columns import COLUMN_BY_KEY
from suggestions.imports.columns import COLUMNS
from suggestions.imports.columns import EXAMPLE_MARK
from suggestions.imports.columns import HEADERS
from suggestions.imports.columns import KIND_LABELS
from suggestions.imports.columns import LEVEL_HINTS
from suggestions.imports.columns import MAX_NUMBER
from suggestions.imports.columns import REQUIRED_HEADERS
from suggestions.imports.columns import SOURCE_LABELS
from suggestions.imports.columns import TOPIC_LABELS
from suggestions.imports.columns import Column
from suggestions.imports.columns import parse_date
from suggestions.imports.files import HEADER_SEARCH_ROWS
from suggestions.imports.files import MAX_COMPRESSION_RATIO
from suggestions.imports.files import MAX_FILE_BYTES
from suggestions.imports.files import MAX_LISTED_CELLS
from suggestions.imports.files import MAX_ROWS
from suggestions.imports.files import MAX_UNCOMPRESSED_BYTES
from suggestions.imports.files import MAX_ZIP_MEMBERS
from suggestions.imports.files import OLE_MAGIC
from suggestions.imports.files import RATIO_CHECK_FROM_BYTES
from suggestions.imports.files import ZIP_MAGIC
from suggestions.imports.files import ImportFileError
from suggestions.imports.files import RawSheet
from suggestions.imports.files import check_file
from suggestions.imports.files import file_size_limit
from suggestions.imports.files import file_too_big
from suggestions.imports.files import normalize_header
from suggestions.imports.files import read_sheet
from suggestions.imports.flow import import_file
from suggestions.imports.rows import ACTION_LABELS
from suggestions.imports.rows import CREATE
from suggestions.imports.rows import UNCHANGED
from suggestions.imports.rows import UPDATE
from suggestions.imports.rows import ImportReport
from suggestions.imports.rows import ParsedRow
from suggestions.imports.rows import RowError
from suggestions.imports.rows import validate_file
from suggestions.imports.rows import validate_rows
from suggestions.imports.template import build_template

__all__ = [
    "ACTION_LABELS",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "CREATE",
    "EXAMPLE_MARK",
    "HEADERS",
    "HEADER_SEARCH_ROWS",
    "KIND_LABELS",
    "LEVEL_HINTS",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_LISTED_CELLS",
    "MAX_NUMBER",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_MEMBERS",
    "OLE_MAGIC",
    "RATIO_CHECK_FROM_BYTES",
    "REQUIRED_HEADERS",
    "SOURCE_LABELS",
    "TOPIC_LABELS",
    "UNCHANGED",
    "UPDATE",
    "ZIP_MAGIC",
    "Column",
    "ImportFileError",
    "ImportReport",
    "ParsedRow",
    "RawSheet",
    "RowError",
    "build_template",
    "check_file",
    "file_size_limit",
    "file_too_big",
    "import_file",
    "normalize_header",
    "parse_date",
    "read_sheet",
    "validate_file",
    "validate_rows",
]
