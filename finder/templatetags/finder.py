"""The finder's offer lists for other apps' pages (regions, networks, partners), so those apps need not know
offers: `{% offers_for region=region as found %}` gives the current public offers available there, newest
first (as the list filtered by it shows them), `{% offer_count provider=institution as n %}` just their number."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from finder.index import facet_index
from finder.rows import offers_at

register = template.Library()

LIMIT = 10


@dataclass(frozen=True)
class Found:
    offers: list  # the first offers, ready for the offer card
    count: int  # how many there are
    url: str  # the offer list filtered the same way


def _bits_and_filter(index, region=None, network=None, provider=None):
    """The current public offers for exactly one of region, network or provider, and the list filter that shows them."""
    if region is not None:
        return index.region(region.slug), ("region", region.slug)
    if network is not None:
        return index.bits["netzwerk"].get(network.slug, 0), ("netzwerk", network.slug)
    return index.bits["anbieter"].get(provider.slug, 0), ("anbieter", provider.slug)


@register.simple_tag
def offers_for(region=None, network=None, provider=None, limit=LIMIT):
    index = facet_index()
    bits, (name, value) = _bits_and_filter(index, region, network, provider)
    bits &= index.current
    url = f"{reverse('finder:list')}?{urlencode({name: value})}"
    return Found(offers=offers_at(index, bits, 0, limit), count=bits.bit_count(), url=url)


@register.simple_tag
def offer_count(region=None, network=None, provider=None):
    index = facet_index()
    bits, _filter = _bits_and_filter(index, region, network, provider)
    return (bits & index.current).bit_count()
