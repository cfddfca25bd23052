"""PostgreSQL-only search structures: a stored, weighted German search vector with a GIN index, and
pg_trgm indexes for typo tolerance. SQLite skips this migration's SQL (see offers/search.py for its
simpler search), so both databases migrate from the same history.

Weights: title A; topics and summary B; description and provider C.
CREATE EXTENSION needs a role allowed to create extensions (superuser or the database owner on PG 13+).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE offers_offer ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('german'::regconfig, coalesce(topic_names, '') || ' ' || coalesce(summary, '')), 'B')
        || setweight(
            to_tsvector('german'::regconfig, coalesce(description, '') || ' ' || coalesce(provider_name, '')), 'C'
        )
    ) STORED
    """,
    "CREATE INDEX offer_search_vector_gin ON offers_offer USING gin (search_vector)",
    "CREATE INDEX offer_title_trgm ON offers_offer USING gin (title gin_trgm_ops)",
    "CREATE INDEX offers_topic_name_trgm ON offers_topic USING gin (name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS offers_topic_name_trgm",
    "DROP INDEX IF EXISTS offer_title_trgm",
    "DROP INDEX IF EXISTS offer_search_vector_gin",
    "ALTER TABLE offers_offer DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


def fill_search_text(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    TaggedOffer = apps.get_model("offers", "TaggedOffer")
    for offer in Offer.objects.select_related("provider"):
        names = sorted(TaggedOffer.objects.filter(content_object=offer).values_list("tag__name", flat=True))
        offer.topic_names = ", ".join(names)
        offer.provider_name = " ".join(p for p in (offer.provider.name, offer.provider.short_name) if p)
        offer.save(update_fields=["topic_names", "provider_name"])


class Migration(migrations.Migration):
    dependencies = [("offers", "0004_search_text")]
    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
