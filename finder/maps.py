"""Offers on the map: the region overview (offers per Kreis) and the transfer map (offers per region and kind
or topic, and where gaps are) – counted in the finder's index, so every number matches the list it links to."""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from allianz_portal.pagecache import cache_public_page
from offers.models import Offer
from regions import svgmap
from regions.models import Region

from .counts import count_in_regions, topic_counts
from .index import facet_index


@require_GET
@cache_public_page
def region_index(request):
    kreise = list(Region.objects.kreise().select_related("parent"))
    index = facet_index()
    counts = count_in_regions(index, index.current, kreise)
    shades = svgmap.shade_classes(counts[kreis.pk] for kreis in kreise)
    nrw = svgmap.nrw_map()
    bezirke = list(Region.objects.regierungsbezirke().order_by("official_key"))
    by_bezirk = {bezirk.pk: [] for bezirk in bezirke}
    for kreis in kreise:
        kreis.offer_count = counts[kreis.pk]
        kreis.shade = svgmap.shade_of(kreis.offer_count, shades)
        kreis.map_path = nrw.paths.get(kreis.official_key, "")
        by_bezirk[kreis.parent_id].append(kreis)
    for bezirk in bezirke:
        bezirk.kreise = by_bezirk[bezirk.pk]
    cooperation = Region.objects.cooperation_regions().prefetch_related(
        Prefetch("members", queryset=Region.objects.order_by("name"))
    )
    return render(
        request,
        "regions/region_index.html",
        {
            "bezirke": bezirke,
            "kreise": kreise,
            "map": nrw,
            "map_kreise": [kreis for bezirk in bezirke for kreis in bezirk.kreise if kreis.map_path],
            "shades": shades,
            "cooperation_regions": cooperation,
            "breadcrumbs": [(None, _("Regionen"))],
        },
    )


TOP_TOPICS = 8


@dataclass(frozen=True)
class MatrixCell:
    count: int  # offers for the whole region
    url: str  # the filtered offer list; empty without offers for the whole region
    column: str
    partial: int = 0  # offers for only part of the region (some of its Kreise)

    @property
    def gap(self):
        return not self.count and not self.partial


@dataclass(frozen=True)
class Matrix:
    """Regions (rows, in groups) × values of one list filter (columns): offers available per cell."""

    slug: str
    caption: str
    columns: list  # [(value, label)]
    groups: list  # [(group label, [(region, [MatrixCell])])]


# Row levels of the map: ?ebene=kreise shows the 53 Kreise and kreisfreie Städte, by Regierungsbezirk.
LEVEL_REGIONS, LEVEL_KREISE = "regionen", "kreise"


@require_GET
@cache_public_page
def transfer_map(request):
    """The transfer map: which kinds of offer and which topics exist in which region, and where gaps are.

    Each cell counts the offers for the whole region and, beside them, those for only some of its Kreise
    (regions/coverage.py); a gap is a cell with neither. One query (the regions); every cell is a popcount in
    the facet index, so the cost does not grow with the number of offers.
    """
    index = facet_index()
    current = index.current
    level = LEVEL_KREISE if request.GET.get("ebene") == LEVEL_KREISE else LEVEL_REGIONS
    if level == LEVEL_KREISE:
        kreise = list(Region.objects.kreise().select_related("parent").order_by("parent__official_key", "name"))
        by_bezirk = {}
        for kreis in kreise:
            by_bezirk.setdefault(kreis.parent, []).append(kreis)
        groups = [(bezirk.name, rows) for bezirk, rows in by_bezirk.items()]
        regions = kreise
    else:
        regions = list(
            Region.objects.filter(kind__in=[Region.Kind.REGIERUNGSBEZIRK, Region.Kind.COOPERATION]).order_by("name")
        )
        bezirke = sorted((r for r in regions if r.kind == Region.Kind.REGIERUNGSBEZIRK), key=lambda r: r.official_key)
        cooperation = [r for r in regions if r.kind == Region.Kind.COOPERATION]
        groups = [(_("Regierungsbezirke"), bezirke), (_("Kooperationsregionen"), cooperation)]
    available = {region.pk: index.region(region.slug) & current for region in regions}
    in_part = {region.pk: index.region_in_part(region.slug) & current for region in regions}
    top_topics = topic_counts(index, current, limit=TOP_TOPICS)

    type_bits = index.bits["art"]
    by_type = Matrix(
        slug="art",
        caption=_("Aktuelle Angebote je Region und Angebotsart"),
        columns=Offer.OfferType.choices,
        groups=_matrix_rows(
            groups,
            "art",
            Offer.OfferType.choices,
            count_values(available, type_bits),
            count_values(in_part, type_bits),
        ),
    )
    topic_columns = [(slug, name) for slug, name, _count in top_topics]
    topic_bits = {slug: index.bits["thema"][slug] for slug, _name in topic_columns}
    by_topic = Matrix(
        slug="thema",
        caption=gettext("Aktuelle Angebote je Region zu den %(count)s häufigsten Themen")
        % {"count": len(topic_columns)},
        columns=topic_columns,
        groups=_matrix_rows(
            groups, "thema", topic_columns, count_values(available, topic_bits), count_values(in_part, topic_bits)
        ),
    )
    return render(
        request,
        "regions/transfer_map.html",
        {
            "by_type": by_type,
            "by_topic": by_topic,
            "level": level,
            "breadcrumbs": [(None, _("Transferlandkarte"))],
        },
    )


def count_values(available, value_bits):
    """{region id: Counter(value -> offers available there with that value)}.

    `available`: region id -> bitset of the offers available there; `value_bits`: value -> bitset.
    """
    return {
        region_id: Counter({value: (bits & mask).bit_count() for value, mask in value_bits.items()})
        for region_id, bits in available.items()
    }


def _matrix_rows(groups, parameter, columns, counts, partial_counts):
    """[(group label, [(region, [MatrixCell])])]; a cell links to the filtered list when offers for the whole
    region exist (the list's region filter shows exactly those)."""
    list_url = reverse("finder:list")
    rows = []
    for label, regions in groups:
        group = []
        for region in regions:
            cells = []
            for value, column in columns:
                count = counts[region.pk][value]
                url = f"{list_url}?{urlencode({'region': region.slug, parameter: value})}" if count else ""
                partial = partial_counts[region.pk][value]
                cells.append(MatrixCell(count=count, url=url, column=column, partial=partial))
            group.append((region, cells))
        rows.append((label, group))
    return rows
