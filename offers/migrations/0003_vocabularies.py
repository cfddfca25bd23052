"""Seed the fixed vocabularies (target groups, innovation dimensions); staff may rename them later."""

from django.db import migrations

TARGET_GROUPS = [
    ("kmu", "KMU"),
    ("startups", "Start-ups"),
    ("handwerk", "Handwerk"),
    ("beschaeftigte", "Beschäftigte und Betriebsräte"),
    ("hochschulen", "Hochschulen/Forschung"),
    ("kommunen", "Kommunen/Verwaltung"),
]
DIMENSIONS = [
    ("technologie", "Technologie"),
    ("produkt", "Produkt"),
    ("prozess", "Prozess"),
    ("arbeitsorganisation", "Arbeitsorganisation/soziale Innovation"),
]


def seed(apps, schema_editor):
    for model_name, rows in (("TargetGroup", TARGET_GROUPS), ("InnovationDimension", DIMENSIONS)):
        model = apps.get_model("offers", model_name)
        for order, (slug, name) in enumerate(rows, start=1):
            model.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("offers", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
