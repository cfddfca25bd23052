"""The finder's index: for every filter option, which public offers have it – so the list filters,
counts (under all *other* active filters, as the Förderdatenbank does) and sorts without a query.

Counting every facet in SQL would cost one grouped query per facet. Instead a compact index of the
public offers' facet values is built with a few queries and held in a process-local memo keyed by the
content state (allianz_portal.freshness; a shared cache would unpickle the large index on every
request). Each facet value is a bitset (a Python int, one bit per offer), so counting is a few hundred
AND + popcount operations, independent of the number of offers in Python terms. Every list of offers
(page, API, feeds, exports, alerts) is filtered, counted and sorted here (finder.finding); there is no
second, SQL, implementation of the filters.

The index follows edits (issue 16): a process builds it once, then each new content state is derived
from the previous index by a *delta* – only the offers changed since its DataVersion counter are read
again (`allianz_portal.freshness.changes_between`: the ContentChange rows written in the same
transaction as the change). How each kind of change reaches the index:

- an offer saved, deleted, (un)published, or its topics, target groups, dimensions or coverage changed:
  that offer; a scheduled publication whose time has come: the offers public now but not at the
  index's time (one query); a bulk import names its offers;
- a topic, target group or dimension renamed or deleted: the offers the index holds for it (no query);
  a provider (Institution) or network renamed: its offers (one indexed query);
- midnight: the "aktuell" bits are recomputed from each offer's last current day (kept per position);
- a Region saved or its members changed (reference data, unbounded: every offer's region bits may
  change), a change that named nothing (a raw `bump_data_version()`, `generate_offers`) or a change log
  pruned past the index: the index is rebuilt in a background thread of the process
  (`BUILD_IN_BACKGROUND`); until it is ready, requests are answered from the previous index with every
  known change applied, and their pages are not cached (`freshness.mark_provisional`).

A delta builds a new FacetIndex that shares every unchanged bitset, label and order with the previous
one (Python ints are immutable; changed dicts and arrays are copied), so requests in flight keep a
consistent index. A removed offer leaves a hole (its position drops out of `alive`); a new offer takes
the next position; "neu" is then an explicit order like the others, and each order is kept by
placing the moved offers among a few hundred pivots the database sorts (`_place`), so the collation
stays the database's. Remembered searches and masks never pass to the new index.
"""

import datetime
import heapq
import itertools
import json
import logging
import math
import sys
import threading
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db import connections, router
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from allianz_portal import freshness
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
from regions.models import Region, RegionalNetwork

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
COLUMNS = {sort: column for column, sort in enumerate(ORDERINGS)}  # sort -> its place in a `_ranks` tuple


_lock = threading.Lock()
_indexes = StateMemo(size=MEMO_SIZE)
_latest = StateMemo(size=1)  # "latest" -> the newest index of the process: the base of the next delta
_follow_lock = threading.Lock()  # one delta at a time per process
logger = logging.getLogger(__name__)

BUILD_IN_BACKGROUND = True  # rebuilds (region changes, unnamed changes) run in a thread, not in a request
NO_END = 2**31 - 1  # `until` of an offer that never stops being current


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
    positions: dict  # offer pk -> bit position (public offers only); built in the order "neu"
    bits: dict  # facet -> {value: bitset of the offers having it}
    current: int  # bitset of the offers that are current today
    labels: dict  # facet -> {value: label}
    region_ids: dict  # region slug -> id
    region_kinds: dict  # region slug -> kind
    pks: list  # bit position -> offer pk (a removed offer's position keeps its pk but leaves `alive`)
    orders: dict  # sort name -> every live position once, in that order
    partly: dict = field(default_factory=dict)  # region slug -> bitset of offers for only part of it
    searches: dict = field(default_factory=dict)  # search text -> ranked result (finder.finding.search)
    alive: int = 0  # bitset of the positions that hold a public offer
    bit_order: bool = True  # "neu" is the bit order (a fresh build); after a delta orders["neu"] is used
    counter: int = 0  # the DataVersion counter the index reflects
    day: datetime.date | None = None  # the day "current" was computed for
    as_of: datetime.datetime | None = None  # the time `Offer.objects.public(now)` was read at
    until: array = field(default_factory=lambda: array("l"))  # position -> last current day (ordinal)
    keys: array = field(default_factory=lambda: array("q"))  # position -> hash of the offer's sort keys
    vocabularies: dict = field(default_factory=dict)  # kind -> {pk: (slug, name, order)}
    label_order: dict = field(default_factory=dict)  # (facet, slug) -> editorial order
    provisional: bool = False  # a rebuild is pending: the index may lag behind (see the module docstring)

    @property
    def everything(self):
        return self.alive

    def newest_places(self):
        """{pk: place in the order "neu"} (search.engine breaks ties by it); the positions themselves
        while the bit order is "neu"."""
        if self.bit_order:
            return self.positions
        cache = self.__dict__.setdefault("_ranks", {})
        if "places" not in cache:
            pks = self.pks
            cache["places"] = {pks[position]: place for place, position in enumerate(self.orders["neu"])}
        return cache["places"]

    def select(self, bits, sort, start, stop):
        """The pks of the offers in bitset `bits` from `start` to `stop` in the order `sort`."""
        if sort not in self.orders or (sort == "neu" and self.bit_order):
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

    def remembered_search(self, key, build):
        """`build()` – a ranked search for the text `key`, or a bitset derived from it (key: (text, which)) –
        remembered with this index: it can never meet the bits of another content state, and goes with
        its index."""
        value = self.searches.get(key)
        if value is None:
            value = build()
            with _lock:
                _remember(self.searches, key, value, size=SEARCH_MEMO_SIZE)
        return value

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
        return _mask((positions[pk] for pk in pks if pk in positions), len(self.pks))

    def of_positions(self, positions):
        return _mask(positions, len(self.pks))

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


