"""The Bedarfsradar: demand signals against supply, per region, topic and month – aggregated only.

Demand comes from `DemandCount` rows (month, kind, region, topic, count). A row counts for region R when
the Kreise of its region all lie in R (coverage rule of regions/coverage.py): a need from Kreis Lippe
counts for Regierungsbezirk Detmold and for Ostwestfalen-Lippe, a search filtered to all of NRW for no
single region. Supply is the number of current public offers available in R (facet index, the same count
as the Transferlandkarte). Public numbers under PUBLIC_MINIMUM are shown as "< 5".
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from finder.index import facet_index
from regions import coverage

from .models import DemandCount, first_of_month

PUBLIC_MINIMUM = 5
MONTHS_BACK = 12
KINDS = [kind for kind, _label in DemandCount.Kind.choices]


@dataclass
class Cell:
    count: int
    hidden: bool

    def __str__(self):
        return f"< {PUBLIC_MINIMUM}" if self.hidden else f"{self.count:n}"


def recent_months(today=None, back=MONTHS_BACK):
    month = first_of_month(today or timezone.localdate())
    months = []
    for _ in range(back):
        months.append(month)
        month = first_of_month(month - datetime.timedelta(days=1))
    return months


def demand_by_region(regions, months, topic=None, public=True):
    """{region pk: {kind: Cell}} summed over `months` (a list of first-of-month dates)."""
    rows = (
        DemandCount.objects.filter(month__in=months, topic=topic, region__isnull=False)
        .values("region_id", "kind")
        .annotate(total=Sum("count"))
    )
    sets = coverage.kreis_sets()
    table = {region.pk: defaultdict(int) for region in regions}
    for row in rows:
        kreise = sets.get(row["region_id"], frozenset())
        for region in regions:
            if kreise and kreise <= sets.get(region.pk, frozenset()):
                table[region.pk][row["kind"]] += row["total"]
    return {
        pk: {kind: Cell(counts[kind], public and 0 < counts[kind] < PUBLIC_MINIMUM) for kind in KINDS}
        for pk, counts in table.items()
    }


def supply_by_region(regions, topic=None):
    """{region pk: current public offers available there (on `topic`)}."""
    index = facet_index()
    base = index.current
    if topic is not None:
        base &= index.bits["thema"].get(topic.slug, 0)
    return {region.pk: (index.region(region.slug) & base).bit_count() for region in regions}


@dataclass
class Bar:
    region: object
    demand: int  # the visible demand signals only: hidden small numbers are not added back
    demand_partly_hidden: bool
    supply: int
    demand_width: float  # percent of the chart's width
    supply_width: float

    @property
    def demand_label(self):
        if not self.demand_partly_hidden:
            return f"{self.demand:n}"
        if not self.demand:
            return f"< {PUBLIC_MINIMUM}"
        return gettext("mind. %(count)s") % {"count": f"{self.demand:n}"}


CHART_WIDTH = 70  # percent of the width the longest bar takes; the rest holds its number


def chart_bars(entries):
    """Bars of demand and supply for rows [(region, supply, [Cell…])], on one scale (the longest bar of both).

    Demand is the sum of the cells shown in the table, so the chart reveals no number the table hides."""
    totals = [
        (region, sum(cell.count for cell in cells if not cell.hidden), any(cell.hidden for cell in cells), supply)
        for region, supply, cells in entries
    ]
    top = max((max(demand, supply) for _r, demand, _h, supply in totals), default=0) or 1
    return [
        Bar(
            region,
            demand,
            hidden,
            supply,
            round(CHART_WIDTH * demand / top, 1),
            round(CHART_WIDTH * supply / top, 1),
        )
        for region, demand, hidden, supply in totals
    ]
