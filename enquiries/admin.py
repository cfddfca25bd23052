"""Enquiries in the admin: the provider's partner editors see their institution's, the Redaktion all.

Scoped exactly like offers (offers/permissions.py): a partner editor's list, change view and object
permissions reach only enquiries about offers of their own institution. Editors set the status; what the
SME wrote stays as it came.
"""

from django.contrib import admin
from django.utils import timezone

from offers import permissions

from .models import Enquiry


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "offer", "company", "kreis", "status"]
    list_display_links = ["created_at", "offer"]
    list_filter = ["status", "created_at"]
    list_select_related = ["offer", "kreis"]
    search_fields = ["offer__title", "company", "name"]
    date_hierarchy = "created_at"
    fields = [
        "offer",
        "institution",
        "status",
        "created_at",
        "status_changed_at",
        "name",
        "company",
        "email",
        "place",
        "kreis",
        "message",
        "recipient",
        "personal_data_deleted_at",
    ]
    readonly_fields = [field for field in fields if field != "status"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = permissions.institution_scope(request.user)
        if scope is permissions.UNRESTRICTED:
            return queryset
        return queryset.filter(institution_id=scope) if scope else queryset.none()

    def has_add_permission(self, request):
        return False  # enquiries come from SMEs only

    def _in_scope(self, request, obj):
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not permissions.is_partner_editor(request.user)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.status_changed_at = timezone.now()
        super().save_model(request, obj, form, change)
