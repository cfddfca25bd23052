"""Where and about what a list query asks: its region (the `region` filter, else the region of `ort` or of
a place found inside `q`) and its topics (the `thema` filter) – through the list's own filter."""

from django.http import QueryDict

from finder.filters import OfferFilter
from offers.models import Topic
from regions.models import Region


def query_region_and_topics(params):
    filterset = OfferFilter(params)
    region = None
    slug = filterset.cleaned("region")
    if slug:
        region = Region.objects.filter(slug=slug).first()
    elif filterset.place is not None and filterset.place.resolved:
        region = filterset.place.region
    slugs = filterset.selections().get("thema") or ()
    topics = list(Topic.objects.filter(slug__in=slugs)) if slugs else []
    return region, topics


def alert_region_and_topics(query):
    return query_region_and_topics(QueryDict(query))
