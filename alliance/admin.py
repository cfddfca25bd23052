from django.contrib import admin

from allianz_portal.history import ReadableHistoryAdmin

from .models import Document, Page, Recommendation, Thesis


@admin.register(Page)
class PageAdmin(ReadableHistoryAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # Pages have no foreign keys: simple-history's select_related() without names is deprecated in Django 6.1.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")


@admin.register(Thesis)
class ThesisAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    list_display_links = ["title"]
    search_fields = ["title", "text"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    list_display_links = ["title"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["offers", "networks", "topics"]


@admin.register(Document)
class DocumentAdmin(ReadableHistoryAdmin):
    list_display = ["title", "kind", "date", "language", "is_accessible", "is_demo"]
    list_filter = ["kind", "language", "is_accessible", "is_demo"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    fields = [
        "title", "slug", "kind", "date", "language", "summary", "file", "is_accessible", "accessibility_note",
        "is_demo",
    ]  # fmt: skip

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")
