"""Reading the rows of the offers the index has chosen: one query for a page, in the index's order, and
one for their relations (topics, target groups, dimensions, regions)."""

from django.db.models import QuerySet

from allianz_portal.freshness import StateMemo
from offers.models import Offer

from .index import KINDS, relations


def offers_at(index, bits, start=0, stop=10):
    """The public offers of `bits` from `start` to `stop`, newest first, ready for an offer card."""
    return offers_by_pk(index.select(bits, "neu", start, stop))


# What an offer card shows of an offer and its provider (finder/jinja2/finder/offer_card.html): a page of cards
# reads only these columns (not the long description: 20 rows read in ≈ 1.8 instead of 3 ms at 100k offers).
CARD_COLUMNS = (
    "title", "slug", "summary", "offer_type", "cost", "format", "start_date", "deadline", "max_amount", "rate_micro",
    "rate_small", "rate_medium", "price_from", "provider__name", "provider__short_name",
)  # fmt: skip


def offers_by_pk(pks):
    """The public offers with these pks, in this order, ready for an offer card (one query + topics)."""
    shown = Offer.objects.public().select_related("provider").only(*CARD_COLUMNS).filter(pk__in=pks)
    rows = {offer.pk: offer for offer in shown}
    attach_relations(rows, kinds=("thema",))
    return [rows[pk] for pk in pks if pk in rows]


# kind (finder.index.KINDS) -> the offer's many-to-many field, and the model it leads to
FIELDS = {"thema": "topics", "zielgruppe": "target_groups", "dimension": "dimensions", "coverage": "coverage"}
MODELS = {kind: Offer._meta.get_field(name).related_model for kind, name in FIELDS.items()}


# (content state, kind) -> ({pk: object}, {pk: place in the model's order}). The objects are shared by every
# request and thread of the process: read them only (no prefetch or related-object cache on them).
_vocabularies = StateMemo(size=8)


def _vocabulary(kind):
    """The objects of one of the small tables the offers' relations lead to (topics, target groups, dimensions,
    regions: ≈ 400 rows in all) and their places in the model's order; read once per content state and process,
    each when first needed (a list page needs only the topics)."""

    def read():
        objects = {obj.pk: obj for obj in MODELS[kind].objects.all()}
        return objects, {pk: place for place, pk in enumerate(objects)}

    return _vocabularies.get(kind, read)


class _Prefetched(QuerySet):
    """One offer's related objects, read together with the other offers' (attach_relations): iterating it
    uses the rows read; anything that builds a new query from it (filter, values_list, order_by, …) starts
    from the offer's own manager, as a prefetched queryset would."""

    def _chain(self):
        return getattr(Offer(pk=self._offer_pk), self._field).get_queryset()._chain()


def attach_relations(offers, kinds=KINDS):
    """Put the related objects of the offers {pk: offer} where `offer.topics.all()` (and target_groups,
    dimensions, coverage) finds them – what prefetch_related does, with one statement for all kinds and
    offers (finder.index.relations) and the objects from the vocabularies, without a queryset per offer and
    kind (≈ 1 ms each with django-taggit). Topics in the order they were assigned (the portal's rule for
    cards and offer pages; taggit itself promises no order); the others in their model's order, as
    prefetch_related gives them.

    Returns {pk: [pks of the offer's funding programmes]} when "foerderer" is among `kinds` (the programmes
    themselves are offers: the caller reads them if there are any)."""
    vocabularies = {kind: _vocabulary(kind) for kind in kinds if kind in MODELS}
    found = relations(list(offers), kinds)
    for pk, offer in offers.items():
        cache = offer.__dict__.setdefault("_prefetched_objects_cache", {})
        for kind, (objects, places) in vocabularies.items():
            related = [objects[related_pk] for related_pk in found[pk][kind] if related_pk in objects]
            if kind != "thema":
                related.sort(key=lambda obj, places=places: places[obj.pk])
            prefetched = _Prefetched(model=MODELS[kind])
            prefetched._offer_pk, prefetched._field = pk, FIELDS[kind]
            prefetched._result_cache = related
            prefetched._prefetch_done = True
            cache[FIELDS[kind]] = prefetched
    return {pk: found[pk].get("foerderer", []) for pk in offers}
