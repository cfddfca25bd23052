"""Each search document's words for the typo vocabulary, and the words of replaced documents
(search.vocabulary follows edits by them instead of recounting every offer). Existing documents are
rewritten once with their words. The new column is nullable without a default, so SQLite adds it with
ALTER TABLE instead of rebuilding the table (which would drop the FTS5 triggers of 0001)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from search.indexing import index_offers

    index_offers(
        offer_model=apps.get_model("offers", "Offer"), document_model=apps.get_model("search", "OfferDocument")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_offerdocument_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="offerdocument",
            name="words",
            field=models.TextField(blank=True, editable=False, null=True, verbose_name="Wörter"),
        ),
        migrations.CreateModel(
            name="DocumentChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(db_index=True, verbose_name="Datenstand")),
                ("offer_id", models.BigIntegerField(blank=True, null=True, verbose_name="Angebot")),
                ("words", models.TextField(blank=True, verbose_name="Wörter vorher")),
            ],
            options={
                "verbose_name": "Änderung eines Suchdokuments",
                "verbose_name_plural": "Änderungen von Suchdokumenten",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
