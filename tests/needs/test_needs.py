"""Transferbedarf melden: matching offers at once, then the need goes to the contact points of its Kreis."""

import pytest
from django.core import mail
from django.urls import reverse

from needs.models import Need
from offers.models import Topic
from tests.conftest import make_institution, make_offer, region
from tests.loop_helpers import post_form

pytestmark = pytest.mark.django_db
URL = reverse("needs:report")


@pytest.fixture
def topic():
    return Topic.objects.create(name="Energieeffizienz", slug="energieeffizienz")


@pytest.fixture
def contact_points():
    owl = make_institution(name="OWL Transferstelle", is_contact_point=True, email="transfer@owl.example")
    owl.contact_regions.set([region("regierungsbezirk-detmold")])
    koeln = make_institution(name="Kölner Anlaufstelle", is_contact_point=True, email="hallo@koeln.example")
    koeln.contact_regions.set([region("koeln")])
    make_institution(name="Ohne Flag", email="nein@x.example").contact_regions.set([region("nrw")])
    return owl, koeln


def valid(topic, **overrides):
    data = {
        "topics": [topic.slug],
        "postcode": "",
        "kreis": "kreis-lippe",
        "company_size": "klein",
        "text": "Unsere Druckluftanlage frisst Strom. Wer misst und berät uns?",
        "company": "Lippe Kunststoff GmbH",
        "email": "technik@lippe-kunststoff.example",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_the_page_shows_matching_offers_at_once_without_javascript(client, topic):
    make_offer(title="Energieberatung für Lippe", topics=[topic], coverage=("kreis-lippe",))
    make_offer(title="Energieberatung nur für Köln", topics=[topic], coverage=("koeln",))
    make_offer(title="Robotik-Check")
    response = client.get(URL, {"topics": [topic.slug], "kreis": "kreis-lippe", "vorschau": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="kern-heading-large">Transferbedarf melden</h1>' in html
    assert "Ein passendes Angebot" in html
    assert "Energieberatung für Lippe" in html
    assert "nur für Köln" not in html and "Robotik-Check" not in html
    assert 'value="energieeffizienz" id="id_topics_0" checked' in html or "checked" in html
    assert not response.cookies


def test_a_need_is_routed_to_the_contact_points_covering_its_kreis(
    client, topic, contact_points, django_capture_on_commit_callbacks
):
    response = post_form(client, URL, valid(topic), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert "Ihr Bedarf ist angekommen" in client.get(response["Location"]).content.decode()
    need = Need.objects.get()
    owl, _koeln = contact_points
    assert list(need.routed_to.all()) == [owl]
    assert need.status == "weitergeleitet" and need.kreis == region("kreis-lippe")
    to_point, copy = mail.outbox
    assert to_point.to == ["transfer@owl.example"] and to_point.reply_to == ["technik@lippe-kunststoff.example"]
    assert "Kreis Lippe" in to_point.subject and "Druckluftanlage" in to_point.body
    assert copy.to == ["technik@lippe-kunststoff.example"] and "OWL Transferstelle" in copy.body


def test_without_a_contact_point_the_editors_receive_the_need(
    client, topic, django_capture_on_commit_callbacks, settings
):
    post_form(client, URL, valid(topic, kreis="kreis-soest"), django_capture_on_commit_callbacks)
    need = Need.objects.get()
    assert need.routed_to_editors and not need.routed_to.exists()
    assert mail.outbox[0].to == [settings.EDITORIAL_EMAIL]
    assert "keine Anlaufstelle hinterlegt" in mail.outbox[0].body


def test_missing_topics_and_consent_get_german_messages(client, topic, django_capture_on_commit_callbacks):
    response = post_form(client, URL, valid(topic, topics=[], consent=""), django_capture_on_commit_callbacks)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte wählen Sie mindestens ein Thema." in html and "Bitte stimmen Sie zu" in html
    assert not Need.objects.exists()


def test_editors_close_needs_in_the_admin(admin_client, topic):
    need = Need.objects.create(kreis=region("kreis-lippe"), company_size="klein", text="t", email="a@b.de")
    response = admin_client.post(
        reverse("admin:needs_need_changelist"), {"action": "mark_done", "_selected_action": [need.pk]}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == "erledigt" and need.closed_at and need.closed_by.username == "admin"
