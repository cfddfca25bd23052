"""The admin side of demand: the Bedarfsradar at Kreis level with exact numbers (Redaktion), and each
provider's statistics per offer and month (partner editors: their institution's offers only)."""

from django.contrib import admin
from django.template.response import TemplateResponse

from offers import workflow
from regions.models import Region

from . import radar
from .models import DemandCount, OfferMonthStat


@admin.register(DemandCount)
class DemandCountAdmin(admin.ModelAdmin):
    """Read-only: the changelist is the Kreis-level radar."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        months = radar.recent_months()
        selected = [m for m in months if m.strftime("%Y-%m") == request.GET.get("monat")] or months
        kreise = list(Region.objects.kreise().order_by("name"))
        demand = radar.demand_by_region(kreise, selected, public=False)
        supply = radar.supply_by_region(kreise)
        rows = [(kreis, supply[kreis.pk], [demand[kreis.pk][kind].count for kind in radar.KINDS]) for kreis in kreise]
        context = {
            **self.admin_site.each_context(request),
            "title": "Bedarfsradar nach Kreisen",
            "opts": self.model._meta,
            "rows": rows,
            "kinds": DemandCount.Kind.choices,
            "months": [(m.strftime("%Y-%m"), m) for m in months],
            "selected": request.GET.get("monat", ""),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/demand/radar.html", context)


@admin.register(OfferMonthStat)
class OfferMonthStatAdmin(admin.ModelAdmin):
    list_display = ["offer", "month_display", "views", "enquiries", "alert_mails"]
    list_filter = ["month"]
    list_select_related = ["offer"]
    search_fields = ["offer__title"]
    ordering = ["-month", "-views"]

    @admin.display(description="Monat", ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%m/%Y}"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = workflow.institution_scope(request.user)
        if scope is workflow.UNRESTRICTED:
            return queryset
        return queryset.filter(offer__provider_id=scope) if scope else queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
