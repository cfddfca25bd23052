"""The data version each search document was written under (search.postings follows edits by it).

Nullable without a default, so SQLite adds the column with ALTER TABLE instead of rebuilding the table
(which would drop the FTS5 triggers of 0001); existing documents keep NULL (older than any version)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_drop_old_offer_search_structures"),
    ]

    operations = [
        migrations.AddField(
            model_name="offerdocument",
            name="version",
            field=models.BigIntegerField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="Datenstand"
            ),
        ),
    ]
