"""Keeps each offer's search document in step with the offer (search.signals calls these)."""

import re
from collections import Counter

from django.db import connections, router, transaction

from .analysis import is_stop_word, terms

# Token prefixes: one letter per field, whole words and compound parts apart, so a database's
# full-text index can tell where a term occurs. The weights live in search.engine.
FIELDS = ("title", "topic_names", "summary", "description", "provider_name")
WHOLE = dict(zip(FIELDS, "abcde", strict=True))
PART = dict(zip(FIELDS, "fghij", strict=True))
BATCH = 1000
CHANGE_ROWS = 200  # replaced documents per batch noted one by one; more: one "many changed" row
_WORD = re.compile(r"[^\W\d_]{4,}")  # the words the typo correction knows (search.vocabulary)


def document(values):
    """The space-separated tokens of one offer, from a dict with the FIELDS."""
    tokens = []
    for name in FIELDS:
        whole, parts = terms(values.get(name) or "")
        tokens += [WHOLE[name] + term for term in whole]
        tokens += [PART[name] + term for term in parts]
    return " ".join(tokens)


def words(values):
    """The offer's words for the typo vocabulary: "surface[:count]" per distinct word of 4+ letters that
    is no stop word, from a dict with the FIELDS."""
    counts = Counter()
    for name in FIELDS:
        counts.update(word for word in _WORD.findall(values.get(name) or "") if not is_stop_word(word))
    return " ".join(word if count == 1 else f"{word}:{count}" for word, count in counts.items())


def index_offers(pks=None, offer_model=None, document_model=None):
    """(Re)build the documents of the offers `pks` (all offers when None). Returns how many."""
    if offer_model is None:
        from offers.models import Offer as offer_model
    versioned = document_model is None  # migrations pass their historical models and write no versions
    if document_model is None:
        from .models import OfferDocument as document_model
    with_words = any(field.name == "words" for field in document_model._meta.get_fields())
    rows = offer_model.objects.order_by("pk")
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    done = 0
    batch = []
    for values in rows.values("pk", *FIELDS).iterator(chunk_size=BATCH):
        doc = document_model(offer_id=values["pk"], terms=document(values))
        if with_words:
            doc.words = words(values)
        batch.append(doc)
        if len(batch) >= BATCH:
            done += _write(document_model, batch, versioned, everything=pks is None)
            batch = []
    if batch:
        done += _write(document_model, batch, versioned, everything=pks is None)
    return done


def _write(document_model, batch, versioned, everything=False):
    # Delete + insert (not an upsert) so SQLite's FTS5 triggers and PostgreSQL's generated column
    # see plain row inserts on both databases.
    ids = [doc.offer_id for doc in batch]
    with transaction.atomic():
        if versioned:
            # Raise the data version and stamp the documents with it in one transaction: the version
            # row stays locked until commit, so versions become visible in order and a process that
            # has seen version v has seen every document of a version <= v (search.postings).
            version = raise_version(None if everything else ids)
            for doc in batch:
                doc.version = version
            replaced = list(document_model.objects.filter(offer_id__in=ids).values_list("offer_id", "words"))
            note_changes(version, replaced, everything)
        alias = router.db_for_write(document_model)
        with connections[alias].cursor() as cursor:  # plain SQL: no per-document delete signals
            cursor.execute(
                f"DELETE FROM {document_model._meta.db_table} WHERE offer_id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
        document_model.objects.bulk_create(batch)
    return len(batch)


def note_changes(version, replaced, everything=False):
    """Note the words of the documents `replaced` [(offer id, words)] under `version` (search.vocabulary)."""
    from .models import DocumentChange

    if not replaced and not everything:
        return
    if everything or len(replaced) > CHANGE_ROWS:
        DocumentChange.objects.filter(version__lt=version).delete()
        DocumentChange.objects.create(version=version, offer_id=None, words="")
    else:
        DocumentChange.objects.bulk_create(
            DocumentChange(version=version, offer_id=pk, words=words or "") for pk, words in replaced
        )


def raise_version(pks):
    """Raise the data version (every cached page and memo becomes stale) and return its new counter.

    Names the offers whose documents changed (`pks`; None: all of them), so the finder's index follows
    just those offers (allianz_portal.freshness.ContentChange)."""
    from allianz_portal.freshness import bump_data_version
    from allianz_portal.models import DataVersion

    bump_data_version(changed=[("offers.offer", pk) for pk in pks] if pks is not None else ())
    return DataVersion.objects.values_list("counter", flat=True).get(pk=1)