SEARCH_MEMO_SIZE = 3 * 256  # per facet index: 256 ranked searches with their two bitsets each
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
    """The index of the current content state: derived from the process's previous index by a delta
    (built from scratch only by the process's first request, or in the background; module docstring)."""
    state = content_state()
    index = _indexes.get("facets", lambda: _follow(state), state=state)
    if index.provisional:
        freshness.mark_provisional()
    return index


# -- following edits -------------------------------------------------------------------------------------

OFFER = "offers.offer"
# The vocabularies whose rows the index shows (labels, editorial order), by facet.
VOCABULARY_LABELS = {
    "offers.topic": "thema",
    "offers.targetgroup": "zielgruppe",
    "offers.innovationdimension": "dimension",
}
# Sources (model saved or m2m table) whose change the index cannot follow offer by offer.
REBUILD_SOURCES = {"regions.region", "regions.region_members"}
PIVOTS_FROM = 2000  # orders of fewer offers are read again whole; larger ones place moved offers by pivots
MAX_PLACED = 64  # more moved offers than this: the order is read again whole (a bulk change)

_rebuild = {"thread": None}


def _follow(state):
    """The index for `state`, derived from the process's latest index (or built when there is none)."""
    with _follow_lock:
        now = timezone.now()
        counter = freshness.counter_of(state.version)
        base = _latest.peek("latest")
        thread = _rebuild["thread"]
        if base is None and thread is not None:  # the worker's first build is under way (warm_up): wait for it
            _follow_lock.release()
            try:
                thread.join()
            finally:
                _follow_lock.acquire()
            base = _latest.peek("latest")
        if base is None:
            index = _build(now, state.day, counter)
        elif base.counter > counter:  # a state read before a newer one was followed, or a restored database
            if not _rebuild_later():
                return _install(_build(now, state.day, counter))
            return replace(base, searches={}, provisional=True)
        else:
            index = _derive(base, counter, state.day, now)
        return _install(index)


def _install(index):
    latest = _latest.peek("latest")
    if latest is None or index.counter >= latest.counter:
        _latest.put("latest", index)
    return index


def _derive(base, counter, today, now):
    """`base` brought to DataVersion `counter`, `today` and `now` (module docstring)."""
    changes = freshness.changes_between(base.counter + 1, counter) if counter > base.counter else {}
    rebuild = changes is None
    offers, vocabularies, providers, networks = set(), set(), set(), set()
    for entries in (changes or {}).values():
        named_offers = {pk for _source, label, pk in entries if label == OFFER}
        offers |= named_offers
        for source, label, pk in entries:
            if not label or source in REBUILD_SOURCES or (label == "regions.region" and not named_offers
                                                          and source == "offers.offer_coverage"):  # fmt: skip
                rebuild = True
            elif label in VOCABULARY_LABELS and not named_offers:  # the vocabulary row itself, or a reverse clear
                kind = VOCABULARY_LABELS[label]
                vocabularies.add(kind)
                slug = base.vocabularies.get(kind, {}).get(pk, (None,))[0]
                offers.update(base.pks[p] for p in set_positions(base.bits[kind].get(slug, 0)))
            elif label == "partners.institution" and source == label:
                providers.add(pk)
            elif label == "regions.regionalnetwork" and source == label:
                # Deleting a network sets its offers' network to NULL without a signal: take its members too.
                networks.add(pk)
                vocabularies.add("netzwerk")
                slug = base.vocabularies.get("netzwerk", {}).get(pk, (None,))[0]
                offers.update(base.pks[p] for p in set_positions(base.bits["netzwerk"].get(slug, 0)))
    if rebuild:
        if not _rebuild_later():
            return _build(now, today, counter)
    if providers or networks:
        related = Q(provider__in=providers) | Q(network__in=networks)
        offers.update(Offer.objects.filter(related).values_list("pk", flat=True))
    index = _apply(base, offers, vocabularies, now, today, counter)
    index.provisional = rebuild or _rebuild["thread"] is not None
    return index


