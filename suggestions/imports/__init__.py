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

from suggestions.imports.columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXAMPLE_MARK,
    HEADERS,
    KIND_LABELS,
    LEVEL_HINTS,
    MAX_NUMBER,
    REQUIRED_HEADERS,
    SOURCE_LABELS,
    TOPIC_LABELS,
    Column,
    parse_date,
)
from suggestions.imports.files import (
    HEADER_SEARCH_ROWS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_LISTED_CELLS,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_MEMBERS,
    OLE_MAGIC,
    RATIO_CHECK_FROM_BYTES,
    ZIP_MAGIC,
    ImportFileError,
    RawSheet,
    check_file,
    file_size_limit,
    file_too_big,
    normalize_header,
    read_sheet,
)
from suggestions.imports.flow import import_file
from suggestions.imports.rows import (
    ACTION_LABELS,
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportReport,
    ParsedRow,
    RowError,
    validate_file,
    validate_rows,
)
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
