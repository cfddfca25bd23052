"""The place field and place words inside the search text, on the list page and in the API."""

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from finder.finding import find
from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db
URL = "/angebote/"


@pytest.fixture
def catalogue():
    """Robotics offers available in different places, plus one on another topic."""
    return {
        "nrw": make_offer(title="Robotik für alle in NRW", slug="robotik-nrw", coverage=["nrw"]),
        "owl": make_offer(title="Robotik in Ostwestfalen", slug="robotik-owl", coverage=["ostwestfalen-lippe"]),
        "bielefeld": make_offer(title="Robotiklabor Bielefeld", slug="robotik-bielefeld", coverage=["bielefeld"]),
        "guetersloh": make_offer(
            title="Robotiksprechstunde Gütersloh", slug="robotik-guetersloh", coverage=["kreis-guetersloh"]
        ),
        "lippe": make_offer(title="Robotiktag Lippe", slug="robotik-lippe", coverage=["kreis-lippe"]),
        "soest": make_offer(title="Robotik im Kreis Soest", slug="robotik-soest", coverage=["kreis-soest"]),
        "koeln": make_offer(title="Weiterbildung Köln", slug="weiterbildung-koeln", coverage=["koeln"]),
    }


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def slugs(response):
    return {offer.slug for offer in response.context["page_obj"]}


