"""Where and about what a list query asks: its region (the `region` filter, else the Kreis of `ort`) and
its topics (the `thema` filter) – through the list's own filter, never parsed twice."""

from django.http import QueryDict

from offers.filters import OfferFilter
from offers.models import Topic
from regions.models import Region


def query_region_and_topics(params):
    filterset = OfferFilter(params)
    region = None
    slug = filterset.cleaned("region")
    if slug:
        region = Region.objects.filter(slug=slug).first()
    elif filterset.place and filterset.place.get("kreis") is not None:
        region = filterset.place["kreis"]
    slugs = filterset.selections().get("thema") or ()
    topics = list(Topic.objects.filter(slug__in=slugs)) if slugs else []
    return region, topics


def alert_region_and_topics(query):
    return query_region_and_topics(QueryDict(query))
