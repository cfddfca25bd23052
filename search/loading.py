"""Loads the shipped synonym list. A group is created once (keyed by its folded terms); afterwards
it belongs to the editors: the loader never changes or re-creates it, so edits and deactivations stay."""

import json

from .analysis import fold
from .models import Synonym


def reference_key(entry):
    if "terms" in entry:
        return "=" + "|".join(fold(term) for term in entry["terms"])[:190]
    return ">" + fold(entry["term"])[:190]


def load_synonyms(path):
    """Yield (Synonym, "created" | "unchanged") for each entry of the JSON list at `path`."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Synonym.objects.exclude(reference_key=None).values_list("reference_key", flat=True))
    for entry in entries:
        key = reference_key(entry)
        if key in existing:
            yield Synonym, "unchanged"
            continue
        if "terms" in entry:
            synonym = Synonym(terms=", ".join(entry["terms"]), kind=Synonym.Kind.EQUIVALENT, reference_key=key)
        else:
            synonym = Synonym(
                terms=entry["term"],
                kind=Synonym.Kind.ONE_WAY,
                expands_to=", ".join(entry["expands_to"]),
                reference_key=key,
            )
        synonym.full_clean()
        synonym.save()
        existing.add(key)
        yield Synonym, "created"
