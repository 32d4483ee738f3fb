"""The database cache ("shared" in settings.CACHES), where counts every server process must
share live (the token endpoint's throttle). Made by migrate so no deployment forgets it."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("security", "0002_audit_append_only_trigger")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
