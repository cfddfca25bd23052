import datetime
import re

import pytest
from django.utils import timezone

from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab():
    voucher = make_offer(title="Transfergutschein", offer_type="foerderung", coverage=["ostwestfalen-lippe"])
    lab = make_offer(
        title="Robotiklabor",
        offer_type="labor",
        topics=["Robotik", "Automatisierung"],
        coverage=["kreis-lippe"],
        contact_name="Dr. Erika Beispiel",
        contact_email="labor@example.org",
        contact_phone="+49 5231 12345-0",
        url="https://www.example.org/labor",
        start_date=timezone.localdate() + datetime.timedelta(days=10),
        last_verified=datetime.date(2026, 10, 1),
        description="Wir testen **Cobots**.\n\n<script>alert(1)</script>",
    )
    lab.funded_by.add(voucher)
    make_offer(title="Robotik-Stammtisch", topics=["Robotik"], coverage=["kreis-lippe"])
    make_offer(title="Robotik-Tag Soest", topics=["Robotik"], coverage=["kreis-soest"])
    make_offer(title="Cloud-Beratung", topics=["Cloud"])
    return lab


def test_detail_shows_everything_an_sme_needs(client, lab):
    response = client.get(lab.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "Robotiklabor",
        "Labor/Testumgebung/Demonstrator",
        "KMU",
        "kostenfrei",
        "vor Ort",
        'href="/regionen/kreis-lippe/"',
        'href="mailto:labor@example.org"',
        'href="tel:+495231123450"',
        'href="https://www.example.org/labor" rel="noopener"',
        "Dr. Erika Beispiel",
        "Stand: 1. Oktober 2026",
        "Transfergutschein",
        "<strong>Cobots</strong>",
        'aria-label="Brotkrumennavigation"',
        'media="print"',
    ):
        assert expected in html, expected
    assert "<script>alert(1)" not in html


def test_related_offers_share_a_topic_same_region_first(client, lab):
    related = [offer.title for offer in client.get(lab.get_absolute_url()).context["related"]]
    assert related[0] == "Robotik-Stammtisch"
    assert "Robotik-Tag Soest" in related
    assert "Cloud-Beratung" not in related and "Robotiklabor" not in related


def related_titles(response):
    section = re.search(r'<section class="related".*?</section>', response.content.decode(), re.DOTALL).group(0)
    return re.findall(r'<h3 class="offer-card__title"><a class="kern-link" href="[^"]+">([^<]+)</a>', section)


def test_related_offers_are_remembered_per_content_state(client, lab, settings, django_assert_num_queries):
    """Read once per content state: the page missed again (here: no page cache) reads only its own rows; an
    edit anywhere shows at once."""
    settings.PAGE_CACHE_TIMEOUT = 0
    url = lab.get_absolute_url()
    assert related_titles(client.get(url)) == ["Robotik-Stammtisch", "Robotik-Tag Soest"]
    with django_assert_num_queries(4):  # content state, the offer, its relations, the programme funding it
        assert related_titles(client.get(url)) == ["Robotik-Stammtisch", "Robotik-Tag Soest"]
    meetup = Offer.objects.get(title="Robotik-Stammtisch")
    meetup.title = "Robotik-Stammtisch Lippe"
    meetup.save()
    make_offer(title="Robotik-Sprechstunde", topics=["Robotik"], coverage=["kreis-lippe"])
    assert related_titles(client.get(url)) == ["Robotik-Sprechstunde", "Robotik-Stammtisch Lippe", "Robotik-Tag Soest"]


def test_funding_programme_lists_what_it_pays_for(client, lab):
    voucher = lab.funded_by.get()
    html = client.get(voucher.get_absolute_url()).content.decode()
    assert "Damit finanzierbar" in html and "Robotiklabor" in html


def test_only_public_funding_programmes_are_named(client, lab):
    draft = make_offer(title="Förderprogramm in Arbeit", offer_type="foerderung", status="entwurf", published_at=None)
    lab.funded_by.add(draft)
    html = client.get(lab.get_absolute_url()).content.decode()
    assert "Transfergutschein" in html and "Förderprogramm in Arbeit" not in html


def test_unpublished_offer_is_404(client):
    draft = make_offer(status="entwurf", published_at=None)
    scheduled = make_offer(published_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_detail_query_budget_is_constant(client, lab, django_assert_max_num_queries):
    voucher = lab.funded_by.get()
    for url in (lab.get_absolute_url(), voucher.get_absolute_url()):
        client.get(url)
        with django_assert_max_num_queries(10):
            client.get(url)
