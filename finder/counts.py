"""Counts of offers per facet value, read from the facet index (bitsets): no query per count, the same
containment rules as the offer list's filters, and the same numbers the list then shows."""

import datetime
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from offers.models import Offer, TaggedOffer, Topic

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


def offers_at(index, bits, start=0, stop=10):
    """The public offers of `bits` from `start` to `stop`, newest first, ready for a list row."""
    return offers_by_pk(index.select(bits, "neu", start, stop))


def offers_by_pk(pks):
    """The public offers with these pks, in this order, ready for a list row (one query + topics)."""
    shown = Offer.objects.public().select_related("provider", "network").filter(pk__in=pks)
    rows = {offer.pk: offer for offer in shown}
    attach_topics(rows)
    return [rows[pk] for pk in pks if pk in rows]


class _PrefetchedTopics(QuerySet):
    """One offer's topics, read together with the other offers' (attach_topics): iterating it uses the
    rows read; anything that builds a new query from it (filter, values_list, order_by, …) starts from
    the offer's own topic manager, as a prefetched queryset would."""

    def _chain(self):
        return Offer(pk=self._offer_pk).topics.get_queryset()._chain()


def attach_topics(offers):
    """Read the topics of the offers {pk: offer} in one query and put them where `offer.topics.all()`
    finds them – what prefetch_related("topics") does, without the queryset per offer django-taggit
    builds for that (≈ 1 ms each, a fifth of the list page). In the order the topics were assigned,
    as `offer.topics.all()` gives them without prefetching (taggit's prefetch leaves it to chance)."""
    found = defaultdict(list)
    assigned = TaggedOffer.objects.filter(content_object_id__in=list(offers)).select_related("tag").order_by("pk")
    for row in assigned:
        found[row.content_object_id].append(row.tag)
    for pk, offer in offers.items():
        topics = _PrefetchedTopics(model=Topic)
        topics._offer_pk = pk
        topics._result_cache = found.get(pk, [])
        topics._prefetch_done = True
        offer.__dict__.setdefault("_prefetched_objects_cache", {})["topics"] = topics


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
