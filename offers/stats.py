"""Counts of offers per facet value, computed in one query each."""

from collections import Counter

from django.db.models import Count

from regions import coverage

from .models import Offer, TaggedOffer


def count_by_type(queryset):
    counts = dict(queryset.order_by().values_list("offer_type").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Offer.OfferType.choices]


def top_topics(queryset, limit=12):
    """The most frequent topics among `queryset`: [(slug, name, count)]."""
    rows = (
        TaggedOffer.objects.filter(content_object__in=queryset.order_by().values("pk"))
        .values_list("tag__slug", "tag__name")
        .annotate(n=Count("content_object", distinct=True))
        .order_by("-n", "tag__name")
    )
    return list(rows[:limit] if limit else rows)


def count_by_region(queryset, regions):
    """{region_id: number of offers in `queryset` available there}, for many regions in one query.

    Uses the same containment rule as `Offer.objects.covering()`.
    """
    pairs = Offer.coverage.through.objects.filter(offer__in=queryset.order_by().values("pk")).values_list(
        "offer_id", "region_id"
    )
    return Counter({region_id: len(ids) for region_id, ids in coverage.offers_by_region(regions, pairs).items()})