def warm_up():
    """Build the index in the background as a worker starts (gunicorn.conf.py), not in its first request."""
    if _latest.peek("latest") is None:
        _rebuild_later()


def _rebuild_later():
    """Start a full build in a background thread (one at a time); False when BUILD_IN_BACKGROUND is off."""
    if not BUILD_IN_BACKGROUND:
        return False
    with _lock:
        if _rebuild["thread"] is None:
            thread = threading.Thread(target=_rebuild_in_background, name="facet-index-build", daemon=True)
            _rebuild["thread"] = thread
            thread.start()
    return True


def _rebuild_in_background():
    try:
        state = content_state()
        index = _build(timezone.now(), state.day, freshness.counter_of(state.version))
        with _follow_lock:
            _latest.put("latest", index)
            _rebuild["thread"] = None
            _indexes.clear()  # the provisional indexes: the next request derives from this one
    except Exception:
        logger.exception("facet index: background build failed")
        _rebuild["thread"] = None
    finally:
        _close_connections()


def _close_connections():
    """Close the background thread's own database connections (nobody else uses them)."""
    connections.close_all()


def _fresh(base, counter, now):
    """`base` for a new state with the same public offers: shares everything but remembered results."""
    index = replace(base, searches={}, counter=counter, as_of=now, provisional=False)
    if "_ranks" in base.__dict__:
        index.__dict__["_ranks"] = base.__dict__["_ranks"]
    return index


def _apply(base, changed, reload, now, today, counter):
    """A new index: `base` with the offers `changed` (pks) and the newly public ones read again."""
    public = Offer.objects.public(now)
    condition = Q(published_at__gt=base.as_of) if base.as_of is not None else Q(pk__in=[])
    if changed:
        condition |= Q(pk__in=changed)
    rows = list(public.filter(condition).values_list(*ROW_FIELDS))
    touched = set(changed) | {row[0] for row in rows}
    if not touched and today == base.day and not reload:
        return _fresh(base, counter, now)

    vocabularies = base.vocabularies
    pairs = list(_pairs([row[0] for row in rows])) if rows else []
    unknown = {kind for _offer, kind, related in pairs if related not in vocabularies.get(kind, {})}
    if reload | unknown:
        vocabularies = {**vocabularies, **_vocabularies(reload | unknown)}
    multi = defaultdict(lambda: defaultdict(set))
    labels = dict(base.labels)
    label_order = base.label_order
    new_labels = defaultdict(dict)
    for offer_id, kind, related in pairs:
        slug, name, order = vocabularies[kind][related]
        multi[offer_id][kind].add(slug)
        if kind != "coverage":
            new_labels[kind][slug] = name
            if label_order.get((kind, slug)) != order:
                label_order = dict(label_order) if label_order is base.label_order else label_order
                label_order[(kind, slug)] = order

    # Positions: changed offers keep theirs, new ones are appended, removed ones leave a hole.
    positions, pks = base.positions, base.pks
    public_now = {row[0] for row in rows}
    removed = [positions[pk] for pk in touched - public_now if pk in positions]
    added = [pk for pk in public_now if pk not in positions]
    if removed or added:
        positions, pks = dict(positions), list(pks)
        for position in removed:
            del positions[pks[position]]
        for pk in added:
            positions[pk] = len(pks)
            pks.append(pk)
    size = len(pks)
    old = [base.positions[pk] for pk in touched if pk in base.positions]
    cleared = _mask(old, size)

    until, keys = base.until[:], base.keys[:]
    until.extend(-1 for _ in added)
    keys.extend(0 for _ in added)
    for position in removed:
        until[position] = -1
    regions_for = _regions_for(base.region_ids)
    values = {name: defaultdict(list) for name in FACETS}
    partly_positions = defaultdict(list)
    current_positions = []
    moved = set()
    for row in rows:
        position = positions[row[0]]
        facts = multi.get(row[0], {})
        key, last_day = _row_values(row, position, facts, values, new_labels)
        full, partial = regions_for(facts.get("coverage", ()))
        for slug in full:
            values["region"][slug].append(position)
        for slug in partial:
            partly_positions[slug].append(position)
        until[position] = last_day
        if last_day >= today.toordinal():
            current_positions.append(position)
        if keys[position] != key or position >= len(base.pks):
            moved.add(position)
            keys[position] = key

    bits = {name: _changed_bits(base.bits[name], cleared, values[name], size) for name in FACETS}
    partly = _changed_bits(base.partly, cleared, partly_positions, size)
    removed_mask = _mask(removed, size)
    alive = (base.alive & ~removed_mask) | _mask((positions[pk] for pk in added), size)
    current = (base.current & ~cleared) | _mask(current_positions, size)  # the changed offers, for `today`
    if today != base.day:  # midnight (or a mocked clock): the offers whose last current day lies in between
        low, high = sorted((base.day.toordinal(), today.toordinal()))
        flipped = _mask((position for position, last in enumerate(until) if low <= last < high), size)
        current = current & ~flipped if today > base.day else current | (flipped & alive)

    for name in ("thema", "zielgruppe", "dimension", "anbieter", "netzwerk"):
        if bits[name] is base.bits[name] and not new_labels.get(name):
            continue
        options = {value: label for value, label in labels.get(name, {}).items() if value in bits[name]}
        options.update((value, label) for value, label in new_labels.get(name, {}).items() if value in bits[name])
        if options:
            labels[name] = _sorted(name, options, label_order)
        else:  # as a full build: no entry for a facet without values
            labels.pop(name, None)

    out = set(removed) | {position for position in moved if position < len(base.pks)}  # leave the old orders
    orders = dict(base.orders)
    bit_order = base.bit_order
    if out or moved:
        orders, ascending = _reordered(base, out, list(moved), pks, positions, public)
        bit_order = bit_order and ascending
    index = FacetIndex(
        positions=positions,
        bits=bits,
        current=current,
        labels=labels,
        region_ids=base.region_ids,
        region_kinds=base.region_kinds,
        pks=pks,
        orders=orders,
        partly=partly,
        alive=alive,
        bit_order=bit_order,
        counter=counter,
        day=today,
        as_of=now,
        until=until,
        keys=keys,
        vocabularies=vocabularies,
        label_order=label_order,
    )
    if not out and not moved and "_ranks" in base.__dict__:  # the orders are base's: so are the ranks
        index.__dict__["_ranks"] = base.__dict__["_ranks"]
    return index


