from django.contrib import admin
from django.db.models import Count

from allianz_portal.history import ReadableHistoryAdmin

from .models import Municipality, PostalCode, Region, RegionalNetwork, TransferFormat


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "official_key", "parent", "offer_count"]
    list_filter = ["kind", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "official_key", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["members"]
    ordering = ["official_key", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(offer_total=Count("offers", distinct=True))

    @admin.display(description="Angebote (direkt zugeordnet)", ordering="offer_total")
    def offer_count(self, region):
        return region.offer_total


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "official_key", "kreis"]
    list_filter = [("kreis", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["kreis"]
    search_fields = ["name", "official_key", "postal_codes__code"]
    autocomplete_fields = ["kreis"]
    inlines = [PostalCodeInline]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "municipality", "kreis"]
    list_select_related = ["municipality__kreis"]
    search_fields = ["code", "municipality__name"]
    autocomplete_fields = ["municipality"]

    @admin.display(description="Kreis / kreisfreie Stadt", ordering="municipality__kreis__name")
    def kreis(self, postal_code):
        return postal_code.municipality.kreis


class TransferFormatInline(admin.StackedInline):
    model = TransferFormat
    extra = 0


@admin.register(RegionalNetwork)
class RegionalNetworkAdmin(ReadableHistoryAdmin):
    list_display = ["name", "kind", "institution", "founded", "updated_at"]
    list_filter = ["kind", "regions"]
    list_select_related = ["institution"]
    search_fields = ["name", "short_name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["institution", "regions"]
    inlines = [TransferFormatInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "institution", "regions", "website", "founded"]}),
        ("Beschreibung", {"fields": ["description"]}),
        (
            "Transfermodell",
            {
                "description": "Was sich an diesem regionalen Modell für andere Regionen lernen lässt.",
                "fields": ["offers_for_smes", "transferable_methods", "success_factors", "lessons_learned"],
            },
        ),
    ]