def text(response):
    """The page's visible text, tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def links(response, label):
    """The hrefs of the links whose text is `label`."""
    html = response.content.decode()
    return [
        unescape(href)
        for href, inner in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
        if " ".join(re.sub(r"<[^>]+>", " ", inner).split()) == label
    ]


def params_of(url):
    return {key: values if len(values) > 1 else values[0] for key, values in parse_qs(urlparse(url).query).items()}


GUETERSLOH = {"robotik-nrw", "robotik-owl", "robotik-guetersloh"}


def test_postcode_and_town_filter_by_their_kreis_and_say_which(client, catalogue):
    response = get(client, ort="33415 Verl", q="Robotik")
    assert slugs(response) == GUETERSLOH
    page = text(response)
    assert "3 Angebote für 33415 Verl (Kreis Gütersloh)" in page
    assert "Ort: 33415 Verl → Kreis Gütersloh" in page
    # The region select shows the place's Kreis (without JavaScript: it is the selected option).
    html = response.content.decode()
    assert '<option value="" selected>Kreis Gütersloh (aus Ort)</option>' in html
    assert "Ganz NRW" not in html


@pytest.mark.parametrize(
    ("ort", "expected"),
    [
        ("33415", GUETERSLOH),
        ("Kreis Gütersloh", GUETERSLOH),
        ("Kreis Lippe", {"robotik-nrw", "robotik-owl", "robotik-lippe"}),
        ("Bad Salzuflen", {"robotik-nrw", "robotik-owl", "robotik-lippe"}),
        ("Stadt Bielefeld", {"robotik-nrw", "robotik-owl", "robotik-bielefeld"}),
        ("Hoexter", {"robotik-nrw", "robotik-owl"}),
        ("OWL", {"robotik-nrw", "robotik-owl"}),
        ("Regierungsbezirk Detmold", {"robotik-nrw", "robotik-owl"}),
    ],
)
def test_place_field_filters_by_coverage(client, catalogue, ort, expected):
    assert slugs(get(client, ort=ort, q="Robotik")) == expected


def test_without_a_place_the_select_says_all_of_nrw(client, catalogue):
    html = get(client).content.decode()
    assert '<option value="">Ganz NRW</option>' in html
    assert "(aus Ort)" not in html


def test_ambiguous_place_offers_links_and_filters_nothing_by_place(client, catalogue):
    response = get(client, ort="Lippe", q="Robotik", sort="titel")
    everything = {
        "robotik-nrw",
        "robotik-owl",
        "robotik-bielefeld",
        "robotik-guetersloh",
        "robotik-lippe",
        "robotik-soest",
    }
    assert slugs(response) == everything
    page = text(response)
    assert "„Lippe“ passt zu mehreren Orten" in page
    assert "Meinten Sie: Kreis Lippe · Lippetal (Kreis Soest)" in page
    (kreis_link,) = links(response, "Kreis Lippe")
    (lippetal_link,) = links(response, "Lippetal (Kreis Soest)")
    # Each link sets an unambiguous place and keeps every other filter.
    assert params_of(kreis_link) == {"ort": "Kreis Lippe", "q": "Robotik", "sort": "titel"}
    assert params_of(lippetal_link) == {"ort": "Lippetal", "q": "Robotik", "sort": "titel"}
    assert slugs(client.get(URL + kreis_link)) == {
        "robotik-nrw",
        "robotik-owl",
        "robotik-lippe",
    }
    assert slugs(client.get(URL + lippetal_link)) == {"robotik-nrw", "robotik-soest"}


def test_unknown_place_is_named_and_other_filters_still_apply(client, catalogue):
    response = get(client, ort="Atlantis", q="Weiterbildung")
    assert slugs(response) == {"weiterbildung-koeln"}
    assert "Postleitzahl oder Ort „Atlantis“ kennen wir in NRW nicht – bitte prüfen." in text(response)


def test_place_inside_the_query_becomes_the_place_filter(client, catalogue):
    response = get(client, q="Robotik Bielefeld")
    assert slugs(response) == {"robotik-nrw", "robotik-owl", "robotik-bielefeld"}
    page = text(response)
    assert "Ort erkannt: Bielefeld – Angebote, die dort verfügbar sind. Nur nach Text suchen" in page
    assert "Suche: Robotik" in page and "Ort: Bielefeld" in page
    html = response.content.decode()
    assert 'id="f-q" name="q" type="search" value="Robotik"' in html
    assert 'id="f-ort" name="ort" type="text" value="Bielefeld"' in html
    # Removing one chip keeps the other.
    (without_text,) = links(response, "Suche: Robotik × – Filter entfernen")
    (without_place,) = links(response, "Ort: Bielefeld × – Filter entfernen")
    assert params_of(without_text) == {"ort": "Bielefeld"}
    assert params_of(without_place) == {"q": "Robotik"}


def test_text_only_link_turns_recognition_off(client, catalogue):
    response = get(client, q="Robotik Bielefeld")
    (text_only,) = links(response, "Nur nach Text suchen")
    assert params_of(text_only) == {"q": "Robotik Bielefeld", "ortserkennung": "nein"}
    response = client.get(URL + text_only)
    # The words searched as text, no place filter: only one offer has both; the other Robotik offers follow as
    # partial matches (issue 11: a missing word never hides an offer).
    assert response.context["full_total"] == 1
    assert next(offer.slug for offer in response.context["page_obj"]) == "robotik-bielefeld"
    page = text(response)
    assert "Ort erkannt" not in page and "Ort: Bielefeld" not in page
    html = response.content.decode()
    assert '<input type="hidden" name="ortserkennung" value="nein">' in html  # kept when the form is sent again


@pytest.mark.parametrize(
    ("q", "expected_place"),
    [
        ("Weiterbildung in Köln", "Ort erkannt: Köln"),
        ("Weiterbildung in Koeln", "Ort erkannt: Köln"),
        ("Robotik Kreis Gütersloh", "Ort erkannt: Kreis Gütersloh"),
        ("Robotik 33415", "Ort erkannt: 33415 Verl → Kreis Gütersloh"),
    ],
)
def test_place_words_are_named_in_the_note(client, catalogue, q, expected_place):
    assert expected_place in text(get(client, q=q))


def test_everyday_word_stays_text_unless_a_place_is_announced(client, catalogue):
    assert "Ort erkannt" not in text(get(client, q="Essen Robotik"))
    response = get(client, q="Robotik in Essen")
    assert "Ort erkannt: Essen" in text(response)
    assert slugs(response) == {"robotik-nrw"}


def test_ambiguous_place_inside_the_query_stays_text_and_offers_the_choice(client, catalogue):
    response = get(client, q="Robotiktag Lippe")
    assert slugs(response) == {"robotik-lippe"}  # searched as text, no place filter
    page = text(response)
    assert "Meinten Sie: Kreis Lippe · Lippetal (Kreis Soest)" in page
    assert "Ort erkannt" not in page
    (kreis_link,) = links(response, "Kreis Lippe")
    assert params_of(kreis_link) == {"q": "Robotiktag", "ort": "Kreis Lippe"}
    html = response.content.decode()
    assert 'id="f-ort" name="ort" type="text" value=""' in html


def test_a_typed_place_wins_over_place_words_in_the_query(client, catalogue):
    # With "ort" filled in, "Bielefeld" in the query is a search word: only offers that mention it.
    response = get(client, q="Robotik Bielefeld", ort="Kreis Gütersloh")
    assert response.context["full_total"] == 0  # no offer for Gütersloh mentions Bielefeld …
    assert slugs(response) == GUETERSLOH  # … the Robotik offers there follow as partial matches
    assert "Ort erkannt" not in text(response)
    assert "Ort: Kreis Gütersloh" in text(response)
    in_bielefeld = get(client, q="Robotik Bielefeld", ort="Bielefeld")
    assert in_bielefeld.context["full_total"] == 1
    assert next(offer.slug for offer in in_bielefeld.context["page_obj"]) == "robotik-bielefeld"


def test_place_page_query_budget(client, catalogue, django_assert_max_num_queries):
    get(client, q="Robotik Bielefeld", art="beratung")  # fills caches
    with django_assert_max_num_queries(10):
        response = get(client, q="Robotik Bielefeld", thema="robotik")
    assert "Ort erkannt: Bielefeld" in text(response)


# -- the same through the form the API, feeds and exports use ------------------------------------


def filtered(**params):
    """The slugs every list (page, API, feeds, exports) finds for these parameters."""
    return set(Offer.objects.filter(pk__in=find(params).pks()).values_list("slug", flat=True))


def test_every_list_applies_the_recognised_place(catalogue):
    assert filtered(q="Robotik Bielefeld") == {"robotik-nrw", "robotik-owl", "robotik-bielefeld"}
    # As text only, "Bielefeld" is one more search word: its offer fully, the other Robotik offers partially.
    assert filtered(q="Robotik Bielefeld", ortserkennung="nein") == {
        "robotik-nrw",
        "robotik-owl",
        "robotik-bielefeld",
        "robotik-guetersloh",
        "robotik-lippe",
        "robotik-soest",
    }
    assert filtered(q="Robotik", ort="Lippe") == {
        "robotik-nrw",
        "robotik-owl",
        "robotik-bielefeld",
        "robotik-guetersloh",
        "robotik-lippe",
        "robotik-soest",
    }


def api(client, **params):
    return client.get("/api/v1/angebote/", params)


def test_api_resolves_places_like_the_page(client, catalogue):
    for params in ({"ort": "33415 Verl", "q": "Robotik"}, {"q": "Robotik Bielefeld"}, {"ort": "Koeln"}):
        response = api(client, **params)
        assert response.status_code == 200
        page = {offer.slug for offer in get(client, **params).context["page_obj"]}
        assert {offer["slug"] for offer in response.json()["results"]} == page, params


def test_api_ignores_an_unknown_place_but_rejects_a_bad_switch(client, catalogue):
    response = api(client, ort="Atlantis", q="Weiterbildung")
    assert response.status_code == 200
    assert [offer["slug"] for offer in response.json()["results"]] == ["weiterbildung-koeln"]
    response = api(client, q="Robotik Bielefeld", ortserkennung="vielleicht")
    assert response.status_code == 400
    assert "Unbekannter Wert. Erlaubt:" in response.json()["ortserkennung"][0]
