"""The table of the database cache that rate limits and used form tokens share (settings: CACHES["ratelimit"]).

`createcachetable` creates the table of every database cache in CACHES and skips existing ones, so this
runs on every `migrate` (make run, the tests, a release) without a separate step. Nothing to undo: the table
belongs to the cache configuration, not to a model.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("allianz_portal", "0001_data_version")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False)]
