"""PostgreSQL only: the German search vector on offers_offer and its indexes (offers/0005, offers/0009)
are no longer read – search.engine matches through search_offerdocument – so they go, and with them
their cost on every offer write. The pg_trgm extension stays (other code may use it)."""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS offer_title_search_gin",
    "DROP INDEX IF EXISTS offers_topic_name_trgm",
    "DROP INDEX IF EXISTS offer_title_trgm",
    "DROP INDEX IF EXISTS offer_search_vector_gin",
    "ALTER TABLE offers_offer DROP COLUMN IF EXISTS search_vector",
]
BACKWARD = [
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
    "CREATE INDEX offer_title_search_gin ON offers_offer USING gin (to_tsvector('german'::regconfig, title))",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_offer_documents_synonyms_zero_results")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
