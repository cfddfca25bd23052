"""Give the editorial roles the permissions of the transfer loop's models (enquiries, needs, statistics)."""

from django.db import migrations


def update_roles(apps, schema_editor):
    from offers.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("demand", "0001_initial"),
        ("enquiries", "0001_initial"),
        ("needs", "0001_initial"),
        ("alerts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
