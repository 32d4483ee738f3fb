"""关键词 search: trigram GIN indexes on the searched text columns, on PostgreSQL only.

`icontains` compiles to `UPPER(col::text) LIKE UPPER(%s)`, so the indexes are on
`UPPER(col)`. SQLite has no such index and this migration does nothing there.
"""

from django.db import migrations

INDEXES = [
    ("suggestion_title_trgm", "suggestions_suggestion", "title"),
    ("suggestion_content_trgm", "suggestions_suggestion", "content"),
    ("deputy_name_trgm", "departments_deputy", "name"),
    ("department_name_trgm", "departments_department", "name"),
    ("department_short_trgm", "departments_department", "short_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0007_reply_promised_on"),
        ("departments", "0004_add_password_policy_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
