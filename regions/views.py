from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from offers.models import Offer
from offers.stats import count_by_region
from partners.models import Institution

from . import coverage
from .models import Region, RegionalNetwork


@require_GET
def region_index(request):
    kreise = list(Region.objects.kreise().select_related("parent"))
    public = Offer.objects.public().current()
    counts = count_by_region(public, kreise)
    bezirke = list(Region.objects.regierungsbezirke().order_by("official_key"))
    by_bezirk = {bezirk.pk: [] for bezirk in bezirke}
    for kreis in kreise:
        kreis.offer_count = counts[kreis.pk]
        by_bezirk[kreis.parent_id].append(kreis)
    for bezirk in bezirke:
        bezirk.kreise = by_bezirk[bezirk.pk]
    cooperation = Region.objects.cooperation_regions().prefetch_related(
        Prefetch("members", queryset=Region.objects.order_by("name"))
    )
    return render(
        request,
        "regions/region_index.html",
        {"bezirke": bezirke, "cooperation_regions": cooperation, "breadcrumbs": [(None, "Regionen")]},
    )


class RegionDetailView(DetailView):
    queryset = Region.objects.select_related("parent__parent")

    def get_context_data(self, **kwargs):
        region = self.object
        offers = Offer.objects.public().current().covering(region)
        return super().get_context_data(
            offers=offers.for_listing()[:10],
            offer_count=offers.count(),
            networks=RegionalNetwork.objects.filter(regions__in=coverage.overlapping_region_ids(region)).distinct(),
            institutions=Institution.objects.filter(seat__in=coverage.kreis_ids(region)).order_by("name"),
            children=region.children.order_by("name"),
            members=region.members.order_by("name"),
            breadcrumbs=region_breadcrumbs(region),
            **kwargs,
        )


def region_breadcrumbs(region):
    trail = [(None, region.name)]
    parent = region.parent
    while parent is not None:
        trail.insert(0, (parent.get_absolute_url(), parent.name))
        parent = parent.parent
    return [(reverse("regions:index"), "Regionen"), *trail]


class NetworkListView(ListView):
    queryset = RegionalNetwork.objects.prefetch_related("regions").annotate(
        offer_count=Count("offers", filter=Q(offers__in=Offer.objects.public().current()), distinct=True)
    )
    extra_context = {"breadcrumbs": [(None, "Netzwerke")]}


class NetworkDetailView(DetailView):
    queryset = RegionalNetwork.objects.select_related("institution").prefetch_related("regions", "formats")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            offers=Offer.objects.public().current().filter(network=self.object).for_listing(),
            breadcrumbs=[(reverse("regions:network-list"), "Netzwerke"), (None, self.object.name)],
            **kwargs,
        )