def _changed_bits(previous, cleared, additions, size):
    """`previous` ({value: bitset}) without the bits `cleared`, plus `additions` ({value: positions});
    the same dict when nothing changes, values left without offers dropped."""
    result = None
    if cleared:
        for value, mask in previous.items():
            if mask & cleared:
                if result is None:
                    result = dict(previous)
                rest = mask & ~cleared
                if rest:
                    result[value] = rest
                else:
                    del result[value]
    for value, members in additions.items():
        if result is None:
            result = dict(previous)
        result[value] = result.get(value, 0) | _mask(members, size)
    return previous if result is None else result


def _reordered(base, out, moved, pks, positions, public):
    """({sort: base's order without the positions `out`, with the positions `moved` placed where the
    database sorts them}, whether "neu" still ascends through the moved ones). Copies; `base` is unchanged.

    A moved offer that still sorts between its two neighbours keeps its place in that order (one small
    query for all orders): an edit of a title moves the offer in "titel", rarely in "neu" or "termin"."""
    if len(base.pks) + len(moved) < PIVOTS_FROM or len(moved) > MAX_PLACED:
        orders = {sort: _order(public, ordering, positions, len(pks)) for sort, ordering in ORDERINGS.items()}
        return orders, all(a < b for a, b in itertools.pairwise(orders["neu"]))
    staying, first = _staying(base, out, moved, pks)
    orders, placing = {}, {}
    for sort, order in base.orders.items():
        leaving = out - staying[sort]
        placing[sort] = [position for position in moved if position not in staying[sort]]
        if len(leaving) <= MAX_PLACED:
            raw = order.tobytes()
            cuts = sorted(place for place in (_find(raw, position) for position in leaving) if place >= 0)
            order = array("l")
            start = 0
            for place in cuts:
                order.frombytes(raw[start * 8 : place * 8])
                start = place + 1
            order.frombytes(raw[start * 8 :])
        else:
            order = array("l", (position for position in order if position not in leaving))
        if first[sort]:
            order[0:0] = array("l", first[sort])
        orders[sort] = order
    if any(placing.values()):
        _place(orders, placing, pks)
    order = orders["neu"]
    raw = order.tobytes()
    for position in moved:
        place = _find(raw, position)
        if (place and order[place - 1] > position) or (place + 1 < len(order) and order[place + 1] < position):
            return orders, False
    return orders, True


