"""Suchauftrag: subscribe to a filtered list → confirm by mail → a new matching offer is mailed → one-click
unsubscribe; managed through a signed link, without an account, without ever showing the address."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import tasks
from alerts.models import SearchAlert
from offers.models import Topic
from tests.conftest import make_offer
from tests.loop_helpers import post_form

pytestmark = pytest.mark.django_db

EMAIL = "kmu@metallbau.example"


def links_in(message):
    return re.findall(r"http://testserver/\S+", message.body)


@pytest.fixture
def robotics():
    return Topic.objects.create(name="Robotik", slug="robotik")


def subscribe(client, capture, query="thema=robotik&region=regierungsbezirk-detmold", **data):
    form = client.get(reverse("alerts:subscribe") + "?" + query + "&seite=2")
    hidden = re.search(r'name="query" value="([^"]*)"', form.content.decode()).group(1).replace("&amp;", "&")
    payload = {"email": EMAIL, "frequency": "sofort", "consent": "on", "query": hidden, **data}
    return post_form(client, reverse("alerts:subscribe"), payload, capture)


def test_the_list_links_to_the_alert_form_which_describes_the_search(client, robotics):
    make_offer(topics=[robotics])
    listing = client.get(reverse("finder:list") + "?thema=robotik").content.decode()
    assert reverse("alerts:subscribe") + "?thema=robotik" in listing
    page = client.get(reverse("alerts:subscribe") + "?thema=robotik&region=kreis-lippe&seite=3")
    html = page.content.decode()
    assert '<h1 class="kern-heading-large">Neue Angebote per E-Mail</h1>' in html
    assert "Robotik" in html and "Kreis Lippe" in html
    assert 'value="region=kreis-lippe&amp;thema=robotik"' in html  # normalised, without the page
    assert not page.cookies


def test_subscribe_confirm_digest_and_one_click_unsubscribe(client, robotics, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in client.get(response["Location"]).content.decode()
    alert = SearchAlert.objects.get()
    assert alert.confirmed_at is None and alert.query == "region=regierungsbezirk-detmold&thema=robotik"

    confirm_mail = mail.outbox[-1]
    assert confirm_mail.to == [EMAIL] and "bestätigen" in confirm_mail.subject
    confirm_link = next(link for link in links_in(confirm_mail) if "/bestaetigen/" in link)
    page = client.get(confirm_link.removeprefix("http://testserver"))
    assert "Ihr Suchauftrag ist aktiv" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None

    # Confirmed an hour ago; since then one matching offer (NRW-wide, so available in the Bezirk) and two
    # that do not match: another topic, and a Köln-only offer (Köln is not in Regierungsbezirk Detmold).
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    SearchAlert.objects.update(confirmed_at=hour_ago, checked_until=hour_ago)
    later = timezone.now() - datetime.timedelta(minutes=10)
    make_offer(title="Cobot-Sprechstunde", topics=[robotics], published_at=later)
    make_offer(title="Ganz anderes Thema", published_at=later)
    make_offer(title="Robotik nur in Köln", topics=[robotics], coverage=("koeln",), published_at=later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_due_alerts.call()
    assert sent == 1
    digest = mail.outbox[0]
    assert digest.to == [EMAIL]
    assert "Cobot-Sprechstunde" in digest.body and "Ganz anderes Thema" not in digest.body
    assert "Robotik nur in Köln" not in digest.body
    unsubscribe = next(link for link in links_in(digest) if "/abmelden/" in link)
    assert digest.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert EMAIL not in digest.alternatives[0].content.replace(f"mailto:{EMAIL}", "")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_due_alerts.call() == 0  # nothing new since
    assert not mail.outbox

    gone = client.get(unsubscribe.removeprefix("http://testserver"))
    assert "Sie sind abgemeldet" in gone.content.decode()
    assert not SearchAlert.objects.exists()


def test_rfc8058_one_click_post_unsubscribes(client, django_capture_on_commit_callbacks):
    from alerts import links

    alert = SearchAlert.objects.create(email=EMAIL, query="", confirmed_at=timezone.now())
    path = links.unsubscribe_url(alert).removeprefix("http://testserver")
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not SearchAlert.objects.exists()


def test_the_manage_page_shows_filters_not_the_address_and_changes_the_frequency(client):
    from alerts import links

    alert = SearchAlert.objects.create(email=EMAIL, query="art=beratung", confirmed_at=timezone.now())
    path = links.manage_url(EMAIL).removeprefix("http://testserver")
    page = client.get(path)
    html = page.content.decode()
    assert "Ihre Suchaufträge" in html and "Beratung" in html
    assert EMAIL not in html
    assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex, nofollow"
    assert not page.cookies
    response = client.post(path, {"alert": alert.pk, "frequency": "taeglich", "save": "1"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.frequency == "taeglich"
    client.post(path, {"alert": alert.pk, "delete": "1"})
    assert not SearchAlert.objects.exists()
    assert client.get(path[:-5] + "xxxx/").status_code == 404


def test_a_second_request_for_the_same_search_answers_alike_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    first = subscribe(client, django_capture_on_commit_callbacks, query="art=beratung")
    SearchAlert.objects.update(confirmed_at=timezone.now())
    second = subscribe(client, django_capture_on_commit_callbacks, query="art=beratung")
    assert first["Location"] == second["Location"]
    assert SearchAlert.objects.count() == 1
    assert "besteht bereits" in mail.outbox[-1].subject  # only the address owner learns it


def test_unconfirmed_alerts_and_their_links_expire_after_seven_days(client):
    from alerts import links

    old = SearchAlert.objects.create(email="alt@x.de", query="")
    SearchAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    SearchAlert.objects.create(email="neu@x.de", query="")
    assert tasks.purge_unconfirmed.call() == 1
    assert list(SearchAlert.objects.values_list("email", flat=True)) == ["neu@x.de"]
    assert client.get("/suchauftrag/bestaetigen/kaputt/").status_code == 404
    assert links.unsign("confirm", "kaputt") is None


def test_english_subscriptions_get_english_mails(client, django_capture_on_commit_callbacks):
    post_form(
        client,
        "/en/suchauftrag/",
        {"email": EMAIL, "frequency": "woechentlich", "consent": "on", "query": ""},
        django_capture_on_commit_callbacks,
    )
    assert SearchAlert.objects.get().language == "en"
    assert mail.outbox[-1].subject == "Please confirm your search alert"


@pytest.mark.parametrize(
    ("frequency", "checked", "now", "due"),
    [
        ("taeglich", "2026-11-29 08:00", "2026-11-30 06:59", False),
        ("taeglich", "2026-11-29 08:00", "2026-11-30 07:01", True),
        ("woechentlich", "2026-11-23 07:05", "2026-11-29 12:00", False),  # Sunday: still last week's
        ("woechentlich", "2026-11-23 07:05", "2026-11-30 07:30", True),  # Monday after 7
        ("sofort", "2026-11-30 07:00", "2026-11-30 07:10", True),
    ],
)
def test_when_alerts_are_due(frequency, checked, now, due):
    def local(text):
        return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))

    alert = SearchAlert(frequency=frequency, checked_until=local(checked))
    assert tasks.is_due(alert, local(now)) is due
