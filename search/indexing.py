"""Keeps each offer's search document in step with the offer (search.signals calls these)."""

from django.db import transaction

from .analysis import terms

# Token prefixes: one letter per field, whole words and compound parts apart, so a database's
# full-text index can tell where a term occurs. The weights live in search.engine.
FIELDS = ("title", "topic_names", "summary", "description", "provider_name")
WHOLE = dict(zip(FIELDS, "abcde", strict=True))
PART = dict(zip(FIELDS, "fghij", strict=True))
BATCH = 1000


def document(values):
    """The space-separated tokens of one offer, from a dict with the FIELDS."""
    tokens = []
    for name in FIELDS:
        whole, parts = terms(values.get(name) or "")
        tokens += [WHOLE[name] + term for term in whole]
        tokens += [PART[name] + term for term in parts]
    return " ".join(tokens)


def index_offers(pks=None, offer_model=None, document_model=None):
    """(Re)build the documents of the offers `pks` (all offers when None). Returns how many."""
    if offer_model is None:
        from offers.models import Offer as offer_model
    versioned = document_model is None
    if document_model is None:
        from .models import OfferDocument as document_model
    rows = offer_model.objects.order_by("pk")
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    done = 0
    batch = []
    for values in rows.values("pk", *FIELDS).iterator(chunk_size=BATCH):
        batch.append(document_model(offer_id=values["pk"], terms=document(values)))
        if len(batch) >= BATCH:
            done += _write(document_model, batch, versioned)
            batch = []
    if batch:
        done += _write(document_model, batch, versioned)
    return done


def _write(document_model, batch, versioned):
    # Delete + insert (not an upsert) so SQLite's FTS5 triggers and PostgreSQL's generated column
    # see plain row inserts on both databases.
    with transaction.atomic():
        if versioned:
            # Raise the data version and stamp the documents with it in one transaction: the version
            # row stays locked until commit, so versions become visible in order and a process that
            # has seen version v has seen every document of a version <= v (search.postings).
            version = raise_version()
            for doc in batch:
                doc.version = version
        document_model.objects.filter(offer_id__in=[doc.offer_id for doc in batch]).delete()
        document_model.objects.bulk_create(batch)
    return len(batch)


def raise_version():
    """Raise the data version (every cached page and memo becomes stale) and return its new counter."""
    from allianz_portal.models import DataVersion
    from offers.facets import bump_data_version

    bump_data_version()
    return DataVersion.objects.values_list("counter", flat=True).get(pk=1)
