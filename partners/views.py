from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from .models import Institution


class InstitutionListView(ListView):
    queryset = Institution.objects.select_related("seat")
    extra_context = {"breadcrumbs": [(None, _("Partner"))]}


class InstitutionDetailView(DetailView):
    queryset = Institution.objects.select_related("seat")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            board_seats=self.object.board_members.order_by("-term_start"),
            networks=self.object.networks.all(),
            breadcrumbs=[(reverse("partners:list"), _("Partner")), (None, self.object.name)],
            **kwargs,
        )
