"""The public skeleton: every page answers in German, in the base layout, with a bounded query count."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from alliance.models import Page
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/angebote/",
    "/regionen/",
    "/regionen/nrw/",
    "/regionen/regierungsbezirk-detmold/",
    "/regionen/kreis-lippe/",
    "/regionen/ostwestfalen-lippe/",
    "/netzwerke/",
    "/netzwerke/its-owl/",
    "/partner/",
    "/allianz/",
    "/allianz/board/",
    "/allianz/thesen/",
    "/allianz/empfehlungen/",
    *[f"/{key}/" for key in Page.Key.values if key != Page.Key.ABOUT],
]


@pytest.fixture
def offers():
    funding = make_offer(offer_type="foerderung", title="Transfergutschein", topics=["Förderung"])
    lab = make_offer(offer_type="labor", title="Robotiklabor", coverage=["kreis-lippe"], topics=["Robotik"])
    lab.funded_by.add(funding)
    return [funding, lab]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_answers_with_base_layout(client, offers, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert html.count("<h1") == 1
    assert 'href="#inhalt"' in html  # skip link
    for label in ("Angebote", "Regionen", "Netzwerke", "Partner", "Die Allianz"):
        assert f">{label}</a>" in html
    for footer in ("Impressum", "Datenschutz", "Barrierefreiheit", "Leichte Sprache", "Kontakt"):
        assert f">{footer}</a>" in html


def test_detail_pages_of_offer_and_institution(client, offers):
    lab = offers[1]
    response = client.get(lab.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Robotiklabor" in html and "Transfergutschein" in html and "Kreis Lippe" in html
    assert client.get(lab.provider.get_absolute_url()).status_code == 200


def test_home_has_search_and_live_counts(client, offers):
    html = client.get("/").content.decode()
    assert 'action="/angebote/"' in html and 'name="q"' in html
    assert re.search(r'\?art=labor">Labor/<wbr>Testumgebung/<wbr>Demonstrator</a> <span class="count">1</span>', html)
    assert re.search(r'\?thema=robotik">Robotik</a> <span class="count">1</span>', html)
    # the Kreis Lippe lab counts for nothing at Bezirk level; the NRW-wide voucher counts everywhere
    assert re.search(
        r'\?region=regierungsbezirk-detmold">Regierungsbezirk Detmold</a> <span class="count">1</span>', html
    )
    assert "Alle 2 Angebote" in html


def test_drafts_are_not_public(client):
    draft = make_offer(status="entwurf", published_at=None, title="Geheimer Entwurf")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Geheimer Entwurf" not in client.get("/angebote/").content.decode()


def test_demo_notice_only_while_demo_offers_are_public(client):
    assert "Beispieldaten" not in client.get("/").content.decode()
    make_offer(is_demo=True)
    from django.core.cache import cache

    cache.clear()
    assert "Beispieldaten" in client.get("/").content.decode()


def test_german_404_page(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_500_page_renders_without_database_or_context(rf):
    from allianz_portal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "technischer Fehler" in response.content.decode()


QUERY_BUDGET_PAGES = [
    "/",
    "/angebote/",
    "/angebote/?q=Thema&region=kreis-lippe&thema=thema-1&art=beratung",
    "/regionen/",
    "/regionen/kreis-lippe/",
    "/regionen/regierungsbezirk-detmold/",
    "/netzwerke/",
    "/netzwerke/its-owl/",
    "/partner/",
    "/partner/ihk-nrw/",
    "/allianz/",
    "/allianz/board/",
    "/allianz/thesen/",
    "/allianz/empfehlungen/",
    "/impressum/",
]


def test_query_count_does_not_grow_with_offers(client):
    """Every page asks the database as often with 50 offers as with 5 (and at most 10 times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        client.get(url)  # warm caches: cached counts are rebuilt once after every content change
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured)

    from partners.models import Institution
    from regions.models import RegionalNetwork

    provider = Institution.objects.get(slug="ihk-nrw")
    network = RegionalNetwork.objects.get(slug="its-owl")

    def add(n):
        make_offer(topics=[f"Thema {n % 3}"], coverage=["kreis-lippe"], provider=provider, network=network)

    for n in range(5):
        add(n)
    few = {url: queries(url) for url in QUERY_BUDGET_PAGES}
    for n in range(45):
        add(n)
    assert {url: queries(url) for url in QUERY_BUDGET_PAGES} == few
    assert max(few.values()) <= 10, few


