"""Rate counts in a table of their own (security.ratelimit), one upsert a request, in place
of the database cache ("shared_cache", made by 0003), which is no longer configured and is
dropped where an earlier deployment made it."""

from django.db import migrations
from django.db import models


def drop_shared_cache(apps, schema_editor):
    connection = schema_editor.connection
    if "shared_cache" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('shared_cache')}")


class Migration(migrations.Migration):
    dependencies = [("security", "0003_create_shared_cache_table")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                (
                    "key",
                    models.CharField(
                        max_length=200, primary_key=True, serialize=False, verbose_name="计数键"
                    ),
                ),
                ("hits", models.PositiveIntegerField(verbose_name="次数")),
                ("window_ends", models.FloatField(verbose_name="窗口结束")),
            ],
            options={"verbose_name": "访问频率计数", "verbose_name_plural": "访问频率计数"},
        ),
        migrations.RunPython(drop_shared_cache, migrations.RunPython.noop),
    ]
