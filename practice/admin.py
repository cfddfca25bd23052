"""Curating practice examples: the offers' workflow (Entwurf → In Prüfung → Veröffentlicht → Archiviert) with
version history; only the Redaktion (permission publish_practiceexample) publishes and archives."""

from django.contrib import admin, messages

from allianz_portal.history import ReadableHistoryAdmin

from .models import PracticeExample

PUBLISH_PERMISSION = "practice.publish_practiceexample"
EDITOR_STATUSES = (PracticeExample.Status.DRAFT, PracticeExample.Status.REVIEW)


def can_publish(user):
    return bool(user.is_active and (user.is_superuser or user.has_perm(PUBLISH_PERMISSION)))


@admin.register(PracticeExample)
class PracticeExampleAdmin(ReadableHistoryAdmin):
    list_display = ["title", "company_label", "kreis", "company_size", "status", "published_at", "is_demo"]
    list_filter = ["status", "company_size", "is_demo", "topics"]
    list_select_related = ["kreis"]
    search_fields = ["title", "summary", "company_name", "sector"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["kreis", "offers", "funding", "networks"]
    filter_horizontal = ["topics"]
    date_hierarchy = "published_at"
    actions = ["submit_for_review", "publish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Unternehmen", {"fields": ["company_name", "company_size", "kreis", "sector"]}),
        ("Geschichte", {"fields": ["challenge", "approach", "result", "lessons"]}),
        ("Genutzt", {"fields": ["offers", "funding", "networks", "topics"]}),
        ("Veröffentlichung", {"fields": ["status", "published_at", "is_demo"]}),
    ]

    @admin.display(description="Unternehmen")
    def company_label(self, example):
        return example.company_label

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """Editors without the publish permission choose only between Entwurf and In Prüfung."""
        if db_field.name == "status" and not can_publish(request.user):
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value in EDITOR_STATUSES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly += ["published_at", "is_demo"]
        return readonly

    def has_change_permission(self, request, obj=None):
        """What is published or archived stays with the Redaktion."""
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not can_publish(request.user):
            return obj.status in EDITOR_STATUSES
        return allowed

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def _change_status(self, request, queryset, status, skip):
        done = 0
        for example in queryset:
            if example.status in skip:
                continue
            example.status = status
            example.save()
            done += 1
        return done

    @admin.action(description="Zur Prüfung geben", permissions=["change"])
    def submit_for_review(self, request, queryset):
        done = self._change_status(
            request, queryset.filter(status=PracticeExample.Status.DRAFT), PracticeExample.Status.REVIEW, ()
        )
        self.message_user(request, f"{done} Praxisbeispiel(e) zur Prüfung gegeben.")

    @admin.action(description="Veröffentlichen", permissions=["publish"])
    def publish(self, request, queryset):
        done = self._change_status(
            request, queryset, PracticeExample.Status.PUBLISHED, (PracticeExample.Status.PUBLISHED,)
        )
        self.message_user(request, f"{done} Praxisbeispiel(e) veröffentlicht.")

    @admin.action(description="Archivieren", permissions=["publish"])
    def archive(self, request, queryset):
        done = self._change_status(
            request, queryset, PracticeExample.Status.ARCHIVED, (PracticeExample.Status.ARCHIVED,)
        )
        if not done:
            self.message_user(request, "Nichts zu archivieren.", messages.WARNING)
            return
        self.message_user(request, f"{done} Praxisbeispiel(e) archiviert.")