def test_offer_detail_query_budget(client, offers, django_assert_max_num_queries):
    client.get(offers[1].get_absolute_url())
    with django_assert_max_num_queries(10):
        client.get(offers[1].get_absolute_url())


def test_admin_link_names_resolve():
    assert reverse("alliance:page", kwargs={"slug": "impressum"}) == "/impressum/"


def test_guided_entry_leads_to_the_filtered_list(client, offers):
    html = client.get("/").content.decode()
    for question in ("1. Wo ist Ihr Unternehmen?", "2. Worum geht es?", "3. Welche Hilfe brauchen Sie?"):
        assert question in html
    assert '<option value="robotik">Robotik (1)</option>' in html
    response = client.get("/angebote/", {"ort": "32756", "thema": "robotik", "art": "labor"})
    assert [offer.title for offer in response.context["page_obj"]] == ["Robotiklabor"]
    assert not response.context["notices"]
    unanswered = client.get("/angebote/", {"ort": "", "thema": "", "art": ""})
    assert unanswered.context["total"] == 2 and not unanswered.context["notices"]


# -- What a person sees on every public page type ------------------------------------------------------------
# One row per page type: the address, the <h1>, the <title> (without " – Transferportal NRW"), texts the page
# exists for, and links it must offer. German and English. A blank page (empty <h1>/<title>) fails every row.

OPERATOR_NAME = "Testministerium für Transfer des Landes Nordrhein-Westfalen"  # tests/settings.py
ITS_OWL = "it's OWL – Intelligente Technische Systeme OstWestfalenLippe"
IHK = "IHK NRW – Die Industrie- und Handelskammern in Nordrhein-Westfalen"

