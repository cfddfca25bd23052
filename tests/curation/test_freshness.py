"""Freshness: review interval, the "Prüfung fällig" filter, "als geprüft markieren", the admin dashboard."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from allianz_portal.dates import add_months
from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CHANGELIST = reverse("admin:offers_offer_changelist")


def days(n):
    return TODAY + datetime.timedelta(days=n)


def test_add_months_clamps_to_the_month_end():
    assert add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 12) == datetime.date(2027, 11, 15)
    assert add_months(datetime.date(2026, 12, 1), 1) == datetime.date(2027, 1, 1)


def test_review_due_follows_last_check_and_interval():
    stale = make_offer(title="Alt geprüft", last_verified=days(-400))
    fresh = make_offer(title="Frisch geprüft", last_verified=days(-30))
    short = make_offer(title="Kurzes Intervall", last_verified=days(-100), review_interval_months=3)
    make_offer(title="Entwurf alt", status="entwurf", published_at=None, last_verified=days(-400))
    due = set(Offer.objects.due_for_review().values_list("title", flat=True))
    assert due == {stale.title, short.title}
    assert fresh.review_due == add_months(days(-30), 12)


def test_review_filter_and_mark_verified_action(editor_client):
    stale = make_offer(title="Alt geprüft", last_verified=days(-400))
    make_offer(title="Frisch geprüft", last_verified=days(-30))
    response = editor_client.get(CHANGELIST, {"pruefung_faellig": "ja"})
    assert [offer.title for offer in response.context["cl"].result_list] == ["Alt geprüft"]

    editor_client.post(CHANGELIST, {"action": "mark_verified", ACTION_CHECKBOX_NAME: [str(stale.pk)]})
    stale.refresh_from_db()
    assert stale.last_verified == TODAY
    assert stale.review_due == add_months(TODAY, 12)
    assert not editor_client.get(CHANGELIST, {"pruefung_faellig": "ja"}).context["cl"].result_list


def test_expiring_within_30_days():
    make_offer(title="Frist in 10 Tagen", deadline=days(10))
    make_offer(title="Ende in 20 Tagen", start_date=days(-5), end_date=days(20))
    make_offer(title="Veranstaltung in 5 Tagen", offer_type="veranstaltung", start_date=days(5))
    make_offer(title="Frist in 60 Tagen", deadline=days(60))
    make_offer(title="Schon vorbei", deadline=days(-1))
    titles = set(Offer.objects.expiring_within(30).values_list("title", flat=True))
    assert titles == {"Frist in 10 Tagen", "Ende in 20 Tagen", "Veranstaltung in 5 Tagen"}


def test_admin_index_dashboard_counts_and_links(editor_client):
    make_offer(title="Wartet", status="pruefung", published_at=None)
    make_offer(title="Wartet auch", status="pruefung", published_at=None)
    make_offer(title="Prüfen", last_verified=days(-500))
    make_offer(title="Läuft ab", deadline=days(7))
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    items = {item["label"]: item for item in response.context["items"]}
    waiting = items["Zur Prüfung eingereicht"]
    assert waiting["count"] == Offer.objects.filter(status="pruefung").count() >= 2
    assert items["Prüfung fällig"]["count"] == Offer.objects.due_for_review().count() >= 1
    assert items["Läuft in 30 Tagen ab"]["count"] == Offer.objects.expiring_within(30).count() >= 1
    html = response.content.decode()
    assert f'href="{CHANGELIST}?status__exact=pruefung"' in html
    # each link leads to a changelist showing exactly that many offers
    for item in items.values():
        linked = editor_client.get(item["url"])
        assert linked.status_code == 200
        assert linked.context["cl"].result_count == item["count"], item["label"]


def test_partner_dashboard_counts_only_their_institution(partner_client, institution_a, institution_b):
    make_offer(provider=institution_a, status="pruefung", published_at=None)
    make_offer(provider=institution_b, status="pruefung", published_at=None)
    items = {item["label"]: item for item in partner_client.get(reverse("admin:index")).context["items"]}
    assert items["Zur Prüfung eingereicht"]["count"] == 1
