"""The finder's index: for every filter option, which public offers have it – so the list filters,
counts (under all *other* active filters, as the Förderdatenbank does) and sorts without a query.

Counting every facet in SQL would cost one grouped query per facet. Instead a compact index of the
public offers' facet values is built with a few queries and held in a process-local memo keyed by the
content state (allianz_portal.freshness; a shared cache would unpickle the large index on every
request). Each facet value is a bitset (a Python int, one bit per offer), so counting is a few hundred
AND + popcount operations, independent of the number of offers in Python terms. Every list of offers
(page, API, feeds, exports, alerts) is filtered, counted and sorted here (finder.finding); there is no
second, SQL, implementation of the filters.
"""

import heapq
import sys
import threading
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, Value
from django.utils import timezone

from allianz_portal.freshness import StateMemo, content_state
from offers.models import (
    FUNDING_CHOICES,
    FUNDING_STEPS,
    CompanySize,
    InnovationDimension,
    Offer,
    TaggedOffer,
    TargetGroup,
    Topic,
)
from regions import coverage
from regions.models import Region

# Facets in the order they are shown; "region" counts by coverage containment.
FACETS = (
    "region", "art", "thema", "zielgruppe", "dimension", "groesse", "kosten", "foerderung", "format", "netzwerk",
    "anbieter",
)  # fmt: skip

MEMO_SIZE = 3  # entries kept per memo and process (the current state and a few just before it)

# The list's sort orders. "neu" is the index's own bit order; the others are read from the database
# once per index, so the collation is the database's, exactly as a SQL ORDER BY would sort.
ORDERINGS = {
    "neu": [F("published_at").desc(), "title", "pk"],
    "titel": ["title", "pk"],
    "termin": [F("start_date").asc(nulls_last=True), F("deadline").asc(nulls_last=True), "title", "pk"],
}


_lock = threading.Lock()
_indexes = StateMemo(size=MEMO_SIZE)


def _remember(memo, key, value, size=MEMO_SIZE):
    memo[key] = value
    while len(memo) > size:
        memo.pop(next(iter(memo)))


