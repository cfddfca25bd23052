"""Facet counts for the offer list: for every filter option, how many offers it would show under
all *other* active filters (as the Förderdatenbank does).

Counting every facet in SQL would cost one grouped query per facet. Instead a compact index of the
public offers' facet values is built with three queries and cached until the data changes (any
save/delete of offers, institutions, networks, topics or regions bumps `data_version()`), or until
the next scheduled publication, or the next day ("aktuell" depends on the date). Counting then runs
in Python. The list itself is filtered in the database by `OfferFilter`; tests keep both in step.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import CharField, F, IntegerField, Value
from django.utils import timezone

from regions import coverage

DATA_VERSION_KEY = "portal:data-version"

# Facets in the order they are shown; "region" counts by coverage containment.
FACETS = ("region", "art", "thema", "zielgruppe", "dimension", "kosten", "format", "netzwerk", "anbieter")


def data_version():
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(DATA_VERSION_KEY, version, timeout=None)
        version = cache.get(DATA_VERSION_KEY, version)
    return version


def bump_data_version(**kwargs):
    """Signal receiver: any content change makes every cached count stale."""
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:
        data_version()


@dataclass(frozen=True)
class OfferFacts:
    values: dict  # facet name -> frozenset of values (slugs / choice values)
    current: bool


@dataclass
class FacetIndex:
    offers: dict  # pk -> OfferFacts
    labels: dict  # facet -> {value: label}
    region_ids: dict  # region slug -> id
    region_kinds: dict  # region slug -> kind

    def count(self, candidates, selections):
        """{facet: Counter(value -> n)} for offers in `candidates` under the other facets' selections.

        `selections` maps facet -> set of selected values (OR within a facet, AND across facets).
        """
        active = {name: values for name, values in selections.items() if values}
        counts = {name: Counter() for name in FACETS}
        for pk in candidates:
            facts = self.offers.get(pk)
            if facts is None:
                continue
            failed = [name for name, wanted in active.items() if not (facts.values[name] & wanted)]
            if len(failed) > 1:
                continue
            targets = failed or FACETS
            for name in targets:
                counts[name].update(facts.values[name])
        return counts

    def matching(self, candidates, selections):
        active = {name: values for name, values in selections.items() if values}
        return [
            pk
            for pk in candidates
            if pk in self.offers and all(self.offers[pk].values[name] & wanted for name, wanted in active.items())
        ]


def facet_index():
    now = timezone.now()
    key = f"offers:facet-index:{data_version()}:{timezone.localdate(now).isoformat()}"
    index = cache.get(key)
    if index is None:
        index, valid_until = _build(now)
        timeout = 3600
        if valid_until:
            timeout = max(1, min(timeout, int((valid_until - now).total_seconds()) + 1))
        cache.set(key, index, timeout=timeout)
    return index


def _build(now):
    from regions.models import Region

    from .models import Offer, TaggedOffer

    today = timezone.localdate(now)
    # All published offers, scheduled ones included: they tell when the index must be rebuilt.
    public = Offer.objects.filter(status=Offer.Status.PUBLISHED)
    rows = list(
        public.values_list(
            "pk",
            "published_at",
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
        )
    )
    through_coverage = Offer.coverage.through.objects.filter(offer__in=public.values("pk"))
    through_groups = Offer.target_groups.through.objects.filter(offer__in=public.values("pk"))
    through_dims = Offer.dimensions.through.objects.filter(offer__in=public.values("pk"))
    topics = TaggedOffer.objects.filter(content_object__in=public.values("pk"))
    label, number = CharField(), IntegerField()
    pairs = (
        topics.values_list(
            "content_object_id", Value("thema", output_field=label), "tag__slug", "tag__name", Value(0, number)
        )
        .union(
            through_groups.values_list(
                "offer_id",
                Value("zielgruppe", output_field=label),
                "targetgroup__slug",
                "targetgroup__name",
                "targetgroup__order",
            ),
            through_dims.values_list(
                "offer_id",
                Value("dimension", output_field=label),
                "innovationdimension__slug",
                "innovationdimension__name",
                "innovationdimension__order",
            ),
            through_coverage.values_list(
                "offer_id",
                Value("coverage", output_field=label),
                F("region__slug"),
                F("region__name"),
                Value(0, number),
            ),
            all=True,
        )
        .order_by()
    )
    regions = list(Region.objects.values_list("id", "slug", "name", "kind"))
    region_ids = {slug: pk for pk, slug, _name, _kind in regions}
    region_names = {slug: name for _pk, slug, name, _kind in regions}
    id_to_slug = {pk: slug for pk, slug, _name, _kind in regions}

    labels = defaultdict(dict)
    labels["art"] = dict(Offer.OfferType.choices)
    labels["kosten"] = dict(Offer.Cost.choices)
    labels["format"] = dict(Offer.Format.choices)
    labels["region"] = region_names
    multi = defaultdict(lambda: defaultdict(set))
    positions = {}
    for offer_id, kind, slug, name, position in pairs:
        multi[offer_id][kind].add(slug)
        if kind != "coverage":
            labels[kind][slug] = name
            positions[(kind, slug)] = position

    # Which regions each offer counts for: every region whose Kreise its coverage includes.
    sets = coverage.kreis_sets()
    regions_for_cache = {}

    def regions_for(coverage_slugs):
        key = frozenset(coverage_slugs)
        if key not in regions_for_cache:
            covered = coverage.covered_kreis_ids(region_ids[slug] for slug in key if slug in region_ids)
            regions_for_cache[key] = frozenset(
                id_to_slug[region_id] for region_id, kreise in sets.items() if kreise and kreise <= covered
            )
        return regions_for_cache[key]

    offers = {}
    scheduled = []
    for (
        pk,
        published_at,
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
    ) in rows:
        if published_at > now:
            scheduled.append(published_at)
            continue
        labels["anbieter"][provider] = provider_name
        if network:
            labels["netzwerk"][network] = network_name
        ended = (end and end < today) or (end is None and start and start < today and offer_type == "veranstaltung")
        passed = deadline is not None and deadline < today
        offers[pk] = OfferFacts(
            values={
                "region": regions_for(multi[pk]["coverage"]),
                "art": frozenset([offer_type]),
                "thema": frozenset(multi[pk]["thema"]),
                "zielgruppe": frozenset(multi[pk]["zielgruppe"]),
                "dimension": frozenset(multi[pk]["dimension"]),
                "kosten": frozenset([cost]),
                "format": frozenset([fmt]),
                "netzwerk": frozenset([network] if network else []),
                "anbieter": frozenset([provider]),
            },
            current=not (ended or passed),
        )
    index = FacetIndex(
        offers=offers,
        labels={name: _sorted(name, values, positions) for name, values in labels.items()},
        region_ids=region_ids,
        region_kinds={slug: kind for _pk, slug, _name, kind in regions},
    )
    midnight = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    valid_until = min([*scheduled, midnight])
    return index, valid_until


def _sorted(name, values, positions):
    """Option labels in display order: editorial order for vocabularies, else alphabetical."""
    if name in ("art", "kosten", "format", "region"):
        return dict(values)
    return dict(sorted(values.items(), key=lambda item: (positions.get((name, item[0]), 0), item[1].casefold())))
