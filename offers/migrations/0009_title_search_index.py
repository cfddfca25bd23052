"""PostgreSQL only: a GIN index over the German title vector, so a search can find its title matches
(the strongest ones) without reading every match. SQLite skips it (see offers/search.py)."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX offer_title_search_gin ON offers_offer USING gin (to_tsvector('german'::regconfig, title))",
]
BACKWARD = ["DROP INDEX IF EXISTS offer_title_search_gin"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("offers", "0008_reserved_slugs")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