PAGE_TYPES = [
    # (url, h1, title, texts, links)
    ("/", "Unterstützung für Ihr Unternehmen finden", "Unterstützung für KMU finden",
     ["Alle 2 Angebote", "1. Wo ist Ihr Unternehmen?"], ["/angebote/?art=labor", "/angebote/?thema=robotik"]),
    ("/angebote/", "2 Angebote", "2 Angebote", ["Robotiklabor", "Transfergutschein"], ["/angebote/robotiklabor/"]),
    ("/angebote/?q=zzqxw", "0 Angebote", "0 Angebote", ["Keine passenden Angebote"], ["/angebote/vorschlagen/"]),
    ("/angebote/robotiklabor/", "Robotiklabor", "Robotiklabor",
     ["Labor/Testumgebung/Demonstrator", "Kreis Lippe", "Transfergutschein", IHK],
     ["/partner/ihk-nrw/", "/angebote/transfergutschein/"]),
    ("/angebote/vorschlagen/", "Angebot vorschlagen", "Angebot vorschlagen", ["Titel des Angebots"], []),
    ("/angebote/merkliste/", "Merkliste", "Merkliste", [], ["/angebote/"]),
    ("/angebote/vergleich/", "Angebote vergleichen", "Angebote vergleichen", [], []),
    ("/regionen/", "Angebote nach Region", "Regionen", ["Regierungsbezirk Detmold", "Kreis Lippe"],
     ["/regionen/kreis-lippe/", "/transferlandkarte/"]),
    ("/regionen/nrw/", "Nordrhein-Westfalen", "Nordrhein-Westfalen", ["Transfergutschein"],
     ["/regionen/regierungsbezirk-detmold/"]),
    ("/regionen/regierungsbezirk-detmold/", "Regierungsbezirk Detmold", "Regierungsbezirk Detmold",
     ["Transfergutschein"], ["/regionen/kreis-lippe/"]),
    ("/regionen/kreis-lippe/", "Kreis Lippe", "Kreis Lippe", ["Robotiklabor", "Transfergutschein"],
     ["/angebote/robotiklabor/"]),
    ("/regionen/ostwestfalen-lippe/", "Ostwestfalen-Lippe", "Ostwestfalen-Lippe", ["Transfergutschein", "it's OWL"],
     ["/netzwerke/its-owl/"]),
    ("/transferlandkarte/", "Transferlandkarte", "Transferlandkarte", ["Regierungsbezirk Detmold"],
     ["/angebote/?region=regierungsbezirk-detmold&art=foerderung"]),
    ("/netzwerke/", "Regionale Netzwerke", "Regionale Netzwerke", [ITS_OWL], ["/netzwerke/its-owl/"]),
    ("/netzwerke/its-owl/", ITS_OWL, ITS_OWL,
     ["Im Technologie-Netzwerk it's OWL arbeiten Unternehmen", "Ostwestfalen-Lippe", "Transfermodell",
      "Was das Netzwerk KMU bietet", "Stufenmodell"],
     ["/regionen/ostwestfalen-lippe/", "https://www.its-owl.de"]),
    ("/partner/", "Partner und Anbieter", "Partner und Anbieter", [IHK], ["/partner/ihk-nrw/"]),
    ("/partner/ihk-nrw/", IHK, IHK, ["Robotiklabor"], ["/angebote/robotiklabor/"]),
    ("/allianz/", "Allianz Wirtschaft und Arbeit 4.0", "Die Allianz", ["Transfer 4.0"],
     ["/allianz/board/", "/allianz/thesen/", "/allianz/empfehlungen/"]),
    ("/allianz/board/", "Das Board der Allianz", "Das Board der Allianz", ["IHK NRW"], []),
    ("/allianz/thesen/", "Thesenpapier: Erfolgsfaktoren für den Transfer", "Thesenpapier",
     ["Transfer nützt allen", "Sozialpartnerschaft als Stärke"], []),
    ("/allianz/empfehlungen/", "Sieben Empfehlungen der Allianz", "Empfehlungen der Allianz",
     ["Regionale Transfermodelle auswerten", "Förderung passgenau weiterentwickeln"],
     ["/netzwerke/its-owl/", "/angebote/?art=foerderung", "/angebote/?art=labor"]),
    ("/impressum/", "Impressum", "Impressum",
     ["Herausgeber", OPERATOR_NAME, "Teststraße 5", "40190 Düsseldorf", "0211 1234567", "Petra Prüfling"],
     ["mailto:kontakt@transferportal.test", "tel:02111234567"]),
    ("/datenschutz/", "Datenschutzerklärung", "Datenschutzerklärung",
     ["Verantwortliche Stelle", OPERATOR_NAME, "Datenschutzbeauftragter des Testministeriums", "LDI NRW"],
     ["mailto:dsb@transferportal.test", "mailto:kontakt@transferportal.test"]),
    ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit", "Erklärung zur Barrierefreiheit",
     ["teilweise vereinbar", "Zuletzt geprüft am 15. Oktober 2026", "0211 1234567"],
     ["mailto:barrieren@transferportal.test", "https://www.lbbp.nrw.de/ombudsstelle"]),
    ("/leichte-sprache/", "Leichte Sprache", "Leichte Sprache", ["Was finden Sie hier?"], []),
    ("/kontakt/", "Kontakt", "Kontakt", ["So erreichen Sie uns", OPERATOR_NAME, "0211 1234567"],
     ["/angebote/vorschlagen/", "mailto:kontakt@transferportal.test"]),
    ("/offene-daten/", "Offene Daten", "Offene Daten", ["CC BY 4.0", "DCAT-Katalog"],
     ["/api/v1/", "/api/v1/dokumentation/", "/api/v1/katalog.jsonld", "/api/v1/openapi.json",
      "https://creativecommons.org/licenses/by/4.0/deed.de", "/angebote/export.csv"]),
    ("/api/v1/dokumentation/", "API-Dokumentation", "API-Dokumentation", ["OpenAPI-Beschreibung (JSON)"],
     ["/api/v1/openapi.json", "/offene-daten/"]),
    # English: the interface in English, dates in English order, the content in German.
    ("/en/", "Find support for your company", "Find support for SMEs", ["View all 2 offers"],
     ["/en/angebote/?art=labor"]),
    ("/en/angebote/", "2 offers", "2 offers", ["Robotiklabor"], ["/en/angebote/robotiklabor/"]),
    ("/en/angebote/?q=zzqxw", "0 offers", "0 offers", ["Add an offer"], ["/en/angebote/vorschlagen/"]),
    ("/en/angebote/robotiklabor/", "Robotiklabor", "Robotiklabor", ["Kreis Lippe", "Transfergutschein"],
     ["/en/partner/ihk-nrw/"]),
    ("/en/regionen/", "Offers by region", "Regions", ["Kreis Lippe"], ["/en/regionen/kreis-lippe/"]),
    ("/en/transferlandkarte/", "Transfer map", "Transfer map", [], []),
    ("/en/netzwerke/its-owl/", ITS_OWL, ITS_OWL, ["Transfer model", "Ostwestfalen-Lippe"],
     ["/en/regionen/ostwestfalen-lippe/"]),
    ("/en/partner/ihk-nrw/", IHK, IHK, ["Robotiklabor"], []),
    ("/en/allianz/empfehlungen/", "The Alliance's seven recommendations", "The Alliance's recommendations", [],
     ["/en/netzwerke/its-owl/"]),
    ("/en/impressum/", "Impressum", "Impressum", ["Publisher", OPERATOR_NAME, "Petra Prüfling"],
     ["mailto:kontakt@transferportal.test"]),
    ("/en/barrierefreiheit/", "Erklärung zur Barrierefreiheit", "Erklärung zur Barrierefreiheit",
     ["Last checked on 15 October 2026"], ["mailto:barrieren@transferportal.test"]),
    ("/en/kontakt/", "Kontakt", "Kontakt", ["How to reach us"], ["/en/angebote/vorschlagen/"]),
    ("/en/offene-daten/", "Open data", "Open data", ["Licence", "DCAT catalogue"], ["/api/v1/dokumentation/"]),
]  # fmt: skip


