from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from allianz_portal.freshness import one_state_per_request

from .models import Institution


@method_decorator(one_state_per_request, name="dispatch")
class InstitutionListView(ListView):
    queryset = Institution.objects.select_related("seat")
    extra_context = {"breadcrumbs": [(None, _("Partner"))]}


@method_decorator(one_state_per_request, name="dispatch")
class InstitutionDetailView(DetailView):
    queryset = Institution.objects.select_related("seat")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            board_seats=self.object.board_members.order_by("-term_start"),
            networks=self.object.networks.all(),
            breadcrumbs=[(reverse("partners:list"), _("Partner")), (None, self.object.name)],
            **kwargs,
        )
