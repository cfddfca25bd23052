"""Publication times are stored to the second (Offer.save): truncate the times stored before, also in the history,
so that the first save after this release does not record "veröffentlicht ab" as changed."""

from django.db import migrations
from django.db.models.functions import Trunc


def whole_seconds(apps, schema_editor):
    for name in ("Offer", "HistoricalOffer"):
        model = apps.get_model("offers", name)
        rows = model.objects.using(schema_editor.connection.alias).filter(published_at__isnull=False)
        rows.update(published_at=Trunc("published_at", "second"))


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0009_title_search_index"),
    ]

    operations = [
        migrations.RunPython(whole_seconds, migrations.RunPython.noop, elidable=True),
    ]