def _staying(base, out, moved, pks):
    """({sort: the moved positions that still sort between their neighbours in base's order},
    {sort: the new positions that sort before its first offer, in order}): the moved offers and their
    neighbours ranked together in one query. A neighbour that moved or left itself, or a row that vanished
    meanwhile, decides nothing (the offer is placed by pivots). A newly published offer is usually the
    newest: it goes first in "neu" without pivots."""
    unsure = out | set(moved)
    neighbours = {}  # (sort, position) -> (position before or None, position after or None)
    for sort, order in base.orders.items():
        raw = order.tobytes()
        for position in moved:
            place = _find(raw, position)
            if place < 0:  # a new offer: does it come before the first?
                if order and order[0] not in unsure:
                    neighbours[sort, position] = (None, order[0])
                continue
            before = order[place - 1] if place > 0 else None
            after = order[place + 1] if place + 1 < len(order) else None
            if before not in unsure and after not in unsure:
                neighbours[sort, position] = (before, after)
    staying = {sort: set() for sort in base.orders}
    first = {sort: [] for sort in base.orders}
    if not neighbours:
        return staying, first
    wanted = {pks[position] for pair in neighbours.values() for position in pair if position is not None}
    ranked = _ranks(wanted | {pks[position] for _sort, position in neighbours})
    for (sort, position), (before, after) in neighbours.items():
        rank = ranked.get(pks[position])
        pair = [ranked.get(pks[other]) if other is not None else () for other in (before, after)]
        if rank is None or None in pair:
            continue
        column = COLUMNS[sort]
        if (not pair[0] or pair[0][column] < rank[column]) and (not pair[1] or rank[column] < pair[1][column]):
            staying[sort].add(position)
            if position >= len(base.pks):
                first[sort].append(position)
    for sort, positions in first.items():
        positions.sort(key=lambda position: ranked[pks[position]][COLUMNS[sort]])
    return staying, first


def _find(raw, position):
    """The index of `position` in an array("l") given as bytes (-1: absent): a memchr-fast byte search
    instead of array.index, which compares Python ints one by one (≈ 0.1 s through 1M)."""
    needle = array("l", [position]).tobytes()
    found = raw.find(needle)
    while found > 0 and found % 8:
        found = raw.find(needle, found + 1)
    return found // 8 if found >= 0 else -1


# A query's pks as one parameter, per database: PostgreSQL takes an array, SQLite a JSON list.
_ONE_PARAMETER = {
    "postgresql": ('"{table}"."{column}" = ANY(%s)', list),
    "sqlite": ('"{table}"."{column}" IN (SELECT value FROM json_each(%s))', json.dumps),
}
_ranks_sql = {}  # database alias -> the statement of _ranks, compiled once per process


def _ranks(pks):
    """{pk: (place in each order of ORDERINGS among these offers)} – one query, the database's collation.

    The statement is compiled by the ORM once per process and database, with the pks as its one
    parameter: a delta runs it up to three times (neighbours, pivots, segments), and compiling three window
    expressions costs more than the query."""
    if not pks:
        return {}
    alias = router.db_for_read(Offer)
    windows = {f"rank_{sort}": Window(RowNumber(), order_by=ordering) for sort, ordering in ORDERINGS.items()}
    vendor = connections[alias].vendor
    if vendor not in _ONE_PARAMETER:  # another database: the ORM, with one parameter per pk
        offers = Offer.objects.using(alias).filter(pk__in=list(pks)).annotate(**windows)
        return {pk: ranks for pk, *ranks in offers.values_list("pk", *windows).order_by()}
    where, convert = _ONE_PARAMETER[vendor]
    if alias not in _ranks_sql:
        pk_column = where.format(table=Offer._meta.db_table, column=Offer._meta.pk.column)
        offers = Offer.objects.using(alias).extra(where=[pk_column], params=[None])
        query = offers.annotate(**windows).values_list("pk", *windows).order_by().query
        sql, params = query.get_compiler(using=alias).as_sql()
        assert len(params) == 1, "the statement of _ranks takes the pks as its only parameter"
        _ranks_sql[alias] = sql
    with connections[alias].cursor() as cursor:
        cursor.execute(_ranks_sql[alias], [convert(list(pks))])
        return {pk: tuple(ranks) for pk, *ranks in cursor.fetchall()}


