"""Reading the rows of the offers the index has chosen: one query for a page, in the index's order."""

from collections import defaultdict

from django.db.models import QuerySet

from offers.models import Offer, TaggedOffer, Topic


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
