from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from allianz_portal.freshness import one_state_per_request
from partners.models import Institution

from . import coverage
from .models import Region, RegionalNetwork


@method_decorator(one_state_per_request, name="dispatch")
class RegionDetailView(DetailView):
    queryset = Region.objects.select_related("parent__parent")

    def get_context_data(self, **kwargs):
        # The region's offers come from the finder's template tags (templates/regions/region_detail.html).
        region = self.object
        return super().get_context_data(
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
    return [(reverse("maps:regions"), _("Regionen")), *trail]


@method_decorator(one_state_per_request, name="dispatch")
class NetworkListView(ListView):
    queryset = RegionalNetwork.objects.prefetch_related("regions")
    extra_context = {"breadcrumbs": [(None, _("Netzwerke"))]}


@method_decorator(one_state_per_request, name="dispatch")
class NetworkDetailView(DetailView):
    queryset = RegionalNetwork.objects.select_related("institution").prefetch_related("regions", "formats")
    context_object_name = "network"  # the name the template reads

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=[(reverse("regions:network-list"), _("Netzwerke")), (None, self.object.name)],
            **kwargs,
        )