def _mask(positions, size):
    """A bitset (int) with the given bit positions set."""
    buffer = bytearray((size >> 3) + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def set_positions(bits, start=0, stop=None):
    """Positions of the set bits of `bits`, ascending, from the `start`-th set bit to before the `stop`-th.

    Skips whole 64-bit words by their popcount, so a page deep in a large result costs little.
    """
    if bits <= 0 or (stop is not None and stop <= start):
        return []
    length = ((bits.bit_length() + 63) // 64) * 8
    words = array("Q")
    words.frombytes(bits.to_bytes(length, "little"))
    if sys.byteorder != "little":
        words.byteswap()
    found = []
    seen = 0
    wanted = None if stop is None else stop - start
    for number, word in enumerate(words):
        if not word:
            continue
        ones = word.bit_count()
        if seen + ones <= start:
            seen += ones
            continue
        base = number * 64
        while word:
            lowest = word & -word
            if seen >= start:
                found.append(base + lowest.bit_length() - 1)
                if wanted is not None and len(found) == wanted:
                    return found
            seen += 1
            word ^= lowest
    return found


@dataclass
class FacetIndex:
    positions: dict  # offer pk -> bit position (public offers only), in the order "neu"
    bits: dict  # facet -> {value: bitset of the offers having it}
    current: int  # bitset of the offers that are current today
    labels: dict  # facet -> {value: label}
    region_ids: dict  # region slug -> id
    region_kinds: dict  # region slug -> kind
    pks: list  # bit position -> offer pk
    orders: dict  # sort name -> positions in that order ("neu" is the bit order itself and not stored)
    partly: dict = field(default_factory=dict)  # region slug -> bitset of offers for only part of it
    searches: dict = field(default_factory=dict)  # search text -> ranked result (finder.finding.search)

    @property
    def everything(self):
        return (1 << len(self.positions)) - 1

    def select(self, bits, sort, start, stop):
        """The pks of the offers in bitset `bits` from `start` to `stop` in the order `sort`."""
        if sort not in self.orders:
            return [self.pks[position] for position in set_positions(bits, start, stop)]
        order = self.orders[sort]
        total = bits.bit_count()
        stop = min(stop, total)
        if start >= stop:
            return []
        if (stop * len(order)) // total <= 4 * total:
            # Dense enough: walk the order until the page is complete.
            flags = bits.to_bytes((len(self.pks) + 8) // 8, "little")
            found = []
            for position in order:
                if flags[position >> 3] >> (position & 7) & 1:
                    found.append(position)
                    if len(found) == stop:
                        break
            chosen = found[start:]
        else:
            # Sparse: take the few members and sort them by their place in the order.
            rank = self.ranks(sort)
            chosen = heapq.nsmallest(stop, set_positions(bits), key=rank.__getitem__)[start:]
        return [self.pks[position] for position in chosen]

    def remembered_search(self, text, build):
        """`build()` (a ranked search for `text`), remembered with this index: a result can never meet the
        bits of another content state, and goes with its index."""
        result = self.searches.get(text)
        if result is None:
            result = build()
            with _lock:
                _remember(self.searches, text, result, size=SEARCH_MEMO_SIZE)
        return result

    def ranks(self, sort):
        """position -> place in the order `sort` (computed once per index and sort)."""
        cache = self.__dict__.setdefault("_ranks", {})
        if sort not in cache:
            rank = array("l", bytes(8 * len(self.pks)))
            for place, position in enumerate(self.orders[sort]):
                rank[position] = place
            cache[sort] = rank
        return cache[sort]

    def mask(self, pks):
        """The bitset of the public offers among `pks`."""
        positions = self.positions
        return _mask((positions[pk] for pk in pks if pk in positions), len(positions))

    def of_positions(self, positions):
        return _mask(positions, len(self.positions))

    def region(self, slug):
        return self.bits["region"].get(slug, 0)

    def region_in_part(self, slug):
        """The offers for some but not all of the region's Kreise (regions/coverage.py)."""
        return self.partly.get(slug, 0)

    def _selected(self, selections):
        values = self.bits
        return {
            name: union(values[name].get(value, 0) for value in wanted) for name, wanted in selections.items() if wanted
        }

    def count(self, candidates, selections):
        """{facet: Counter(value -> n)} for the offers in bitset `candidates` under the other facets' selections.

        `selections` maps facet -> set of selected values (OR within a facet, AND across facets).
        """
        active = self._selected(selections)
        counts = {}
        for name in FACETS:
            allowed = candidates
            for other, mask in active.items():
                if other != name:
                    allowed &= mask
            counter = Counter()
            if allowed:
                for value, mask in self.bits[name].items():
                    number = (allowed & mask).bit_count()
                    if number:
                        counter[value] = number
            counts[name] = counter
        return counts

    def matching(self, candidates, selections):
        """The bitset of the offers in `candidates` that pass every selection."""
        for mask in self._selected(selections).values():
            candidates &= mask
        return candidates


class IndexedResults:
    """The offers of a bitset in a sort order, sliceable like a queryset for Django's Paginator.

    `count()` is a popcount; a slice selects the page's pks in the index (or through `rank(start, stop)`
    for relevance) and reads just those rows with `fetch(pks)`.
    """

    def __init__(self, index, bits, sort, fetch, rank=None):
        self.index, self.bits, self.sort, self.fetch, self.rank = index, bits, sort, fetch, rank

    def count(self):
        return self.bits.bit_count()

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, self.count() if key.stop is None else key.stop
        pks = self.rank(start, stop) if self.rank else self.index.select(self.bits, self.sort, start, stop)
        return self.fetch(pks)


SEARCH_MEMO_SIZE = 256  # ranked searches remembered per facet index
MASK_MEMO_SIZE = 64  # remembered SQL filters per facet index (and so per content state and process)


def remembered_mask(index, key, matches):
    """The bitset of the offers in queryset `matches()`, remembered on `index` under `key`.

    For filters the index holds no bits for (the date filters' SQL condition): kept on the index itself,
    so it can never be combined with the bits of another content state; a new key costs one query.
    """
    masks = index.__dict__.setdefault("_masks", {})
    bits = masks.get(key)
    if bits is None:
        bits = index.mask(matches().order_by().values_list("pk", flat=True))
        with _lock:
            _remember(masks, key, bits, size=MASK_MEMO_SIZE)
    return bits


def union(masks):
    result = 0
    for mask in masks:
        result |= mask
    return result


def facet_index():
    """The index of the current content state (built once per state and process)."""
    state = content_state()
    return _indexes.get("facets", lambda: _build(timezone.now(), state.day), state=state)


def _build(now, today):
    public = Offer.objects.public(now)
    rows = list(
        public.order_by(*ORDERINGS["neu"]).values_list(
            "pk",
            "offer_type",
            "cost",
            "format",
            "provider__slug",
            "provider__name",
            "network__slug",
            "network__name",
            "start_date",
            "end_date",
            "deadline",
            "max_amount",
            "for_micro",
            "for_small",
            "for_medium",
        )
    )
    public_pks = public.values("pk")
    regions = list(Region.objects.values_list("id", "slug", "name", "kind"))
    region_ids = {slug: pk for pk, slug, _name, _kind in regions}
    id_to_slug = {pk: slug for pk, slug, _name, _kind in regions}
    # (offer, kind, related id) rows of the many-to-many facets in one query; slugs and labels come
    # from the small vocabularies, so 100k offers move only integers.
    vocabularies = {
        "thema": {pk: (slug, name, 0) for pk, slug, name in Topic.objects.values_list("pk", "slug", "name")},
        "zielgruppe": {
            pk: (slug, name, order)
            for pk, slug, name, order in TargetGroup.objects.values_list("pk", "slug", "name", "order")
        },
        "dimension": {
            pk: (slug, name, order)
            for pk, slug, name, order in InnovationDimension.objects.values_list("pk", "slug", "name", "order")
        },
        "coverage": {pk: (slug, name, 0) for pk, slug, name, _kind in regions},
    }
    kinds = list(vocabularies)
    number = IntegerField()
    pairs = (
        TaggedOffer.objects.filter(content_object__in=public_pks)
        .values_list("content_object_id", Value(kinds.index("thema"), number), "tag_id")
        .union(
            Offer.target_groups.through.objects.filter(offer__in=public_pks).values_list(
                "offer_id", Value(kinds.index("zielgruppe"), number), "targetgroup_id"
            ),
            Offer.dimensions.through.objects.filter(offer__in=public_pks).values_list(
                "offer_id", Value(kinds.index("dimension"), number), "innovationdimension_id"
            ),
            Offer.coverage.through.objects.filter(offer__in=public_pks).values_list(
                "offer_id", Value(kinds.index("coverage"), number), "region_id"
            ),
            all=True,
        )
        .order_by()
    )

    labels = defaultdict(dict)
    labels["art"] = dict(Offer.OfferType.choices)
    labels["kosten"] = dict(Offer.Cost.choices)
    labels["format"] = dict(Offer.Format.choices)
    labels["groesse"] = dict(CompanySize.choices)
    labels["foerderung"] = dict(FUNDING_CHOICES)
    labels["region"] = {slug: name for _pk, slug, name, _kind in regions}
    multi = defaultdict(lambda: defaultdict(set))
    positions_ = {}  # (facet, slug) -> editorial order
    for offer_id, kind_number, related in pairs:
        kind = kinds[kind_number]
        slug, name, position = vocabularies[kind][related]
        multi[offer_id][kind].add(slug)
        if kind != "coverage":
            labels[kind][slug] = name
            positions_[(kind, slug)] = position

    # Which regions each offer counts for: every region whose Kreise its coverage includes.
    sets = coverage.kreis_sets()
    regions_for_cache = {}

    def regions_for(coverage_slugs):
        """(slugs of the regions the offer counts for, slugs of the regions it serves in part)."""
        key = frozenset(coverage_slugs)
        if key not in regions_for_cache:
            covered = frozenset().union(*(sets.get(region_ids[slug], ()) for slug in key))
            full, partial = coverage.served_region_ids(covered, sets)
            # Plus the coverage regions themselves (a new cooperation region without members yet).
            regions_for_cache[key] = (
                key | frozenset(id_to_slug[region_id] for region_id in full),
                frozenset(id_to_slug[region_id] for region_id in partial) - key,
            )
        return regions_for_cache[key]

    positions = {}
    values = {name: defaultdict(list) for name in FACETS}
    by_coverage = defaultdict(list)
    current = []
    for (
        pk,
        offer_type,
        cost,
        fmt,
        provider,
        provider_name,
        network,
        network_name,
        start,
        end,
        deadline,
        max_amount,
        *size_flags,
    ) in rows:
        position = positions[pk] = len(positions)
        labels["anbieter"][provider] = provider_name
        if network:
            labels["netzwerk"][network] = network_name
            values["netzwerk"][network].append(position)
        ended = (end and end < today) or (end is None and start and start < today and offer_type == "veranstaltung")
        passed = deadline is not None and deadline < today
        if not (ended or passed):
            current.append(position)
        values["art"][offer_type].append(position)
        values["kosten"][cost].append(position)
        values["format"][fmt].append(position)
        # Company size: an offer flagged for no size is open to every size (as finder.filters.size_q).
        for size, flag in zip(CompanySize.values, size_flags, strict=True):
            if flag or not any(size_flags):
                values["groesse"][size].append(position)
        for step in FUNDING_STEPS:  # "Förderung ab" (as the SQL filter max_amount >= step)
            if max_amount is not None and max_amount >= step:
                values["foerderung"][str(step)].append(position)
        values["anbieter"][provider].append(position)
        facts = multi.get(pk, {})
        for name in ("thema", "zielgruppe", "dimension"):
            for slug in facts.get(name, ()):
                values[name][slug].append(position)
        by_coverage[frozenset(facts.get("coverage", ()))].append(position)
    size = len(positions)
    orders = {name: _order(public, ordering, positions) for name, ordering in ORDERINGS.items() if name != "neu"}
    # Which regions each offer counts for: every region whose Kreise its coverage includes.
    region_positions = defaultdict(list)
    partly_positions = defaultdict(list)
    for slugs, members in by_coverage.items():
        full, partial = regions_for(slugs)
        for slug in full:
            region_positions[slug].append(members)
        for slug in partial:
            partly_positions[slug].append(members)
    bits = {name: {value: _mask(members, size) for value, members in values[name].items()} for name in FACETS}
    bits["region"] = {
        slug: _mask((position for members in groups for position in members), size)
        for slug, groups in region_positions.items()
    }
    partly = {
        slug: _mask((position for members in groups for position in members), size)
        for slug, groups in partly_positions.items()
    }
    return FacetIndex(
        positions=positions,
        bits=bits,
        current=_mask(current, size),
        labels={name: _sorted(name, options, positions_) for name, options in labels.items()},
        region_ids=region_ids,
        region_kinds={slug: kind for _pk, slug, _name, kind in regions},
        pks=list(positions),
        orders=orders,
        partly=partly,
    )


def _order(public, ordering, positions):
    """The index positions in the database's order `ordering` – every position exactly once.

    Read in a query of its own: an offer published between the queries is skipped, one unpublished
    in between is put last (the change has raised the content state; the next request rebuilds).
    """
    order = array("l")
    seen = bytearray(len(positions))
    for pk in public.order_by(*ordering).values_list("pk", flat=True):
        position = positions.get(pk)
        if position is not None and not seen[position]:
            seen[position] = 1
            order.append(position)
    order.extend(position for position, done in enumerate(seen) if not done)
    return order


def _sorted(name, values, positions):
    """Option labels in display order: editorial order for vocabularies, else alphabetical."""
    if name in ("art", "kosten", "format", "region", "groesse", "foerderung"):
        return dict(values)
    return dict(sorted(values.items(), key=lambda item: (positions.get((name, item[0]), 0), item[1].casefold())))
