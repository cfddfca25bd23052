"""/bedarfsradar/: where SMEs look for support and how much there is – beside the Transferlandkarte."""

from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from allianz_portal.pagecache import cache_public_page
from offers.models import Topic
from regions.models import Region

from . import radar
from .models import DemandCount


def month_choices(months):
    return [(month.strftime("%Y-%m"), date_format(month, "F Y")) for month in months]


def chosen_months(value, months):
    """The month asked for (`monat=2026-10`), else the whole last year; unknown values mean the default."""
    for month in months:
        if value == month.strftime("%Y-%m"):
            return [month], value
    return months, ""


@require_GET
@cache_public_page
def demand_radar(request):
    months = radar.recent_months()
    selected_months, month_value = chosen_months(request.GET.get("monat", ""), months)
    topics = list(Topic.objects.filter(tagged_offers__isnull=False).distinct().order_by("name"))
    topic = next((t for t in topics if t.slug == request.GET.get("thema")), None)
    regions = list(
        Region.objects.filter(kind__in=[Region.Kind.REGIERUNGSBEZIRK, Region.Kind.COOPERATION]).order_by(
            "official_key", "name"
        )
    )
    demand = radar.demand_by_region(regions, selected_months, topic)
    supply = radar.supply_by_region(regions, topic)
    groups = [
        (_("Regierungsbezirke"), [r for r in regions if r.kind == Region.Kind.REGIERUNGSBEZIRK]),
        (_("Kooperationsregionen"), [r for r in regions if r.kind == Region.Kind.COOPERATION]),
    ]
    rows = [
        (label, [(region, supply[region.pk], [demand[region.pk][kind] for kind in radar.KINDS]) for region in group])
        for label, group in groups
    ]
    return render(
        request,
        "demand/radar.html",
        {
            "rows": rows,
            "bars": radar.chart_bars(rows[0][1]),  # the Regierungsbezirke
            "kinds": DemandCount.Kind.choices,
            "topics": topics,
            "topic": topic,
            "months": month_choices(months),
            "month_value": month_value,
            "period": date_format(selected_months[0], "F Y")
            if len(selected_months) == 1
            else _("%(start)s bis %(end)s")
            % {"start": date_format(selected_months[-1], "F Y"), "end": date_format(selected_months[0], "F Y")},
            "minimum": radar.PUBLIC_MINIMUM,
            "breadcrumbs": [(None, _("Bedarfsradar"))],
        },
    )