def _place(orders, placing, pks):
    """Insert the positions `placing[sort]` into each order of `orders` (in place) where the database's
    ORDER BY puts them.

    Two queries for all orders, whatever the size: the moved offers ranked among every √n-th offer of
    each order (pivots) say which segment each falls into; then the affected segments and their moved
    offers, ranked together, give the exact places. The database's collation decides, as in `_order`.
    """
    sorts = [sort for sort in ORDERINGS if placing.get(sort)]
    steps = {sort: max(1, math.isqrt(len(orders[sort]))) for sort in sorts}
    pivots = {
        sort: {pks[position]: number for number, position in enumerate(orders[sort][:: steps[sort]])} for sort in sorts
    }
    moving = {pks[position]: position for sort in sorts for position in placing[sort]}
    ranked = _ranks(set(moving).union(*pivots.values()))
    members, where, first, lost = {}, {}, {}, {}
    for sort in sorts:
        column, step, order = COLUMNS[sort], steps[sort], orders[sort]
        moved = placing[sort]
        members[sort], where[sort], first[sort] = {}, {}, []
        segment_of = {}  # moved position -> number of the pivot before it
        last = -1
        mine = {pks[position] for position in moved}
        chosen = [pk for pk in ranked if pk in pivots[sort] or pk in mine]
        for pk in sorted(chosen, key=lambda pk: ranked[pk][column]):
            if pk in pivots[sort]:
                last = pivots[sort][pk]
            elif last < 0:
                first[sort].append(moving[pk])
            else:
                segment_of[moving[pk]] = last
        lost[sort] = [p for p in moved if p not in segment_of and p not in first[sort]]  # gone meanwhile
        for number in set(segment_of.values()):
            for position in order[number * step : (number + 1) * step]:
                members[sort][pks[position]] = number
                where[sort][pks[position]] = position
        for position, number in segment_of.items():
            members[sort][pks[position]] = number
            where[sort][pks[position]] = position
    ranked = _ranks(set().union(*members.values()))
    for sort in sorts:
        column, step, order = COLUMNS[sort], steps[sort], orders[sort]
        sequences = defaultdict(list)
        if first[sort]:
            sequences[-1] = first[sort]
        found = sorted((pk for pk in members[sort] if pk in ranked), key=lambda pk: ranked[pk][column])
        for pk in found:
            sequences[members[sort][pk]].append(where[sort][pk])
        for pk, number in members[sort].items():  # rows that vanished between the queries keep their segment
            if pk not in ranked:
                sequences[number].append(where[sort][pk])
        for number in sorted(sequences, reverse=True):
            if number == -1:
                order[0:0] = array("l", sequences[number])
            else:
                order[number * step : (number + 1) * step] = array("l", sequences[number])
        order.extend(lost[sort])


ROW_FIELDS = (
    "pk", "offer_type", "cost", "format", "provider__slug", "provider__name", "network__slug", "network__name",
    "start_date", "end_date", "deadline", "max_amount", "for_micro", "for_small", "for_medium", "published_at",
    "title",
)  # fmt: skip
KINDS = ("thema", "zielgruppe", "dimension", "coverage")  # the many-to-many facts read per offer
RELATIONS = (*KINDS, "foerderer")  # what `relations` reads: the facts and the funding programmes


def _vocabularies(kinds=KINDS):
    """{kind: {pk: (slug, name, editorial order)}} of the small vocabularies (and the regions)."""
    readers = {
        "thema": lambda: {pk: (slug, name, 0) for pk, slug, name in Topic.objects.values_list("pk", "slug", "name")},
        "zielgruppe": lambda: {
            pk: (slug, name, order)
            for pk, slug, name, order in TargetGroup.objects.values_list("pk", "slug", "name", "order")
        },
        "dimension": lambda: {
            pk: (slug, name, order)
            for pk, slug, name, order in InnovationDimension.objects.values_list("pk", "slug", "name", "order")
        },
        "coverage": lambda: {
            pk: (slug, name, 0) for pk, slug, name in Region.objects.values_list("pk", "slug", "name")
        },
        "netzwerk": lambda: {
            pk: (slug, name, 0) for pk, slug, name in RegionalNetwork.objects.values_list("pk", "slug", "name")
        },
    }
    return {kind: readers[kind]() for kind in kinds}


def _pair_sources():
    """(table, offer column, related column, the link row's pk column) of the offers' many-to-many relations,
    in the order of RELATIONS."""
    sources = (
        (TaggedOffer, "content_object", "tag"),
        (Offer.target_groups.through, "offer", "targetgroup"),
        (Offer.dimensions.through, "offer", "innovationdimension"),
        (Offer.coverage.through, "offer", "region"),
        (Offer.funded_by.through, "from_offer", "to_offer"),
    )
    return [
        (
            model._meta.db_table,
            model._meta.get_field(owner).column,
            model._meta.get_field(related).column,
            model._meta.pk.column,
        )
        for model, owner, related in sources
    ]


PAIRS_CHUNK = 500  # offers per statement when a delta reads the facts of many (one parameter per relation)


