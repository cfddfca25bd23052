"""Anfrage stellen: an SME's question reaches the provider by e-mail, is stored, scoped in the admin and
loses its personal data after the retention period."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from allianz_portal.models import OutgoingMail
from enquiries.models import Enquiry
from enquiries.tasks import purge_personal_data
from tests.conftest import make_institution, make_offer, region
from tests.loop_helpers import fresh_token, post_form

pytestmark = pytest.mark.django_db


def valid(**overrides):
    data = {
        "name": "Jana Beispiel",
        "company": "Beispiel Metallbau GmbH",
        "email": "jana@metallbau.example",
        "postcode": "32756",
        "kreis": "",
        "message": "Wir möchten einen Cobot für das Schweißen testen. Gibt es freie Termine im Frühjahr?",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def offer():
    provider = make_institution(name="SmartFactory Test", email="info@smartfactory.example")
    return make_offer(title="Cobot-Testfeld", provider=provider, contact_email="cobot@smartfactory.example")


def test_the_offer_page_links_to_the_enquiry_form_which_sets_no_cookie(client, offer):
    detail = client.get(offer.get_absolute_url())
    url = reverse("enquiries:enquire", args=[offer.slug])
    assert f'href="{url}"' in detail.content.decode()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="kern-heading-large">Anfrage stellen</h1>' in html
    assert "Cobot-Testfeld" in html and "SmartFactory Test" in html
    for label in ("Ihr Name", "Unternehmen", "E-Mail-Adresse", "Postleitzahl", "Ihre Nachricht"):
        assert label in html
    assert not response.cookies


def test_an_enquiry_is_stored_and_mailed_to_the_offer_contact_with_reply_to_and_a_copy(
    client, offer, django_capture_on_commit_callbacks
):
    response = post_form(
        client, reverse("enquiries:enquire", args=[offer.slug]), valid(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert "Vielen Dank – Ihre Anfrage ist unterwegs" in done.content.decode()

    enquiry = Enquiry.objects.get()
    assert (enquiry.offer, enquiry.institution, enquiry.status) == (offer, offer.provider, "neu")
    assert enquiry.kreis == region("kreis-lippe")  # 32756 Detmold
    assert enquiry.recipient == "cobot@smartfactory.example"

    provider_mail, copy = mail.outbox
    assert provider_mail.to == ["cobot@smartfactory.example"]
    assert provider_mail.reply_to == ["jana@metallbau.example"]
    assert "Cobot-Testfeld" in provider_mail.subject
    assert "Wir möchten einen Cobot" in provider_mail.body and "Beispiel Metallbau GmbH" in provider_mail.body
    assert provider_mail.alternatives and "Neue Anfrage zu Ihrem Angebot" in provider_mail.alternatives[0].content
    assert copy.to == ["jana@metallbau.example"]
    assert "Ihre Anfrage" in copy.subject and "Wir möchten einen Cobot" in copy.body
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"gesendet"}


def test_without_an_offer_contact_the_provider_and_then_the_editors_receive_it(
    client, django_capture_on_commit_callbacks, settings
):
    with_provider_mail = make_offer(provider=make_institution(email="kontakt@anbieter.example"), contact_email="")
    without_any = make_offer(provider=make_institution(email=""), contact_email="")
    for offer in (with_provider_mail, without_any):
        post_form(client, reverse("enquiries:enquire", args=[offer.slug]), valid(), django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox if m.reply_to] == [["kontakt@anbieter.example"], [settings.EDITORIAL_EMAIL]]
    assert "bitte leiten Sie die Anfrage an den Anbieter weiter" in mail.outbox[-2].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "keine-adresse", "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ("message", "", "Bitte schreiben Sie eine Nachricht an den Anbieter."),
        ("consent", "", "Bitte stimmen Sie zu"),
        ("postcode", "12", "Bitte geben Sie eine fünfstellige Postleitzahl an."),
        ("postcode", "", "Bitte geben Sie Ihre Postleitzahl an oder wählen Sie Ihren Kreis."),
        ("postcode", "10115", "Diese Postleitzahl kennen wir in NRW nicht."),
    ],
)
def test_bad_input_is_refused_with_a_german_message_and_nothing_is_stored(
    client, offer, field, value, message, django_capture_on_commit_callbacks
):
    data = valid(**{field: value})
    response = post_form(
        client, reverse("enquiries:enquire", args=[offer.slug]), data, django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enquiry.objects.exists() and not mail.outbox


def test_a_chosen_kreis_is_enough(client, offer, django_capture_on_commit_callbacks):
    post_form(
        client,
        reverse("enquiries:enquire", args=[offer.slug]),
        valid(postcode="", kreis="kreis-soest"),
        django_capture_on_commit_callbacks,
    )
    assert Enquiry.objects.get().kreis == region("kreis-soest")


def test_a_token_is_accepted_once_and_the_honeypot_stores_nothing(client, offer, django_capture_on_commit_callbacks):
    url = reverse("enquiries:enquire", args=[offer.slug])
    token = fresh_token()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**valid(), "token": token}).status_code == 302
        again = client.post(url, {**valid(), "token": token})
    assert again.status_code == 400
    assert "schon einmal abgeschickt" in again.content.decode()
    post_form(client, url, valid(homepage="http://spam.example"), django_capture_on_commit_callbacks)
    assert Enquiry.objects.count() == 1


def test_an_unpublished_offer_takes_no_enquiries(client):
    draft = make_offer(status="entwurf")
    assert client.get(reverse("enquiries:enquire", args=[draft.slug])).status_code == 404


def test_partner_editors_see_their_institutions_enquiries_only(client, django_user_model, offer):
    from django.contrib.auth.models import Group

    from partners.models import EditorProfile

    other = make_offer(title="Fremdes Angebot", provider=make_institution(name="Andere Hochschule"))
    mine = Enquiry.objects.create(
        offer=offer, institution=offer.provider, name="A", company="Firma Mein", email="a@x.de", place="", message="m"
    )
    theirs = Enquiry.objects.create(
        offer=other, institution=other.provider, name="B", company="Firma Fremd", email="b@x.de", place="", message="m"
    )
    user = django_user_model.objects.create_user("partnerin", "p@x.de", "pw-123456789", is_staff=True)
    user.groups.add(Group.objects.get(name="Partner-Redaktion"))
    EditorProfile.objects.create(user=user, institution=offer.provider)
    client.force_login(user)

    changelist = client.get(reverse("admin:enquiries_enquiry_changelist")).content.decode()
    assert "Cobot-Testfeld" in changelist and "Fremdes Angebot" not in changelist
    assert client.get(reverse("admin:enquiries_enquiry_change", args=[theirs.pk])).status_code in (302, 403, 404)
    response = client.post(reverse("admin:enquiries_enquiry_change", args=[mine.pk]), {"status": "beantwortet"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "beantwortet" and mine.status_changed_at is not None


def test_the_retention_task_deletes_personal_data_that_is_due(offer, settings):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 12
    old = Enquiry.objects.create(
        offer=offer, name="Alt", company="Alt GmbH", email="alt@x.de", place="32756", message="alt"
    )
    Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    young = Enquiry.objects.create(
        offer=offer, name="Neu", company="Neu GmbH", email="neu@x.de", place="", message="neu"
    )
    assert purge_personal_data.call() == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.name, old.company, old.email, old.message) == ("", "", "", "")
    assert old.personal_data_deleted_at is not None and old.offer == offer
    assert young.email == "neu@x.de"


class FlakyBackend:
    """Refuses the first delivery, accepts later ones (an SMTP server that was briefly down)."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise ConnectionRefusedError("Mailserver nicht erreichbar")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failed_delivery_is_kept_and_retried(offer):
    from allianz_portal import mailing

    FlakyBackend.calls = 0
    with override_settings(MAILERS={"default": {"BACKEND": "tests.enquiries.test_enquiries.FlakyBackend"}}):
        stored = mailing.queue(
            "enquiry_copy",
            {"enquiry": Enquiry(name="X", message="Hallo"), "offer": offer, "offer_url": "x"},
            ["x@y.de"],
            purpose="test",
        )
        assert mailing.deliver.call(stored.pk) == "failed"
        stored.refresh_from_db()
        assert (stored.status, stored.attempts) == ("wartet", 1)
        assert "Mailserver nicht erreichbar" in stored.last_error
        OutgoingMail.objects.filter(pk=stored.pk).update(next_attempt_at=timezone.now())
        assert mailing.deliver_pending.call() == 1
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("gesendet", 2)
    assert [m.to for m in mail.outbox] == [["x@y.de"]]


def test_subjects_and_plain_text_are_not_html_escaped(client, django_capture_on_commit_callbacks):
    provider = make_institution(name="Forschung & Praxis")
    offer = make_offer(title="F&E-Sprechstunde <Robotik>", provider=provider, contact_email="fe@x.example")
    data = valid(company="Müller & Söhne", message="Geht das auch für „Kunststoff & Metall“?")
    post_form(client, reverse("enquiries:enquire", args=[offer.slug]), data, django_capture_on_commit_callbacks)
    provider_mail, copy = mail.outbox
    assert provider_mail.subject == "Anfrage über das Transferportal NRW: F&E-Sprechstunde <Robotik>"
    assert copy.subject == "Ihre Anfrage zu „F&E-Sprechstunde <Robotik>“"
    assert "Müller & Söhne" in provider_mail.body and "„Kunststoff & Metall“" in provider_mail.body
    assert "&amp;" not in provider_mail.subject + provider_mail.body + copy.subject + copy.body
    assert "F&amp;E-Sprechstunde &lt;Robotik&gt;" in provider_mail.alternatives[0].content  # HTML stays escaped
