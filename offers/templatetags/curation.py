"""The editors' to-do list on the admin index page."""

from django import template
from django.urls import reverse

from offers import permissions
from offers.models import Offer

register = template.Library()


@register.inclusion_tag("admin/offers/_dashboard.html", takes_context=True)
def curation_dashboard(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("offers.view_offer"):
        return {"items": []}
    offers = permissions.scoped(Offer.objects.all(), user)
    changelist = reverse("admin:offers_offer_changelist")
    items = [
        ("Zur Prüfung eingereicht", offers.awaiting_review().count(), f"{changelist}?status__exact=pruefung"),
        (
            "Neue Vorschläge über das Formular",
            offers.filter(status=Offer.Status.DRAFT, submission__isnull=False).count(),
            f"{changelist}?vorschlag=neu",
        ),
        ("Prüfung fällig", offers.due_for_review().count(), f"{changelist}?pruefung_faellig=ja"),
        ("Läuft in 30 Tagen ab", offers.expiring_within(30).count(), f"{changelist}?ablauf=30"),
    ]
    return {"items": [{"label": label, "count": count, "url": url} for label, count, url in items]}