def _pairs_sql(connection, offers_in, numbers, assigned=False):
    """The one statement of `_pairs`: every (offer, relation number, related pk) of the relations `numbers`
    (places in RELATIONS) whose offer is `IN (offers_in)`; with `assigned`, also the link row's pk (the
    order in which the relations were assigned). Each part takes the offers' parameters once."""
    quote = connection.ops.quote_name
    sources = _pair_sources()
    return " UNION ALL ".join(
        f"SELECT {quote(owner)}, {number}, {quote(related)}{f', {quote(link)}' if assigned else ''} "
        f"FROM {quote(table)} WHERE {quote(owner)} IN ({offers_in})"
        for number, (table, owner, related, link) in ((number, sources[number]) for number in numbers)
    )


def _pairs(offers, kinds=KINDS, assigned=False):
    """(offer, kind, related pk) of the relations `kinds` of `offers`: for a queryset of pks (the full build)
    streamed from one statement, for a list of pks (a delta, a page) one statement per chunk, with the link
    row's pk last if `assigned`. Plain SQL (no ORM per row or per compile); slugs and labels come from the
    small vocabularies, so 100k offers move only integers."""
    if unknown := set(kinds) - set(RELATIONS):
        raise ValueError(f"no such relation: {sorted(unknown)}")
    numbers = [number for number, kind in enumerate(RELATIONS) if kind in kinds]
    connection = connections[router.db_for_read(Offer)]
    if isinstance(offers, QuerySet):
        subquery, params = offers.order_by().query.sql_with_params()
        with connection.chunked_cursor() as cursor:  # server-side on PostgreSQL: ≈ 4M rows at 1M offers
            cursor.execute(_pairs_sql(connection, subquery, numbers), list(params) * len(numbers))
            while rows := cursor.fetchmany(20_000):
                yield from ((offer, RELATIONS[number], related) for offer, number, related in rows)
        return
    pks = list(offers)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), PAIRS_CHUNK):
            chunk = pks[start : start + PAIRS_CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(_pairs_sql(connection, placeholders, numbers, assigned), chunk * len(numbers))
            yield from ((offer, RELATIONS[number], *rest) for offer, number, *rest in cursor.fetchall())


def relations(pks, kinds=RELATIONS):
    """{offer pk: {kind: [related pks in the order they were assigned]}} of a few offers (a page of them,
    or one detail page): `_pairs` with the link rows' order, plus the funding programmes."""
    found = {pk: {kind: [] for kind in kinds} for pk in pks}
    for offer, kind, related, _assigned in sorted(_pairs(list(found), kinds, assigned=True), key=lambda row: row[3]):
        found[offer][kind].append(related)
    return found


def _regions_for(region_ids):
    """coverage slugs -> (slugs of the regions the offer counts for, slugs of those it serves in part)."""
    sets = coverage.kreis_sets()
    id_to_slug = {pk: slug for slug, pk in region_ids.items()}
    cache = {}

    def regions_for(coverage_slugs):
        key = frozenset(coverage_slugs)
        if key not in cache:
            # .get: a region created after the index was built is unknown to it until the rebuild it
            # triggers is ready (module docstring); meanwhile its offers count for their known regions.
            covered = frozenset().union(*(sets.get(region_ids.get(slug), ()) for slug in key))
            full, partial = coverage.served_region_ids(covered, sets)
            # Plus the coverage regions themselves (a new cooperation region without members yet).
            cache[key] = (
                key | frozenset(id_to_slug[region_id] for region_id in full if region_id in id_to_slug),
                frozenset(id_to_slug[region_id] for region_id in partial if region_id in id_to_slug) - key,
            )
        return cache[key]

    return regions_for


def _last_current_day(offer_type, start, end, deadline):
    """The ordinal of the last day the offer is "aktuell" (as finder.filters and Offer.objects.current)."""
    days = [deadline] if deadline is not None else []
    if end:
        days.append(end)
    elif start and offer_type == "veranstaltung":
        days.append(start)
    return min(days).toordinal() if days else NO_END


def _row_values(row, position, facts, values, labels):
    """Add the offer's facet values (all but regions) at `position` to `values` ({facet: {value: [positions]}})
    and its provider's and network's names to `labels`; return (hash of its sort keys, last current day)."""
    (_pk, offer_type, cost, fmt, provider, provider_name, network, network_name, start, end, deadline, max_amount,
     micro, small, medium, published_at, title) = row  # fmt: skip
    labels["anbieter"][provider] = provider_name
    values["anbieter"][provider].append(position)
    if network:
        labels["netzwerk"][network] = network_name
        values["netzwerk"][network].append(position)
    values["art"][offer_type].append(position)
    values["kosten"][cost].append(position)
    values["format"][fmt].append(position)
    # Company size: an offer flagged for no size is open to every size (as finder.filters.size_q).
    flags = (micro, small, medium)
    for size, flag in zip(CompanySize.values, flags, strict=True):
        if flag or not any(flags):
            values["groesse"][size].append(position)
    for step in FUNDING_STEPS:  # "Förderung ab" (as the SQL filter max_amount >= step)
        if max_amount is not None and max_amount >= step:
            values["foerderung"][str(step)].append(position)
    for name in ("thema", "zielgruppe", "dimension"):
        for slug in facts.get(name, ()):
            values[name][slug].append(position)
    return hash((published_at, title, start, deadline)), _last_current_day(offer_type, start, end, deadline)


def _build(now, today, counter=None):
    """The whole index from the database (a few queries; seconds at 100k offers)."""
    if counter is None:  # read before the offers, so every later change is applied as a delta
        counter = freshness.counter_of(content_state().version)
    public = Offer.objects.public(now)
    regions = list(Region.objects.values_list("id", "slug", "name", "kind"))
    region_ids = {slug: pk for pk, slug, _name, _kind in regions}
    vocabularies = _vocabularies(("thema", "zielgruppe", "dimension", "netzwerk"))
    vocabularies["coverage"] = {pk: (slug, name, 0) for pk, slug, name, _kind in regions}
    pairs = _pairs(public.values("pk"))

    labels = defaultdict(dict)
    labels["art"] = dict(Offer.OfferType.choices)
    labels["kosten"] = dict(Offer.Cost.choices)
    labels["format"] = dict(Offer.Format.choices)
    labels["groesse"] = dict(CompanySize.choices)
    labels["foerderung"] = dict(FUNDING_CHOICES)
    labels["region"] = {slug: name for _pk, slug, name, _kind in regions}
    # Lists, not sets: each pair is unique (the through tables' constraints); at 1M offers the sets cost GBs.
    multi = defaultdict(lambda: defaultdict(list))
    label_order = {}  # (facet, slug) -> editorial order
    for offer_id, kind, related in pairs:
        slug, name, position = vocabularies[kind][related]
        multi[offer_id][kind].append(slug)
        if kind != "coverage":
            labels[kind][slug] = name
            label_order[(kind, slug)] = position

    regions_for = _regions_for(region_ids)
    positions = {}
    values = {name: defaultdict(list) for name in FACETS}
    by_coverage = defaultdict(list)
    current = []
    until = array("l")
    keys = array("q")
    day = today.toordinal()
    # Streamed, not held as a list: the rows are needed once (≈ 0.6 GB at 1M offers).
    rows = public.order_by(*ORDERINGS["neu"]).values_list(*ROW_FIELDS).iterator(chunk_size=10_000)
    for row in rows:
        pk = row[0]
        position = positions[pk] = len(positions)
        facts = multi.get(pk, {})
        key, last_day = _row_values(row, position, facts, values, labels)
        keys.append(key)
        until.append(last_day)
        if last_day >= day:
            current.append(position)
        by_coverage[frozenset(facts.get("coverage", ()))].append(position)
    size = len(positions)
    orders = {name: _order(public, ordering, positions, size) for name, ordering in ORDERINGS.items() if name != "neu"}
    orders["neu"] = array("l", range(size))
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
        labels={name: _sorted(name, options, label_order) for name, options in labels.items()},
        region_ids=region_ids,
        region_kinds={slug: kind for _pk, slug, _name, kind in regions},
        pks=list(positions),
        orders=orders,
        partly=partly,
        alive=(1 << size) - 1,
        counter=counter,
        day=today,
        as_of=now,
        until=until,
        keys=keys,
        vocabularies=vocabularies,
        label_order=label_order,
    )


def _order(public, ordering, positions, size=None):
    """The live positions (the values of `positions`) in the database's order `ordering` – each once.

    Read in a query of its own: an offer published between the queries is skipped, one unpublished
    in between is put last (the change has raised the content state; the next delta places it).
    """
    size = len(positions) if size is None else size
    order = array("l")
    seen = bytearray(size)
    for pk in public.order_by(*ordering).values_list("pk", flat=True):
        position = positions.get(pk)
        if position is not None and not seen[position]:
            seen[position] = 1
            order.append(position)
    order.extend(position for position in sorted(positions.values()) if not seen[position])
    return order


def _sorted(name, values, positions):
    """Option labels in display order: editorial order for vocabularies, else alphabetical."""
    if name in ("art", "kosten", "format", "region", "groesse", "foerderung"):
        return dict(values)
    return dict(sorted(values.items(), key=lambda item: (positions.get((name, item[0]), 0), item[1].casefold())))
