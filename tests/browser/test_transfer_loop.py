"""The transfer loop in a real browser at 1280 and 360 px: an SME asks a provider a question, and subscribes
to new offers for a search and confirms by the link in the mail. axe finds nothing on the new pages."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from alerts.models import SearchAlert
from allianz_portal import publicforms
from enquiries.models import Enquiry
from tests.browser.conftest import run_axe
from tests.conftest import make_institution, make_offer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_time_trap(monkeypatch):
    monkeypatch.setattr(publicforms, "MIN_SECONDS", 0)  # tested with the forms; a robot types fast


def test_sme_asks_a_provider_about_an_offer(page, site):
    offer = make_offer(
        title="Cobot-Testfeld für KMU",
        topics=["Robotik"],
        provider=make_institution(name="Testfeld Bielefeld"),
        contact_email="testfeld@anbieter.example",
    )
    mail.outbox.clear()
    page.goto(offer.get_absolute_url())
    page.get_by_role("link", name="Anfrage stellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anfrage stellen")
    assert run_axe(page) == []

    page.get_by_label("Ihr Name").fill("Jana Beispiel")
    page.get_by_label("Unternehmen").fill("Beispiel Metallbau GmbH")
    page.get_by_label("E-Mail-Adresse").fill("jana@metallbau.example")
    page.get_by_label("Postleitzahl").fill("33602")
    page.get_by_label("Ihre Nachricht").fill("Können wir den Cobot mit unseren Werkstücken testen?")
    page.get_by_label(re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Anfrage senden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank – Ihre Anfrage ist unterwegs")
    enquiry = Enquiry.objects.get()
    assert (enquiry.company, enquiry.kreis.name) == ("Beispiel Metallbau GmbH", "Bielefeld")
    assert [m.to for m in mail.outbox] == [["testfeld@anbieter.example"], ["jana@metallbau.example"]]


def test_sme_subscribes_to_new_offers_and_confirms(page, site):
    make_offer(title="Robotik-Sprechstunde", topics=["Robotik"])
    mail.outbox.clear()
    page.goto("/angebote/?thema=robotik")
    page.get_by_role("link", name="Neue Angebote per E-Mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neue Angebote per E-Mail")
    expect(page.locator(".alert-filters")).to_contain_text("Robotik")
    assert run_axe(page) == []

    page.get_by_label("E-Mail-Adresse", exact=True).fill("kmu@metallbau.example")
    page.get_by_label(re.compile("^täglich")).check()
    page.get_by_label(re.compile("Ich bin einverstanden")).check()
    page.get_by_role("button", name="Suchauftrag anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre E-Mail-Adresse")

    link = re.search(r"http://\S+/suchauftrag/bestaetigen/\S+", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^http://[^/]+", "", link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Suchauftrag ist aktiv")
    assert run_axe(page) == []
    alert = SearchAlert.objects.get()
    assert (alert.frequency, alert.query) == ("taeglich", "thema=robotik")
    assert alert.confirmed_at is not None
