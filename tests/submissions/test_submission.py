"""/angebote/vorschlagen/: a public suggestion becomes a draft plus a submission record; abuse is refused."""

import logging
import re
import types

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from allianz_portal import publicforms
from offers.models import Offer, OfferSubmission, Topic
from partners.models import Institution
from submissions import views as submission

pytestmark = pytest.mark.django_db

URL = reverse("submissions:submit")


class FailingBackend:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("Mailserver nicht erreichbar")


def valid_data(**overrides):
    data = {
        "title": "Digitalisierungs-Sprechstunde",
        "summary": "Eine Stunde kostenlose Beratung zur Digitalisierung.",
        "description": "Wir beraten **KMU** in Lippe.",
        "offer_type": "beratung",
        "topics": "Robotik, Völlig neues Thema",
        "target_groups": ["kmu"],
        "region": "kreis-lippe",
        "extra_region": "",
        "cost": "kostenfrei",
        "format": "online",
        "contact_email": "beratung@example.org",
        "url": "www.example.org/sprechstunde",
        "start_date": "",
        "end_date": "",
        "deadline": "31.03.2027",
        "submitter_name": "Erika Muster",
        "submitter_email": "erika@example.org",
        "institution_name": "Unbekanntes Institut für Transfer",
        "consent": "on",
        "homepage": "",
        "token": publicforms.make_token(now=0),  # rendered long ago, well within the day
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _token_clock(monkeypatch):
    """A fixed clock for the form: tokens made with now=0 were rendered 10 minutes ago.

    Only the form's clock: the shared cache (used tokens, rate limits) keeps real time for its expiry.
    """
    monkeypatch.setattr(publicforms, "time", types.SimpleNamespace(time=lambda: 600.0))


@pytest.fixture
def robotik():
    return Topic.objects.create(name="Robotik", slug="robotik")


def test_get_sets_no_cookie_and_has_one_h1(anon):
    response = anon.get(URL)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'href="/datenschutz/"' in html
    assert 'name="token"' in html and 'name="homepage"' in html
    assert "<title>Angebot vorschlagen" in html


def test_success_stores_a_draft_and_the_submission_and_mails_the_editors(
    anon, robotik, django_capture_on_commit_callbacks, settings
):
    institutions_before = Institution.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(URL, valid_data())
    assert response.status_code == 302 and response.url == reverse("submissions:done")
    assert not response.cookies

    offer = Offer.objects.get(title="Digitalisierungs-Sprechstunde")
    assert offer.status == Offer.Status.DRAFT and offer.provider is None
    assert list(offer.coverage.values_list("slug", flat=True)) == ["kreis-lippe"]
    assert list(offer.target_groups.values_list("slug", flat=True)) == ["kmu"]
    assert list(offer.topics.names()) == ["Robotik"]  # only topics that exist already
    assert not Topic.objects.filter(name="Völlig neues Thema").exists()
    assert offer.url == "https://www.example.org/sprechstunde"
    assert str(offer.deadline) == "2027-03-31"
    assert Institution.objects.count() == institutions_before  # nothing about the institution is public
    assert offer.history.count() == 1

    record = OfferSubmission.objects.get(offer=offer)
    assert (record.submitter_name, record.submitter_email) == ("Erika Muster", "erika@example.org")
    assert record.institution_name == "Unbekanntes Institut für Transfer"
    assert record.consent_at is not None and record.notified_at is not None
    assert record.details["topics"] == "Robotik, Völlig neues Thema"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [settings.EDITORIAL_EMAIL]
    assert "Digitalisierungs-Sprechstunde" in message.subject
    assert f"/admin/offers/offer/{offer.pk}/change/" in message.body

    assert anon.get(offer.get_absolute_url()).status_code == 404  # a draft, not public
    done = anon.get(response.url)
    assert done.status_code == 200 and "Vielen Dank" in done.content.decode()
    assert done.content.decode().count("<h1") == 1


@override_settings(MAILERS={"default": {"BACKEND": "tests.curation.test_submission.FailingBackend"}})
def test_a_failing_mail_server_loses_nothing(anon, django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.ERROR, logger="submissions.views"):
        with django_capture_on_commit_callbacks(execute=True):
            response = anon.post(URL, valid_data())
    assert response.status_code == 302
    record = OfferSubmission.objects.get()
    assert record.offer.title == "Digitalisierungs-Sprechstunde"
    assert record.notified_at is None
    assert "E-Mail an die Redaktion fehlgeschlagen" in caplog.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Bitte geben Sie den Titel an."),
        ("summary", "x" * 301, "höchstens 300 Zeichen"),
        ("description", "", "Bitte beschreiben Sie das Angebot."),
        ("offer_type", "zauberei", "gültige Auswahl"),
        ("target_groups", [], "mindestens eine Zielgruppe"),
        ("region", "", "wo das Angebot gilt"),
        ("region", "atlantis", "Region aus der Liste"),
        ("cost", "", "was das Angebot kostet"),
        ("format", "", "Format"),
        ("contact_email", "kaputt", "E-Mail-Adresse wie"),
        ("url", "nicht eine adresse", "Internetadresse"),
        ("deadline", "32.13.2027", "Frist als Datum"),
        ("end_date", "01.01.2027", "nicht vor dem Beginn"),
        ("submitter_name", "", "Ihren Namen"),
        ("submitter_email", "", "Ihre E-Mail-Adresse an"),
        ("institution_name", "", "Institution an"),
        ("consent", "", "Speicherung zu"),
    ],
)
def test_each_validation_error_in_the_kern_pattern(anon, field, value, message):
    data = valid_data(start_date="01.02.2027", **{field: value})
    if field == "consent":
        del data["consent"]
    response = anon.post(URL, data)
    assert response.status_code == 400
    assert not OfferSubmission.objects.exists() and not Offer.objects.filter(title=data["title"] or "-").exists()
    html = response.content.decode()
    assert "<title>Fehler: Angebot vorschlagen" in html
    assert html.count("<h1") == 1
    assert 'role="alert"' in html and "Bitte prüfen Sie eine Angabe" in html
    anchor = f"id_{field}_0" if field in {"target_groups", "cost", "format"} else f"id_{field}"
    assert f'href="#{anchor}"' in html and message in html
    assert f'id="{anchor}"' in html
    assert f'id="id_{field}-error"' in html
    tag = re.search(rf'<(?:input|select|textarea)[^>]*id="{anchor}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag
    assert re.search(rf'aria-describedby="[^"]*id_{field}-error', tag)
    # the visitor's other input is kept
    assert "Erika Muster" in html or field == "submitter_name"


def test_honeypot_pretends_success_and_stores_nothing(anon):
    response = anon.post(URL, valid_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert not Offer.objects.filter(title="Digitalisierungs-Sprechstunde").exists()
    assert not OfferSubmission.objects.exists()


def test_time_trap_refuses_politely_and_keeps_the_input(anon, monkeypatch):
    monkeypatch.setattr(publicforms.time, "time", lambda: 1.5)  # form rendered 1.5 s ago
    response = anon.post(URL, valid_data())
    assert response.status_code == 400
    html = response.content.decode()
    assert "schneller, als ein Mensch" in html and "Digitalisierungs-Sprechstunde" in html
    assert not OfferSubmission.objects.exists()
    # a fresh token comes with the page: sending again later works
    token = response.context["form"].data["token"]
    monkeypatch.setattr(publicforms.time, "time", lambda: 600.0)
    assert anon.post(URL, valid_data(token=token)).status_code == 302


@pytest.mark.parametrize("token", ["", "erfunden", "kaputt:xyz"])
def test_missing_or_forged_token_is_refused(anon, token):
    response = anon.post(URL, valid_data(token=token))
    assert response.status_code == 400
    assert "konnte nicht geprüft werden" in response.content.decode()
    assert not OfferSubmission.objects.exists()


def test_expired_token_is_refused(anon, monkeypatch):
    monkeypatch.setattr(publicforms.time, "time", lambda: 0.0)
    token = publicforms.make_token()
    monkeypatch.setattr(publicforms.time, "time", lambda: 2 * 24 * 60 * 60.0)
    response = anon.post(URL, valid_data(token=token))
    assert response.status_code == 400 and not OfferSubmission.objects.exists()


def test_rate_limit_five_per_hour_then_429(anon):
    for n in range(5):
        assert anon.post(URL, valid_data(title=f"Vorschlag {n}")).status_code == 302
    response = anon.post(URL, valid_data(title="Der sechste"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Zu viele Vorschläge" in html and html.count("<h1") == 1
    assert OfferSubmission.objects.count() == 5
    other = anon.post(URL, valid_data(title="Anderer Anschluss"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_rate_limit_uses_the_proxys_forwarded_address(anon, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR plays the proxy
    for n in range(5):
        response = anon.post(URL, valid_data(title=f"Über Proxy {n}"), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
        assert response.status_code == 302
    assert anon.post(URL, valid_data(), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7").status_code == 429
    assert anon.post(URL, valid_data(), HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2").status_code == 302


def test_a_token_is_accepted_only_once(anon):
    """Finding 2: one captured token cannot be replayed (it was 39 stored posts from one token)."""
    data = valid_data(title="Einmal-Token")
    assert anon.post(URL, data).status_code == 302
    replay = anon.post(URL, data)
    assert replay.status_code == 400
    assert "schon einmal abgeschickt" in replay.content.decode()
    assert OfferSubmission.objects.count() == 1
    assert anon.post(URL, data, REMOTE_ADDR="198.51.100.77").status_code == 400  # from elsewhere too
    assert OfferSubmission.objects.count() == 1


def test_rotating_forwarded_headers_from_an_untrusted_peer_do_not_bypass_the_limit(anon, settings):
    """Finding 1: without a configured proxy the peer's own address counts, whatever X-Forwarded-For says."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for n in range(8):
        anon.post(
            URL,
            valid_data(title=f"Rotierend {n}"),
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            HTTP_FORWARDED=f"for=192.0.2.{n}",
        )
    assert OfferSubmission.objects.count() == submission.RATE_LIMIT


def test_the_limit_is_counted_in_the_shared_database_cache(anon, settings):
    """Finding 2: the counter and the used tokens live in the cache every worker shares, not in process memory."""
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache
    from django.db import connection

    cache = caches[settings.RATELIMIT_USE_CACHE]
    assert isinstance(cache, BaseDatabaseCache)
    assert anon.post(URL, valid_data(title="Gezählt")).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM portal_ratelimit_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("used-token" in key for key in keys)
    assert any(key.startswith(":1:rl:") for key in keys)  # django-ratelimit's counter


def test_database_cache_incr_is_atomic_across_connections(transactional_db, settings):
    """Two threads (two database connections) counting 2 × 20 times end at 40: no lost update."""
    import threading

    from django.core.cache import caches
    from django.db import connections

    if connections["default"].vendor == "sqlite" and connections["default"].is_in_memory_db():
        pytest.skip("an in-memory SQLite database is not shared between threads")
    cache = caches[settings.RATELIMIT_USE_CACHE]
    cache.add("zaehler", 0, 60)
    errors = []

    def count():
        try:
            for _ in range(20):
                caches[settings.RATELIMIT_USE_CACHE].incr("zaehler")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("zaehler") == 40
