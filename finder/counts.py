"""Counts of offers per facet value, read from the facet index (bitsets): no query per count, the same
containment rules as the offer list's filters, and the same numbers the list then shows."""

import datetime

from django.utils import timezone

from offers.models import Offer

from .filters import dates_q
from .index import remembered_mask

DEADLINE_DAYS = 30


def count_by_type(index, bits):
    """[(value, label, number)] for every offer type, in editorial order."""
    kinds = index.bits["art"]
    return [(value, label, (kinds.get(value, 0) & bits).bit_count()) for value, label in Offer.OfferType.choices]


def topic_counts(index, bits, limit=None):
    """The topics of the offers in `bits`, most frequent first: [(slug, name, number)]."""
    names = index.labels.get("thema", {})
    counts = [(slug, names[slug], (mask & bits).bit_count()) for slug, mask in index.bits["thema"].items()]
    counts = sorted((row for row in counts if row[2]), key=lambda row: (-row[2], row[1].casefold()))
    return counts[:limit] if limit else counts


def count_in_regions(index, bits, regions):
    """{region pk: number of offers in `bits` available there} (coverage containment, as the filters)."""
    return {region.pk: (index.region(region.slug) & bits).bit_count() for region in regions}


def deadlines_soon(index, bits, days=DEADLINE_DAYS):
    """{"until": day, "count": n} of the offers in `bits` whose deadline falls within the next `days` days –
    counted with the list's own date filter (frist_bis), so the list behind the link shows the same number."""
    until = timezone.localdate() + datetime.timedelta(days=days)
    matches = remembered_mask(
        index,
        ("dates", ("deadline_until", until)),
        lambda: Offer.objects.public().filter(dates_q(deadline_until=until)),
    )
    return {"until": until, "count": (bits & matches).bit_count()}
