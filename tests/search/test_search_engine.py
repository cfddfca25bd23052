"""The issue's examples, synonyms edited in the admin, the zero-result report, the index kept in step,
and the API/feed using the page's ranking – on whichever database the suite runs."""

import pytest
from django.contrib.auth import get_user_model

from offers.models import Offer
from search import analysis
from search.models import Synonym, ZeroResultSearch
from tests.conftest import make_institution, make_offer

pytestmark = pytest.mark.django_db


def listed(client, query, **params):
    response = client.get("/angebote/", {"q": query, **params})
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    return [offer.slug for offer in response.context["page_obj"]], response


@pytest.fixture
def field():
    return {
        "it": make_offer(slug="it-sicherheit", title="IT-Sicherheit für kleine Betriebe", topics=["IT-Sicherheit"]),
        "ki": make_offer(slug="ki-beratung", title="KI-Beratung für den Mittelstand", summary="Erste Schritte."),
        "lab": make_offer(slug="ki-testlabor", title="KI-Testlabor Ruhr", summary="Modelle ausprobieren."),
        "ecom": make_offer(slug="e-commerce", title="E-Commerce-Sprechstunde", summary="Ihr Onlineshop."),
        "ot": make_offer(slug="ot-security", title="OT-Security in der Fertigung", summary="Anlagen schützen."),
        "i40": make_offer(slug="industrie-40", title="Werkstatt Industrie 4.0", summary="Vernetzte Produktion."),
        "robot": make_offer(
            slug="robotik", title="Robotikberatung im Handwerk", summary="Cobots einsetzen.", topics=["Robotik"]
        ),
        "check": make_offer(slug="check", title="Digitalisierungscheck", summary="Wo steht Ihr Betrieb?"),
        "cyber": make_offer(slug="cyber", title="Cybersicherheit im Handwerk", summary="Schutz vor Angriffen."),
        "koeln": make_offer(slug="koeln", title="Gründungsberatung Köln", summary="Für Gründerinnen in Köln."),
        "scikit": make_offer(slug="scikit", title="Python-Kurs", summary="Mit scikit-learn und pandas."),
        "sich": make_offer(slug="sicht", title="Sichtprüfung mit Kameras", summary="Qualität per Kamera prüfen."),
    }


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("IT-Sicherheit", "it-sicherheit"),
        ("KI-Beratung", "ki-beratung"),
        ("E-Commerce", "e-commerce"),
        ("OT-Security", "ot-security"),
        ("KI-Testlabor", "ki-testlabor"),
        ("Industrie 4.0", "industrie-40"),
        ("Beratung", None),  # finds the compound Robotikberatung (checked below)
        ("Check", "check"),
        ("Koeln", "koeln"),
        ("Cybersicherheit", "cyber"),
    ],
)
def test_issue_examples_are_found_first(client, field, query, first):
    # As text: a place name alone ("Koeln") would otherwise become the place filter (regions.places).
    slugs, response = listed(client, query, ortserkennung="nein")
    assert response.context["suggestion"] is None, "a correctly spelled word is never corrected"
    if first:
        assert slugs[0] == first, slugs
    else:
        assert "robotik" in slugs and "ki-beratung" in slugs


def test_a_transliterated_place_alone_becomes_the_place_filter(client, field):
    _slugs, response = listed(client, "Koeln")
    assert response.context["filter"].place.region.name == "Köln"
    assert "Ort erkannt: Köln" in response.content.decode()


def test_compound_head_and_modifier(client, field):
    assert "robotik" in listed(client, "Beratung")[0]
    assert "robotik" in listed(client, "Robotik")[0]
    assert "check" in listed(client, "Check")[0]


def test_short_words_do_not_match_inside_other_words(client, field):
    slugs, _response = listed(client, "KI Produktion")
    assert "scikit" not in slugs
    assert "Kl" and "scikit" not in listed(client, "Kl")[0]


def test_sicherheit_does_not_find_everything_starting_with_sich(client, field):
    slugs, _response = listed(client, "Sicherheit")
    assert "it-sicherheit" in slugs and "sicht" not in slugs


def test_filler_words_never_exclude(client, field):
    slugs, _response = listed(client, "Beratung im Handwerk")
    assert slugs[0] == "robotik"


