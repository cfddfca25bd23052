"""Reading the rows of the offers the index has chosen: one query for a page, in the index's order."""

from offers.models import Offer


def offers_at(index, bits, start=0, stop=10):
    """The public offers of `bits` from `start` to `stop`, newest first, ready for a list row."""
    return offers_by_pk(index.select(bits, "neu", start, stop))


def offers_by_pk(pks):
    """The public offers with these pks, in this order, ready for a list row (one query + topics)."""
    rows = {offer.pk: offer for offer in Offer.objects.public().for_listing().filter(pk__in=pks)}
    return [rows[pk] for pk in pks if pk in rows]
