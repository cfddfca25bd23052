"""Give the group "Redaktion" the permissions on practice examples (offers.roles.EDITOR_APPS)."""

from django.db import migrations


def grant(apps, schema_editor):
    from offers.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_practice_examples"),
        ("offers", "0007_review_due_and_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