class Visible(HTMLParser):
    """The <title>, the <h1> and the hrefs of a page, as text."""

    def __init__(self):
        super().__init__()
        self.title, self.h1s, self.hrefs, self._in = "", [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._in = "svg"  # an SVG's own <title> is not the page's
        elif tag in {"title", "h1"} and self._in != "svg":
            self._in = tag
            if tag == "h1":
                self.h1s.append("")
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag == self._in or (tag == "svg" and self._in == "svg"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1s[-1] += data


def seen(html):
    page = Visible()
    page.feed(html)
    squash = lambda text: " ".join(text.split())  # noqa: E731
    return squash(page.title), [squash(h1) for h1 in page.h1s], page.hrefs


@pytest.fixture
def site():
    from partners.models import Institution

    ihk = Institution.objects.get(slug="ihk-nrw")
    funding = make_offer(
        offer_type="foerderung", title="Transfergutschein", slug="transfergutschein", topics=["Förderung"], provider=ihk
    )
    lab = make_offer(
        offer_type="labor",
        title="Robotiklabor",
        slug="robotiklabor",
        coverage=["kreis-lippe"],
        topics=["Robotik"],
        provider=ihk,
    )
    lab.funded_by.add(funding)
    return funding, lab


@pytest.mark.parametrize(("url", "h1", "title", "texts", "links"), PAGE_TYPES, ids=[row[0] for row in PAGE_TYPES])
def test_every_page_type_shows_what_it_is_for(client, site, url, h1, title, texts, links):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    page_title, h1s, hrefs = seen(html)
    assert h1s == [h1]
    assert page_title == f"{title} – Transferportal NRW"
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    text = " ".join(text.split())
    for expected in texts:
        assert expected in text, expected
    for expected in links:
        assert expected in hrefs, expected
    # No bracketed placeholder ("[E-Mail-Adresse]", "[Datum]") survives on any page.
    assert not re.search(r"\[(?:E-Mail|Datum|Name|Anschrift|Telefon|Postleitzahl)[^\]]*\]", text)


PUBLIC_VIEWS = [
    "home", "finder:list", "finder:detail", "submissions:submit", "merkliste:list", "merkliste:compare",
    "maps:regions", "regions:detail", "maps:transfer-map", "regions:network-list", "regions:network-detail",
    "partners:list", "partners:detail", "alliance:about", "alliance:board", "alliance:theses",
    "alliance:recommendations", "alliance:page", "open-data", "api:docs",
]  # fmt: skip


def test_every_public_page_type_is_in_the_table():
    """Each public page type has a row above, in German and in English where it has an English version."""
    from django.urls import resolve
    from django.utils import translation

    def views(language):
        with translation.override(language):
            urls = [url for url, *_rest in PAGE_TYPES if url.startswith("/en/") == (language == "en")]
            return {resolve(url.split("?")[0]).view_name for url in urls}

    german, english = views("de"), views("en")
    assert set(PUBLIC_VIEWS) <= german, set(PUBLIC_VIEWS) - german
    assert len(english) >= 10


def test_api_landing_page_negotiates_html_and_json(client, site):
    browser = client.get("/api/v1/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser["Content-Type"].startswith("text/html")
    _title, h1s, hrefs = seen(browser.content.decode())
    assert h1s == ["Offene Daten"] and "/api/v1/dokumentation/" in hrefs
    assert "Accept" in browser["Vary"]
    machine = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    data = machine.json()
    assert data["links"]["angebote"]["href"] == "http://testserver/api/v1/angebote/"
    assert data["links"]["katalog"]["href"] == "http://testserver/api/v1/katalog.jsonld"
    assert data["links"]["dokumentation"]["type"] == "text/html"
    assert "CC BY 4.0" in data["licence"]
    assert client.get("/api/v1/").json()["title"] == "Transferportal NRW – Offene Daten"  # curl's */*


def test_api_docs_are_served_from_our_own_static_files(client):
    html = client.get("/api/v1/dokumentation/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == ["/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "/static/js/api-docs.js"]
    assert "<script>" not in html  # no inline script: the strict CSP stays
    assert 'href="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"' in html
    assert not re.search(r'(src|href)="https?://(?!creativecommons)', html.split("<footer")[0].split("</head>")[1])
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_footer_links_offer_suggestion_and_open_data(client):
    _title, _h1s, hrefs = seen(client.get("/").content.decode())
    assert "/angebote/vorschlagen/" in hrefs and "/offene-daten/" in hrefs
    _title, _h1s, hrefs = seen(client.get("/en/").content.decode())
    assert "/en/angebote/vorschlagen/" in hrefs and "/en/offene-daten/" in hrefs


def test_a_year_old_stand_shows_a_hint(client):
    from django.utils import timezone

    today = timezone.localdate()
    make_offer(slug="alter-stand", last_verified=today - datetime.timedelta(days=400))
    make_offer(slug="frischer-stand", last_verified=today - datetime.timedelta(days=30))
    hint = "älter als ein Jahr, bitte beim Anbieter nachfragen"
    assert hint in client.get("/angebote/alter-stand/").content.decode()
    assert hint not in client.get("/angebote/frischer-stand/").content.decode()
    english = client.get("/en/angebote/alter-stand/").content.decode()
    assert "more than a year old, please check with the provider" in english


def test_english_dates_in_english_order(client):
    day = datetime.date(2026, 10, 23)
    make_offer(slug="termin", start_date=day, end_date=day, last_verified=datetime.date(2026, 10, 1))
    assert "23. Oktober 2026" in client.get("/angebote/termin/").content.decode()
    english = client.get("/en/angebote/termin/").content.decode()
    assert "23 October 2026" in english and "23. October" not in english


def test_print_shows_the_page_address_and_hides_related_offers(client, site):
    html = client.get("/angebote/robotiklabor/").content.decode()
    address = (
        '<p class="print-address">Adresse dieser Seite: <span lang="de">http://testserver/angebote/robotiklabor/</span>'
    )
    assert address in html
    from django.contrib.staticfiles import finders

    print_css = Path(finders.find("css/print.css")).read_text()
    assert ".related" in print_css and ".print-address { display: block" in print_css


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_compare_table_scrolls_in_a_labelled_focusable_region(client, site):
    funding, lab = site
    html = client.get(f"/angebote/vergleich/?id={funding.pk}&id={lab.pk}").content.decode()
    region = re.search(r'<div class="compare-scroll"[^>]*>', html).group(0)
    assert 'tabindex="0"' in region and 'role="region"' in region
    assert 'aria-label="Vergleichstabelle, seitlich verschiebbar"' in region
    assert 'aria-describedby="compare-scroll-hint"' in region
    assert "Die Tabelle ist breiter als der Bildschirm" in html


def test_recommendations_link_only_to_filters_and_offers_that_exist(client, site):
    from alliance.models import Recommendation

    funding, _lab = site
    Recommendation.objects.get(number=6).offers.add(funding)
    html = client.get("/allianz/empfehlungen/").content.decode()
    _title, _h1s, hrefs = seen(html)
    list_links = [href for href in hrefs if href.startswith("/angebote/?")]
    assert list_links, "no links into the portal"
    for href in set(list_links):
        response = client.get(unescape(href))
        assert response.context["notices"] == [], href
    assert "/angebote/?thema=digitalisierung" not in hrefs  # a topic no offer carries
    assert "/angebote/transfergutschein/" in hrefs  # a selected offer
    assert "Ausgewählte Angebote:" in html
