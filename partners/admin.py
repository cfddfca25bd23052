from django import forms
from django.contrib import admin

from allianz_portal.history import ReadableHistoryAdmin

from .models import BoardMember, EditorProfile, Institution


class InstitutionForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("is_contact_point") and not data.get("contact_regions"):
            self.add_error(
                "contact_regions",
                "Bitte wählen Sie mindestens eine Region, für die diese Anlaufstelle zuständig ist.",
            )
        return data


@admin.register(Institution)
class InstitutionAdmin(ReadableHistoryAdmin):
    form = InstitutionForm
    list_display = ["name", "short_name", "kind", "seat", "is_alliance_partner", "is_contact_point"]  # fits 1280 px
    list_filter = ["kind", "is_alliance_partner", "is_contact_point", "is_demo"]
    list_select_related = ["seat"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["seat"]
    filter_horizontal = ["contact_regions"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "short_name", "slug", "kind", "website", "seat", "description", "is_alliance_partner"]},
        ),
        (
            "Anlaufstelle für Transferbedarfe",
            {
                "fields": ["email", "is_contact_point", "contact_regions"],
                "description": "Anlaufstellen erhalten gemeldete Transferbedarfe aus den Kreisen ihrer Regionen "
                "per E-Mail. Die Adresse gilt auch für Anfragen zu Angeboten ohne eigene Kontaktadresse.",
            },
        ),
        ("Beispieldaten", {"fields": ["is_demo"]}),
    ]


@admin.register(BoardMember)
class BoardMemberAdmin(ReadableHistoryAdmin):
    list_display = ["full_name", "function", "institution", "group", "order", "term_start", "term_end"]
    list_filter = ["group", "institution"]
    list_select_related = ["institution"]
    search_fields = ["first_name", "last_name", "function", "institution__name"]
    autocomplete_fields = ["institution"]
    ordering = ["group", "order"]

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, member):
        return member.full_name


@admin.register(EditorProfile)
class EditorProfileAdmin(admin.ModelAdmin):
    """Links a staff user to the one institution whose offers they curate (group "Partner-Redaktion")."""

    list_display = ["user", "institution"]
    list_select_related = ["user", "institution"]
    search_fields = ["user__username", "user__email", "institution__name"]
    autocomplete_fields = ["user", "institution"]
