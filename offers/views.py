from django.urls import reverse
from django.views.generic import DetailView, ListView

from .filters import OfferFilter
from .models import Offer


class PublicOfferMixin:
    def get_queryset(self):
        return Offer.objects.public().for_listing()


class OfferListView(PublicOfferMixin, ListView):
    paginate_by = 20
    page_kwarg = "seite"

    def get_queryset(self):
        self.filterset = OfferFilter(self.request.GET, queryset=super().get_queryset().current())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, breadcrumbs=[(None, "Angebote")], **kwargs)


class OfferDetailView(PublicOfferMixin, DetailView):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related("target_groups", "dimensions", "coverage", "funded_by")
            .select_related("provider__seat")
        )

    def get_context_data(self, **kwargs):
        breadcrumbs = [(reverse("offers:list"), "Angebote"), (None, self.object.title)]
        return super().get_context_data(breadcrumbs=breadcrumbs, **kwargs)
