"""关键词 search of two-character words: bigram GIN indexes, on PostgreSQL only.

The trigram indexes of 0008 cannot find a word shorter than three characters, and most
Chinese words and names have two (停车, 电梯, 王芳): such a search read every item. These
indexes hold each text's distinct character pairs, upper-cased as `icontains` compares;
`suggestions.filters.HasWord` asks them with `search_bigrams(UPPER(col::text)) @> ARRAY[…]`,
which must match the indexed expression exactly. SQLite has no such index and this
migration does nothing there.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION search_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT ARRAY(
        SELECT DISTINCT pg_catalog.substr(value, i, 2)
        FROM pg_catalog.generate_series(1, pg_catalog.char_length(value) - 1) AS i
    )
$$
"""

CREATE = [
    FUNCTION,
    *(
        f'CREATE INDEX IF NOT EXISTS "suggestion_{column}_bigram" ON "suggestions_suggestion" '
        f'USING gin (search_bigrams(UPPER("{column}"::text)))'
        for column in ("title", "content")
    ),
]
DROP = [
    'DROP INDEX IF EXISTS "suggestion_title_bigram"',
    'DROP INDEX IF EXISTS "suggestion_content_bigram"',
    "DROP FUNCTION IF EXISTS search_bigrams(text)",
]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0014_merged_and_split_handling"),
    ]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