def test_partial_matches_follow_under_a_note(client, field):
    slugs, response = listed(client, "Robotik Quantencomputer")
    assert slugs[0] == "robotik"  # then "cyber", a partial match (Handwerk only)
    assert "Kein Angebot enthält alle Suchwörter" in response.content.decode()


def test_umlaut_and_ss_folding_both_ways():
    assert analysis.terms("Köln Straße Mülheim") == analysis.terms("Koeln Strasse Muelheim")


def test_typo_corrects_only_the_unmatched_word(client, field):
    slugs, response = listed(client, "Robtik Handwerk")
    assert response.context["suggestion"] == "Robotik Handwerk"
    assert slugs[0] == "robotik"
    assert "Meinten Sie: Robotik Handwerk?" in response.content.decode()


def test_api_returns_the_page_order_and_the_suggestion(client, field):
    slugs, _response = listed(client, "Robtik")
    data = client.get("/api/v1/angebote/", {"q": "Robtik"}).json()
    assert data["suggestion"] == "Robotik"
    ids = [row["id"] for row in data["results"]]
    assert ids == [Offer.objects.filter(slug__in=slugs).in_bulk(field_name="slug")[slug].pk for slug in slugs]


def test_feed_of_a_corrected_search_is_not_empty(client, field):
    body = client.get("/angebote/feed/", {"q": "Robtik"}).content.decode()
    assert "Robotikberatung im Handwerk" in body


def test_synonym_added_in_the_admin_works_on_the_next_search(client, field):
    assert listed(client, "Cobot-Förderung")[0] == [] or "robotik" not in listed(client, "Schraubroboter")[0]
    admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw-123-xyz!")
    client.force_login(admin)
    response = client.get("/admin/search/synonym/add/", {"terms": "Schraubroboter,Robotik"})
    assert "Schraubroboter,Robotik" in response.content.decode()
    response = client.post(
        "/admin/search/synonym/add/",
        {"terms": "Schraubroboter, Robotik", "kind": "gleichwertig", "expands_to": "", "active": "on"},
    )
    assert response.status_code == 302
    client.logout()
    assert "robotik" in listed(client, "Schraubroboter")[0]


def test_zero_result_searches_are_counted_without_personal_data(client, field):
    for _ in range(2):
        listed(client, "Quantenkryptographie max@example.org 0521 123456")
    listed(client, "Robotik")
    row = ZeroResultSearch.objects.get()
    assert row.query == "quantenkryptographie" and row.count == 2
    admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw-123-xyz!")
    client.force_login(admin)
    page = client.get("/admin/search/zeroresultsearch/").content.decode()
    assert "quantenkryptographie" in page and "Als Synonym anlegen" in page
    assert "/admin/search/synonym/add/?terms=quantenkryptographie" in page


def test_index_follows_topic_changes_and_provider_renames(client):
    provider = make_institution(name="Kammer Alt")
    offer = make_offer(slug="kammer", title="Sprechtag", provider=provider)
    assert "kammer" not in listed(client, "Wasserstoff")[0]
    offer.topics.add("Wasserstoff")
    assert "kammer" in listed(client, "Wasserstoff")[0]
    provider.name = "Zukunftsagentur Neu"
    provider.save()
    assert "kammer" in listed(client, "Zukunftsagentur")[0]


def test_shipped_synonyms_are_loaded_and_never_overwritten():
    from django.core.management import call_command

    assert Synonym.objects.count() >= 150
    group = Synonym.objects.filter(reference_key__isnull=False).first()
    group.terms = group.terms + ", Redaktionsbegriff"
    group.save()
    call_command("load_reference_data", verbosity=0)
    group.refresh_from_db()
    assert group.terms.endswith("Redaktionsbegriff")


def test_a_search_costs_a_bounded_number_of_queries(client, field, django_assert_max_num_queries):
    client.get("/angebote/", {"q": "Beratung Handwerk"})  # builds the facet index, runs the search once
    with django_assert_max_num_queries(6):  # the remembered ranking: only the page's rows are read
        slugs, _response = listed(client, "Beratung Handwerk", sort="relevanz")
    assert slugs[0] == "robotik"
    with django_assert_max_num_queries(10):  # a new search: one full-text statement, one for proximity
        slugs, _response = listed(client, "Handwerk Cobots", sort="relevanz")
    assert slugs[0] == "robotik"  # then "cyber", a partial match (Handwerk only)
