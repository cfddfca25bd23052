"""Search-engine metadata: sitemap, robots.txt, canonical URLs, OpenGraph, schema.org JSON-LD."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_sitemap_lists_public_objects_only(client):
    public = make_offer(title="Öffentlich")
    draft = make_offer(title="Entwurf", status="entwurf", published_at=None)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert f"http://testserver{public.get_absolute_url()}" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations
    for path in (
        "/",
        "/angebote/",
        "/regionen/kreis-lippe/",
        "/netzwerke/its-owl/",
        "/partner/ihk-nrw/",
        "/impressum/",
    ):
        assert f"http://testserver{path}" in locations


def test_robots_txt_points_to_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_dated_offer_is_an_event_and_others_a_service(client):
    event = make_offer(title="Transfertag", start_date=timezone.localdate() + datetime.timedelta(days=3))
    service = make_offer(title="Beratung", format="online")
    (crumbs, data) = json_ld(client.get(event.get_absolute_url()).content.decode())
    assert crumbs["@type"] == "BreadcrumbList" and crumbs["itemListElement"][-1]["name"] == "Transfertag"
    assert data["@type"] == "Event" and data["startDate"] == event.start_date.isoformat()
    assert data["organizer"]["@type"] == "Organization"
    (_, data) = json_ld(client.get(service.get_absolute_url()).content.decode())
    assert data["@type"] == "Service" and data["areaServed"][0]["name"] == "Nordrhein-Westfalen"


def test_institution_is_an_organization(client):
    html = client.get("/partner/ihk-nrw/").content.decode()
    assert any(block["@type"] == "Organization" for block in json_ld(html))


def test_json_ld_cannot_break_out_of_its_script(client):
    offer = make_offer(title="</script><script>alert(1)</script>")
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)[1]["name"] == "</script><script>alert(1)</script>"


def test_canonical_and_opengraph(client):
    offer = make_offer(title="Robotiklabor", summary="Roboter testen.")
    html = client.get(offer.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{offer.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Robotiklabor">' in html
    assert '<meta property="og:description" content="Roboter testen.">' in html
    listing = client.get("/angebote/?thema=robotik&seite=2").content.decode()
    assert '<link rel="canonical" href="http://testserver/angebote/">' in listing
