"""The admin side of demand: the Bedarfsradar at Kreis level with exact numbers (Redaktion), and each
provider's statistics per offer and month (partner editors: their institution's offers only)."""

import datetime

from django.contrib import admin
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.utils.formats import date_format

from offers import permissions
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


class MonthFilter(admin.SimpleListFilter):
    """One calendar month at a time: the months that have statistics in the editor's scope, newest first."""

    title = "Monat"
    parameter_name = "monat"

    def lookups(self, request, model_admin):
        months = model_admin.get_queryset(request).order_by("-month").values_list("month", flat=True).distinct()
        return [(f"{month:%Y-%m}", date_format(month, "F Y")) for month in months]

    def queryset(self, request, queryset):
        try:
            month = datetime.datetime.strptime(self.value() or "", "%Y-%m").date()
        except ValueError:
            return queryset
        return queryset.filter(month=month)


@admin.register(OfferMonthStat)
class OfferMonthStatAdmin(admin.ModelAdmin):
    """Per offer and month; above the list the sums over the rows the filters leave (all pages)."""

    list_display = ["offer", "month_display", "views", "enquiries", "alert_mails"]
    list_filter = [MonthFilter]
    list_select_related = ["offer"]
    search_fields = ["offer__title"]
    ordering = ["-month", "-views"]
    change_list_template = "admin/demand/offermonthstat/change_list.html"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["totals"] = changelist.queryset.aggregate(
                views=Sum("views", default=0),
                enquiries=Sum("enquiries", default=0),
                alert_mails=Sum("alert_mails", default=0),
            )
        return response

    @admin.display(description="Monat", ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%m/%Y}"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = permissions.institution_scope(request.user)
        if scope is permissions.UNRESTRICTED:
            return queryset
        return queryset.filter(offer__provider_id=scope) if scope else queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
