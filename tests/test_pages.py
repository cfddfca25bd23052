"""The public skeleton: every page answers in German, in the base layout, with a bounded query count."""

import re

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


@pytest.mark.parametrize(
    "url",
    [
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
    ],
)
def test_query_count_does_not_grow_with_offers(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        client.get(url)  # warm caches: cached counts are rebuilt once after every content change
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    from partners.models import Institution
    from regions.models import RegionalNetwork

    provider = Institution.objects.get(slug="ihk-nrw")
    network = RegionalNetwork.objects.get(slug="its-owl")

    def add(n):
        make_offer(topics=[f"Thema {n % 3}"], coverage=["kreis-lippe"], provider=provider, network=network)

    for n in range(5):
        add(n)
    few = queries()
    for n in range(45):
        add(n)
    assert queries() == few
    assert few <= 10


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
