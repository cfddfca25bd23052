"""Alert mails: what is due (sofort: every run; täglich: once a day from 7 o'clock; wöchentlich: Mondays
from 7 o'clock, local time), the mail with the offers new since the last check, and the clean-up."""

import datetime

from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from allianz_portal import mailing

from . import links
from .matching import describe, new_offers
from .models import SearchAlert
from .signals import alert_mail_sent

SEND_HOUR = 7
MAX_OFFERS = 30


def due_since(frequency, now):
    """The moment a check must have happened after for an alert of `frequency` to be done for now."""
    local = timezone.localtime(now)
    if frequency == SearchAlert.Frequency.INSTANT:
        return now
    start = local.replace(hour=SEND_HOUR, minute=0, second=0, microsecond=0)
    if frequency == SearchAlert.Frequency.WEEKLY:
        start -= datetime.timedelta(days=local.weekday())
    if start > local:
        start -= datetime.timedelta(days=7 if frequency == SearchAlert.Frequency.WEEKLY else 1)
    return start


def is_due(alert, now):
    return alert.checked_until is None or alert.checked_until < due_since(alert.frequency, now)


def send_alert(alert, now):
    """Mail the offers new for `alert` since its last check (if any) and move its window on."""
    offers = list(new_offers(alert.query, alert.checked_until or alert.confirmed_at, now)[: MAX_OFFERS + 1])
    if offers:
        with translation.override(alert.language):
            unsubscribe = links.unsubscribe_url(alert)
            context = {
                "alert": alert,
                "offers": offers[:MAX_OFFERS],
                "more": len(offers) > MAX_OFFERS,
                "filters": describe(alert.query),
                "list_url": links.absolute(reverse("finder:list") + ("?" + alert.query if alert.query else "")),
                "unsubscribe_url": unsubscribe,
                "manage_url": links.manage_url(alert.email),
            }
        mailing.queue(
            "alert_digest",
            context,
            [alert.email],
            purpose="suchauftrag",
            language=alert.language,
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
        alert.last_sent_at = now
        alert_mail_sent.send(SearchAlert, offer_ids=[offer.pk for offer in offers[:MAX_OFFERS]], when=now)
    alert.checked_until = now
    alert.save(update_fields=["checked_until", "last_sent_at"])
    return len(offers[:MAX_OFFERS])


@task
def send_due_alerts():
    """Periodic (every 10 minutes): send every confirmed alert that is due; returns the mails sent."""
    now = timezone.now()
    sent = 0
    for alert in SearchAlert.objects.confirmed().order_by("pk").iterator():
        if is_due(alert, now) and send_alert(alert, now):
            sent += 1
    return sent


@task
def purge_unconfirmed():
    """Periodic: alerts not confirmed within 7 days are deleted, address and all."""
    deleted, _ = SearchAlert.objects.unconfirmed_expired().delete()
    return deleted
