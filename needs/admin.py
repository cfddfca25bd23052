from django.contrib import admin, messages
from django.utils import timezone

from .models import Need


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kreis", "company_size", "topic_list", "status", "routed_list"]
    list_filter = ["status", "company_size", "created_at"]
    list_select_related = ["kreis"]
    search_fields = ["text", "company", "kreis__name"]
    date_hierarchy = "created_at"
    actions = ["mark_done"]
    fields = [
        "status",
        "note",
        "created_at",
        "kreis",
        "postcode",
        "company_size",
        "topics",
        "text",
        "company",
        "email",
        "routed_to",
        "routed_to_editors",
        "closed_at",
        "closed_by",
        "personal_data_deleted_at",
    ]
    readonly_fields = [field for field in fields if field not in ("status", "note")]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics", "routed_to")

    @admin.display(description="Themen")
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

    @admin.display(description="weitergeleitet an")
    def routed_list(self, obj):
        names = [institution.short_name or institution.name for institution in obj.routed_to.all()]
        return ", ".join(names) or ("Redaktion" if obj.routed_to_editors else "–")

    def has_add_permission(self, request):
        return False  # needs come from SMEs only

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            done = obj.status == Need.Status.DONE
            obj.closed_at = timezone.now() if done else None
            obj.closed_by = request.user if done else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Als erledigt markieren", permissions=["change"])
    def mark_done(self, request, queryset):
        count = queryset.exclude(status=Need.Status.DONE).update(
            status=Need.Status.DONE, closed_at=timezone.now(), closed_by=request.user
        )
        self.message_user(request, f"{count} Bedarf(e) als erledigt markiert.", messages.SUCCESS)
