"""The table of the shared cache (settings CACHES["default"] when no Redis is configured):
made here so that every database that is migrated has it, the test databases included."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_documents_and_outbox")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
