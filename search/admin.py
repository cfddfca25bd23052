from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Synonym, ZeroResultSearch


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms", "kind", "expands_to", "active", "shipped"]
    list_filter = ["kind", "active"]
    search_fields = ["terms", "expands_to"]
    fields = ["terms", "kind", "expands_to", "active"]

    @admin.display(description="mitgeliefert", boolean=True)
    def shipped(self, synonym):
        return synonym.reference_key is not None


@admin.register(ZeroResultSearch)
class ZeroResultSearchAdmin(admin.ModelAdmin):
    """ "Suchen ohne Treffer": what visitors searched for in vain, most frequent first."""

    list_display = ["query", "week", "count", "add_synonym"]
    list_filter = ["week"]
    search_fields = ["query"]
    ordering = ["-count", "-week", "query"]
    readonly_fields = ["query", "week", "count"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Synonym")
    def add_synonym(self, search):
        url = reverse("admin:search_synonym_add") + "?" + urlencode({"terms": search.query})
        return format_html('<a href="{}">Als Synonym anlegen</a>', url)
