from django.contrib import admin

from .models import Page, Recommendation, Thesis


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]


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
