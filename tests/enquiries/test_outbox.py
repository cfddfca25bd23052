"""The mail outbox in the admin: failed mails are visible (addresses masked, no text), can be sent again,
and are forgotten after the retention period."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allianz_portal import mailing
from allianz_portal.models import OutgoingMail

pytestmark = pytest.mark.django_db


def failed_mail(**fields):
    return OutgoingMail.objects.create(
        to=["jana@metallbau.example"],
        subject="Ihre Anfrage zu „Cobot-Testfeld“",
        text="Geheime Nachricht mit https://portal.example/suchauftrag/verwalten/abc/",
        purpose="anfrage-kopie",
        status=OutgoingMail.Status.FAILED,
        attempts=6,
        last_error="ConnectionRefusedError: Mailserver nicht erreichbar",
        **fields,
    )


def test_failed_mails_are_listed_without_address_or_text_and_can_be_sent_again(admin_client):
    stored = failed_mail()
    changelist = reverse("admin:allianz_portal_outgoingmail_changelist")
    page = admin_client.get(changelist + "?status=fehlgeschlagen").content.decode()
    assert "Ihre Anfrage zu „Cobot-Testfeld“" in page
    assert "j…@metallbau.example" in page
    assert "jana@metallbau.example" not in page
    detail = admin_client.get(reverse("admin:allianz_portal_outgoingmail_change", args=[stored.pk])).content.decode()
    assert "Mailserver nicht erreichbar" in detail
    assert "Geheime Nachricht" not in detail and "jana@" not in detail

    admin_client.post(changelist, {"action": "send_again", "_selected_action": [stored.pk]})
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("gesendet", 1)
    assert [m.to for m in mail.outbox] == [["jana@metallbau.example"]]


def test_failed_mails_are_deleted_after_the_retention_period(settings):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 12
    old, recent = failed_mail(), failed_mail()
    OutgoingMail.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    mailing.deliver_pending.call()
    assert list(OutgoingMail.objects.values_list("pk", flat=True)) == [recent.pk]
