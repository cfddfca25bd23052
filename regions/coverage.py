"""Which Kreise a region stands for, and which regions contain a given one.

Coverage is defined on Kreise: a region stands for the set of Kreise/kreisfreie Städte inside it
(the Land for all 53, a Regierungsbezirk for its own, a cooperation region for its members, a Kreis
for itself). An offer for region S counts for region R when S's Kreise include all of R's Kreise.
So an NRW-wide offer counts for Kreis Lippe, an offer for Ostwestfalen-Lippe counts for Kreis Höxter
and for Regierungsbezirk Detmold (same Kreise), and an offer for Kreis Lippe does not count for Soest.

The mapping is small (≈70 regions) and changes only when staff edit regions, so it is cached and
dropped on every region change (see regions/signals.py).
"""

from collections import defaultdict

from django.core.cache import cache

CACHE_KEY = "regions:kreis-sets:v1"


def kreis_sets():
    """Return {region_id: frozenset(kreis_ids)} for every region."""
    sets = cache.get(CACHE_KEY)
    if sets is None:
        sets = _compute_kreis_sets()
        cache.set(CACHE_KEY, sets, timeout=None)
    return sets


def clear_cache():
    cache.delete(CACHE_KEY)


def _compute_kreis_sets():
    from .models import KREIS_KINDS, Region

    rows = list(Region.objects.values_list("id", "kind", "parent_id"))
    children = defaultdict(set)
    for region_id, _kind, parent_id in rows:
        if parent_id:
            children[parent_id].add(region_id)
    members = defaultdict(set)
    for coop_id, kreis_id in Region.members.through.objects.values_list("from_region_id", "to_region_id"):
        members[coop_id].add(kreis_id)

    kinds = {region_id: kind for region_id, kind, _ in rows}

    def below(region_id):
        if kinds[region_id] in KREIS_KINDS:
            return {region_id}
        if kinds[region_id] == Region.Kind.COOPERATION:
            return set(members[region_id])
        found = set()
        for child in children[region_id]:
            found |= below(child)
        return found

    return {region_id: frozenset(below(region_id)) for region_id in kinds}


def containing_region_ids(region):
    """Ids of every region whose Kreise include all Kreise of `region` (itself included)."""
    sets = kreis_sets()
    own = sets.get(region.pk, frozenset())
    if not own:
        return {region.pk}
    return {other for other, kreise in sets.items() if kreise >= own}


def served_region_ids(covered, sets=None):
    """For an offer whose coverage stands for the Kreise `covered`: (regions it counts for, regions it serves
    only in part). It counts for R when `covered` includes all of R's Kreise (the rule above); it serves R in
    part when it covers some of R's Kreise but not all – a Kreis Lippe offer for Regierungsbezirk Detmold."""
    full, partial = set(), set()
    for region_id, kreise in (sets if sets is not None else kreis_sets()).items():
        if not kreise or not (kreise & covered):
            continue
        (full if kreise <= covered else partial).add(region_id)
    return full, partial


def covered_kreis_ids(region_ids):
    """The Kreise that a set of coverage regions stands for."""
    sets = kreis_sets()
    covered = set()
    for region_id in region_ids:
        covered |= sets.get(region_id, frozenset())
    return covered


def kreis_ids(region):
    """The Kreise that `region` stands for."""
    return kreis_sets().get(region.pk, frozenset())


def overlapping_region_ids(region):
    """Ids of every region that shares at least one Kreis with `region`."""
    own = kreis_ids(region)
    return {other for other, kreise in kreis_sets().items() if kreise & own} or {region.pk}
