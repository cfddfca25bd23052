"""Bedarfsradar and provider statistics: aggregated demand against supply, small numbers hidden."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from demand.models import DemandCount, OfferMonthStat, first_of_month
from offers.models import Topic
from tests.conftest import make_offer, region

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def count(kind, slug, n, topic=None):
    DemandCount.objects.create(
        month=first_of_month(timezone.localdate()), kind=kind, region=region(slug), topic=topic, count=n
    )


def test_the_radar_sums_kreise_into_regions_and_hides_small_numbers(client):
    make_offer(title="Angebot für ganz NRW")
    make_offer(title="Nur Lippe", coverage=("kreis-lippe",))
    count("bedarf", "kreis-lippe", 4)
    count("bedarf", "kreis-hoexter", 3)
    count("anfrage", "kreis-soest", 2)
    response = client.get(reverse("demand:radar"))
    html = response.content.decode()
    assert '<h1 class="kern-heading-large">Bedarfsradar</h1>' in html
    rows = {m.group(1): m.group(2) for m in re.finditer(r">([^<>]+)</a></th>(.*?)</tr>", html, re.S)}
    detmold = re.findall(r">([^<]*)</td>", rows["Regierungsbezirk Detmold"])
    arnsberg = re.findall(r">([^<]*)</td>", rows["Regierungsbezirk Arnsberg"])
    # columns: offers, searches, enquiries, needs, alerts
    assert detmold == ["1", "0", "0", "7", "0"]
    assert arnsberg == ["1", "0", "&lt; 5", "0", "0"]


def test_an_empty_search_counts_for_its_region_and_topic_even_from_the_page_cache(client, settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    topic = Topic.objects.create(name="Quantencomputing", slug="quantencomputing")
    make_offer(title="Etwas anderes", topics=[topic])
    url = reverse("finder:list") + "?q=qubit&region=kreis-lippe"
    for _ in range(2):
        response = client.get(url, HTTP_USER_AGENT=BROWSER)
        assert "X-Portal-Empty-List" not in response.headers
    assert DemandCount.objects.filter(kind="suche", region=region("kreis-lippe"), topic=None).get().count == 2
    client.get(reverse("finder:list") + "?q=xyzzy&thema=" + topic.slug, HTTP_USER_AGENT=BROWSER)
    assert DemandCount.objects.filter(kind="suche", topic=topic).get().count == 1


def test_page_views_are_counted_on_the_server_without_bots(client):
    offer = make_offer()
    client.get(offer.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 Firefox")
    client.get(offer.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 Firefox")
    client.get(offer.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    response = client.get(offer.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    assert "X-Portal-Offer" not in response.headers
    assert OfferMonthStat.objects.get(offer=offer).views == 3
    assert not response.cookies


def test_the_admin_radar_shows_exact_kreis_numbers(admin_client):
    count("bedarf", "kreis-lippe", 2)
    html = admin_client.get(reverse("admin:demand_demandcount_changelist")).content.decode()
    assert "Bedarfsradar nach Kreisen" in html
    row = html.split('<th scope="row">Kreis Lippe</th>')[1].split("</tr>")[0]
    assert "<td>2</td>" in row


def test_the_radar_chart_draws_the_bezirke_and_hides_what_the_table_hides(client):
    make_offer(title="Angebot für ganz NRW")
    make_offer(title="Nur Lippe", coverage=("kreis-lippe",))
    count("bedarf", "kreis-lippe", 4)
    count("bedarf", "kreis-hoexter", 3)
    count("anfrage", "kreis-soest", 2)
    html = client.get(reverse("demand:radar")).content.decode()
    figure = html.split('<figure class="radar-chart">')[1].split("</figure>")[0]
    assert 'role="img"' in figure and 'aria-labelledby="radar-chart-title radar-chart-desc"' in figure
    assert "<script" not in figure
    desc = re.search(r'<desc id="radar-chart-desc">(.*?)</desc>', figure, re.S).group(1)
    assert "Regierungsbezirk Detmold: Nachfragesignale 7, aktuelle Angebote 1." in desc
    assert "Regierungsbezirk Arnsberg: Nachfragesignale &lt; 5, aktuelle Angebote 1." in desc
    bars = re.findall(r'class="radar-chart__region">([^<]+)</text>\s*<rect x="0" y="20" width="([\d.]+)%"', figure)
    assert bars[0][0] == "Regierungsbezirk Düsseldorf"  # official order
    widths = dict(bars)
    assert widths["Regierungsbezirk Detmold"] == "70.0" and widths["Regierungsbezirk Arnsberg"] == "0.0"
    assert html.index('<figure class="radar-chart">') < html.index("<table")
