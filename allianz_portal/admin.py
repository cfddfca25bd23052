"""Admin of the project package: the mail outbox, read-only, to see what is waiting or has failed and to send
it again; and django-tasks-db's task results taken out (English labels – editors follow imports under
Angebote → Importe, operators read the queue in the database or the worker's log).

Addresses are shown masked and the mail text is not shown at all: alert mails carry signed links that act
for their recipient, enquiry mails what an SME wrote. Only superusers reach this page (no role grants it).
"""

from django.contrib import admin, messages
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import OutgoingMail

admin.site.unregister(DBTaskResult)


def mask(address):
    """Mask an address: "name@firma.de" becomes "n…@firma.de" (tells mails apart, hides the address)."""
    local, _at, domain = str(address).partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "purpose", "recipients", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "purpose", "created_at"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "subject",
        "purpose",
        "recipients",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields

    @admin.display(description="An")
    def recipients(self, mail):
        return ", ".join(mask(address) for address in mail.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Erneut senden", permissions=["view"])
    def send_again(self, request, queryset):
        from .mailing import deliver

        pks = list(queryset.exclude(status=OutgoingMail.Status.SENT).values_list("pk", flat=True))
        OutgoingMail.objects.filter(pk__in=pks).update(
            status=OutgoingMail.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        for pk in pks:
            deliver.enqueue(pk)
        self.message_user(request, f"{len(pks)} E-Mail(s) werden erneut gesendet.", messages.SUCCESS)
