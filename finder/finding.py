"""The one way to find offers: `find(params)` reads the list's parameters and answers from the index.

The list page, the API, feeds, calendars, exports, Suchaufträge and the need form all call it, so they
show the same offers in the same order: filtered and counted in the facet index (finder.index),
ranked by search.engine for a search, and only the rows shown read from the database.
"""

from dataclasses import dataclass

from offers.models import Offer
from search import engine

from .filters import OfferFilter
from .index import IndexedResults, facet_index, remembered_mask
from .rows import offers_by_pk


@dataclass
class Finding:
    """What one set of list parameters finds."""

    filters: OfferFilter  # the validated parameters (a search corrected by "Meinten Sie" already applied)
    result: engine.Result | None  # the ranked search, None without a search
    typed_query: str  # the search as typed, when it was corrected ("" otherwise)
    search_bits: int | None  # bitset of the offers the search lists (full and partial matches); None: no search
    base: int  # bitset of the offers passing search, place, dates and "aktuell" (what the facet counts start from)
    matching: int  # bitset of the offers passing every filter
    search_text: str = ""  # what was searched (before a "Meinten Sie" correction): the key of `result`

    @property
    def index(self):
        return self.filters.index

    @property
    def suggestion(self):
        return self.result.suggestion if self.result is not None else None

    @property
    def searched(self):
        """A search with words to search for (a query of only punctuation or filler narrows nothing)."""
        return self.search_bits is not None

    @property
    def count(self):
        return self.matching.bit_count()

    @property
    def full_count(self):
        """How many of the matching offers contain every searched word (the rest are partial matches)."""
        if not self.searched:
            return self.count
        return (self.matching & search_mask(self.index, self.search_text, self.result, "full")).bit_count()

    def results(self, fetch=offers_by_pk, within=None):
        """The matching offers in the list's order, sliceable like a queryset; a slice reads only its rows
        with `fetch(pks)`. `within`: a bitset that narrows them further (e.g. only dated offers)."""
        sort = self.filters.ordering
        bits = self.matching if within is None else self.matching & within
        rank = (
            (lambda start, stop: self._relevance_page(bits, start, stop))
            if sort == "relevanz" and self.searched
            else None
        )
        return IndexedResults(self.index, bits, sort, fetch=fetch, rank=rank)

    def pks(self, limit=None):
        """The pks of the matching offers in the list's order (at most `limit`)."""
        return self.results(fetch=list)[:limit]

    def candidates(self, with_query=True, with_place=True, current_only=None):
        """Bitset of the offers that pass the non-facet filters (search, place, dates, "aktuell"), each of
        the first three can be left out (the empty list's "what if" counts)."""
        return _candidates(self.filters, self.search_bits if with_query else None, with_place, current_only)

    def _relevance_page(self, bits, start, stop):
        """pks from `start` to `stop` in the engine's order, among the offers in `bits`."""
        positions = self.index.positions
        flags = bits.to_bytes((len(self.index.pks) + 8) // 8, "little")
        found = []
        for pk in self.result.pks:
            position = positions.get(pk)
            if position is not None and flags[position >> 3] >> (position & 7) & 1:
                found.append(pk)
                if len(found) == stop:
                    break
        return found[start:stop]


def find(params, index=None):
    """The Finding for a list's GET parameters (a QueryDict)."""
    index = index or facet_index()
    filters = OfferFilter(params, index=index)
    query = filters.cleaned("q")
    result = search(index, query) if query else None
    typed = ""
    if result is not None and result.suggestion:
        # The corrected words were searched: the form, chips and links show the corrected query.
        typed = params.get("q", "")
        data = filters.link_data()
        data["q"] = result.suggestion
        filters = OfferFilter(data, index=index)
    search_bits = search_mask(index, query, result, "pks") if result is not None and result.searchable else None
    base = _candidates(filters, search_bits)
    matching = index.matching(base, filters.selections())
    return Finding(filters, result, typed, search_bits, base, matching, query or "")


def search(index, text):
    """search.engine's ranked result for `text` among the index's offers, remembered with the index."""
    return index.remembered_search(text, lambda: engine.search(text, index.newest_places()))


def search_mask(index, text, result, which):
    """The bitset of the offers in `result.pks` or `result.full` (which), remembered with the index beside
    the search itself: a common word matches thousands of offers, and every page of every filter
    combination of that search needs the same bitset."""
    return index.remembered_search((text, which), lambda: index.mask(getattr(result, which)))


def _candidates(filters, search_bits, with_place=True, current_only=None):
    index = filters.index
    current_only = filters.current_only if current_only is None else current_only
    candidates = index.current if current_only else index.everything
    if search_bits is not None:
        candidates &= search_bits
    place = filters.place
    if with_place and place and place.resolved:
        candidates &= index.region(place.region.slug)
    dates = filters.dates()
    if dates:  # the date filters' own SQL condition, its matches remembered like a search
        key = ("dates", *sorted(dates.items()))
        candidates &= remembered_mask(index, key, lambda: filters.filter_dates(Offer.objects.public()))
    return candidates
