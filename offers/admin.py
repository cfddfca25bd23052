from django.contrib import admin

from .models import InnovationDimension, Offer, TargetGroup, Topic


@admin.register(TargetGroup, InnovationDimension)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "offer_type", "status", "published_at", "last_verified", "is_demo"]
    list_filter = ["status", "offer_type", "cost", "format", "target_groups", "dimensions", "is_demo"]
    list_select_related = ["provider"]
    search_fields = ["title", "summary", "provider__name", "provider__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provider", "network", "coverage", "funded_by"]
    filter_horizontal = ["target_groups", "dimensions"]
    date_hierarchy = "published_at"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description"]}),
        ("Anbieter", {"fields": ["provider", "network"]}),
        (
            "Einordnung",
            {"fields": ["offer_type", "topics", "target_groups", "dimensions", "coverage", "cost", "format"]},
        ),
        ("Termine", {"fields": ["start_date", "end_date", "deadline"]}),
        ("Kontakt", {"fields": ["contact_name", "contact_email", "contact_phone", "url"]}),
        ("Finanzierung", {"fields": ["funded_by"]}),
        (
            "Veröffentlichung",
            {"fields": ["status", "published_at", "last_verified", "is_demo", "created_at", "updated_at"]},
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        # The "finanzierbar über" autocomplete offers funding programmes only.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "funded_by":
            queryset = queryset.filter(offer_type=Offer.OfferType.FUNDING)
        return queryset, may_have_duplicates


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
