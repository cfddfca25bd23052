"""The finder's offer lists for other apps' pages (regions, networks, partners), so those apps need not know
offers: `{% offers_for region=region as found %}` gives the current public offers available there, newest
first (as the list filtered by it shows them), `{% offer_count provider=institution as n %}` just their number."""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from allianz_portal.freshness import StateMemo, content_state
from finder.index import facet_index
from finder.rows import offers_at
from search.highlight import highlight

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


# Rendered offer cards per process, keyed by everything a card shows (card_inputs), not by the content
# state: an edit re-renders only the cards of what it changed, and the same offer shows on many pages.
_cards = StateMemo(size=10_000)  # ≈ 1.5 KB each
CARD = "finder/offer_card.html"
_PATH = "\x00path\x00"  # the page's own address in a remembered card (the Merkliste form's "next")


def card_inputs(offer):
    """A digest of everything of `offer` its card shows: its columns read (finder.rows.CARD_COLUMNS), its
    provider's name and its topics' names (the offer rows are read for the page anyway; 16 bytes in the key,
    not the texts)."""
    values = [offer.__dict__.get(field.attname) for field in offer._meta.concrete_fields]
    topics = [topic.name for topic in offer.topics.all()]
    return hashlib.blake2b(repr((values, str(offer.provider), topics)).encode(), digest_size=16).digest()


@register.simple_tag(takes_context=True)
def offer_card(context, offer, level=3, query=""):
    """The offer card (finder/jinja2/finder/offer_card.html, a Jinja2 template: allianz_portal.jinja) for
    `offer`, remembered per language, heading level, highlighted search (with the content state: synonyms),
    whether the visitor's Merkliste holds it and the offer's shown values (card_inputs); the page's address
    goes in afterwards.

    The card template may use only what render() passes, and of the offer only what card_inputs names.
    """
    saved = offer.pk in context.get("merkliste_ids", ())
    # A highlighted card also depends on the editors' synonyms (search.highlight): it is kept per content
    # state, like the search it belongs to.
    highlighted = (query, content_state().key) if query else ""
    key = (translation.get_language(), offer.pk, level, highlighted, saved, card_inputs(offer))

    def render():
        return get_template(CARD, using="jinja2").render(
            {
                "offer": offer,
                "title": highlight(offer.title, query) if query else offer.title,
                "summary": highlight(offer.summary, query) if query else offer.summary,
                "level": level,
                "merkliste_ids": frozenset([offer.pk]) if saved else frozenset(),
                "next": _PATH,
            }
        )

    request = context.get("request")
    path = escape(request.get_full_path()) if request is not None else ""
    return mark_safe(_cards.lookup(key, render).replace(_PATH, path))  # the card is escaped, so is the path
