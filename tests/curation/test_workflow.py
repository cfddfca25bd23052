"""Workflow: Entwurf → In Prüfung → Veröffentlicht → Archiviert, scheduled publication, automatic expiry."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CHANGELIST = reverse("admin:offers_offer_changelist")


def days(n):
    return TODAY + datetime.timedelta(days=n)


def listed(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {offer.title for offer in response.context["cl"].result_list}


def test_scheduled_offer_appears_publicly_only_from_its_time(anon, editor_client):
    scheduled = make_offer(title="Ab morgen", published_at=timezone.now() + datetime.timedelta(days=1))
    assert anon.get(scheduled.get_absolute_url()).status_code == 404
    assert "Ab morgen" not in anon.get(reverse("finder:list")).content.decode()
    assert "Ab morgen" in listed(editor_client, zustand="geplant")
    Offer.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert anon.get(scheduled.get_absolute_url()).status_code == 200


def test_expired_offers_leave_the_public_list_and_show_as_expired_to_staff(anon, editor_client):
    make_offer(title="Frist vorbei", offer_type="foerderung", deadline=days(-1))
    make_offer(title="Veranstaltung vorbei", offer_type="veranstaltung", start_date=days(-3), end_date=days(-2))
    make_offer(title="Noch aktuell", deadline=days(5))
    public_titles = set(Offer.objects.public().current().values_list("title", flat=True))
    assert {"Frist vorbei", "Veranstaltung vorbei"}.isdisjoint(public_titles)
    assert "Noch aktuell" in public_titles
    html = anon.get(reverse("finder:list")).content.decode()
    assert "Frist vorbei" not in html and "Noch aktuell" in html

    assert listed(editor_client, zustand="abgelaufen") >= {"Frist vorbei", "Veranstaltung vorbei"}
    assert "Noch aktuell" not in listed(editor_client, zustand="abgelaufen")
    html = editor_client.get(CHANGELIST, {"q": "vorbei"}).content.decode()
    assert html.count('class="curation-expired">abgelaufen<') == 2


def test_state_labels():
    now = timezone.now()
    assert make_offer(status="entwurf", published_at=None).state == ("entwurf", "Entwurf")
    assert make_offer(published_at=now + datetime.timedelta(hours=1)).state[0] == "geplant"
    assert make_offer(deadline=days(-1)).state[0] == "abgelaufen"
    assert make_offer().state[0] == "oeffentlich"
    assert make_offer(status="archiviert").state == ("archiviert", "Archiviert")


def test_redaktion_walks_an_offer_through_the_workflow(editor_client, anon):
    offer = make_offer(title="Durch den Ablauf", status="entwurf", published_at=None)

    def act(action):
        editor_client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [str(offer.pk)]})
        offer.refresh_from_db()

    act("submit_for_review")
    assert offer.status == "pruefung" and anon.get(offer.get_absolute_url()).status_code == 404
    act("publish")
    assert offer.status == "veroeffentlicht" and offer.published_at is not None
    assert anon.get(offer.get_absolute_url()).status_code == 200
    act("archive")
    assert offer.status == "archiviert" and anon.get(offer.get_absolute_url()).status_code == 404
    assert offer.history.count() >= 4


def test_publishing_keeps_a_scheduled_time(editor_client, anon):
    later = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)  # stored to the second
    offer = make_offer(status="pruefung", published_at=later)
    editor_client.post(CHANGELIST, {"action": "publish", ACTION_CHECKBOX_NAME: [str(offer.pk)]})
    offer.refresh_from_db()
    assert offer.status == "veroeffentlicht" and offer.published_at == later
    assert anon.get(offer.get_absolute_url()).status_code == 404


def test_publishing_needs_a_provider(editor_client):
    draft = make_offer(status="entwurf", published_at=None)
    Offer.objects.filter(pk=draft.pk).update(provider=None)
    response = editor_client.post(CHANGELIST, {"action": "publish", ACTION_CHECKBOX_NAME: [str(draft.pk)]}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "entwurf"
    assert "Anbieter fehlt" in response.content.decode()


def test_scheduling_help_text_is_shown_in_the_admin(editor_client):
    html = editor_client.get(reverse("admin:offers_offer_add")).content.decode()
    assert "Zeitpunkt in der Zukunft" in html
