"""What people type as a place, resolved against the real reference data (regions.places)."""

import pytest

from regions import places
from regions.models import Municipality, PostalCode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "region", "summary"),
    [
        ("33415", "kreis-guetersloh", "33415 Verl → Kreis Gütersloh"),
        ("33415 Verl", "kreis-guetersloh", "33415 Verl → Kreis Gütersloh"),
        ("Verl 33415", "kreis-guetersloh", "33415 Verl → Kreis Gütersloh"),
        ("Verl", "kreis-guetersloh", "Verl → Kreis Gütersloh"),
        (" verl ", "kreis-guetersloh", "Verl → Kreis Gütersloh"),
        ("Bad Salzuflen", "kreis-lippe", "Bad Salzuflen → Kreis Lippe"),
        ("bad salzuflen", "kreis-lippe", "Bad Salzuflen → Kreis Lippe"),
        ("Kreis Lippe", "kreis-lippe", "Kreis Lippe"),
        ("Kreis Gütersloh", "kreis-guetersloh", "Kreis Gütersloh"),
        ("Kreis Guetersloh", "kreis-guetersloh", "Kreis Gütersloh"),
        ("Landkreis Paderborn", "kreis-paderborn", "Kreis Paderborn"),
        ("Gütersloh", "kreis-guetersloh", "Kreis Gütersloh"),
        ("Stadt Bielefeld", "bielefeld", "Bielefeld"),
        ("Bielefeld", "bielefeld", "Bielefeld"),
        ("Stadt Gütersloh", "kreis-guetersloh", "Gütersloh → Kreis Gütersloh"),
        ("05754044", "kreis-guetersloh", "Verl → Kreis Gütersloh"),  # Gemeindeschlüssel
        ("05766", "kreis-lippe", "Kreis Lippe"),  # Kreisschlüssel
        ("Köln", "koeln", "Köln"),
        ("Koeln", "koeln", "Köln"),
        ("KOELN", "koeln", "Köln"),
        ("köln", "koeln", "Köln"),
        ("Muelheim", "muelheim-an-der-ruhr", "Mülheim an der Ruhr"),
        ("Mülheim", "muelheim-an-der-ruhr", "Mülheim an der Ruhr"),
        ("Muelheim an der Ruhr", "muelheim-an-der-ruhr", "Mülheim an der Ruhr"),
        ("Mülheim an der Ruhr", "muelheim-an-der-ruhr", "Mülheim an der Ruhr"),
        ("Hoexter", "kreis-hoexter", "Kreis Höxter"),
        ("Höxter", "kreis-hoexter", "Kreis Höxter"),
        ("Halle", "kreis-guetersloh", "Halle (Westf.) → Kreis Gütersloh"),
        ("Essen", "essen", "Essen"),
        ("Hamm", "hamm", "Hamm"),  # not Hamminkeln
        ("Sankt Augustin", "rhein-sieg-kreis", "Sankt Augustin → Rhein-Sieg-Kreis"),
        ("St. Augustin", "rhein-sieg-kreis", "Sankt Augustin → Rhein-Sieg-Kreis"),
        ("Schloss Holte-Stukenbrock", "kreis-guetersloh", "Schloß Holte-Stukenbrock → Kreis Gütersloh"),
        ("Rhein-Sieg", "rhein-sieg-kreis", "Rhein-Sieg-Kreis"),
        ("Hochsauerland", "hochsauerlandkreis", "Hochsauerlandkreis"),
        ("Regierungsbezirk Detmold", "regierungsbezirk-detmold", "Regierungsbezirk Detmold"),
        ("Bezirk Detmold", "regierungsbezirk-detmold", "Regierungsbezirk Detmold"),
        ("Detmold", "kreis-lippe", "Detmold → Kreis Lippe"),  # the town, not the Bezirk
        ("OWL", "ostwestfalen-lippe", "Ostwestfalen-Lippe"),
        ("Münsterland", "muensterland", "Münsterland"),
        ("Ruhrgebiet", "ruhr", "Ruhr (Metropole Ruhr)"),
        ("Köln/Bonn", "koeln-bonn", "Köln/Bonn"),
    ],
)
def test_place_resolves_to_its_region(text, region, summary):
    match = places.resolve(text)
    assert match.resolved, (text, match.choices)
    assert match.region.slug == region
    assert match.summary == summary
    assert not match.choices


def test_lippe_offers_the_kreis_and_lippetal_instead_of_guessing():
    match = places.resolve("Lippe")
    assert match.region is None and match.ambiguous
    assert [(choice.label, choice.value) for choice in match.choices] == [
        ("Kreis Lippe", "Kreis Lippe"),
        ("Lippetal (Kreis Soest)", "Lippetal"),
    ]
    # Each choice's value names exactly that place.
    assert places.resolve("Kreis Lippe").region.slug == "kreis-lippe"
    assert places.resolve("Lippetal").region.slug == "kreis-soest"


def test_a_postcode_of_two_kreise_offers_both_towns():
    match = places.resolve("40472")  # Düsseldorf and Ratingen (Kreis Mettmann)
    assert match.ambiguous
    assert [choice.label for choice in match.choices] == ["Düsseldorf", "Ratingen (Kreis Mettmann)"]
    assert {places.resolve(choice.value).region.slug for choice in match.choices} == {"duesseldorf", "kreis-mettmann"}
    assert places.resolve("40472 Ratingen").region.slug == "kreis-mettmann"


@pytest.mark.parametrize("text", ["Atlantis", "99999", "'; DROP TABLE", "\x00", "x" * 10_000, "12345678"])
def test_unknown_places_resolve_to_nothing(text):
    match = places.resolve(text)
    assert match is None or (match.unknown and match.region is None and not match.choices)


def test_empty_text_is_no_place():
    assert places.resolve("") is None
    assert places.resolve("   ") is None


def test_renamed_municipality_and_new_postcode_count_at_once():
    assert places.resolve("Verl").resolved  # fills the cache
    verl = Municipality.objects.get(name="Verl")
    verl.name = "Verl-Neu"
    verl.save()
    PostalCode.objects.create(code="33499", municipality=verl)
    assert places.resolve("Verl-Neu").region.slug == "kreis-guetersloh"
    assert places.resolve("33499").region.slug == "kreis-guetersloh"


@pytest.mark.parametrize(
    ("query", "place", "remaining", "region"),
    [
        ("Robotik Bielefeld", "Bielefeld", "Robotik", "bielefeld"),
        ("Förderung Kreis Lippe", "Kreis Lippe", "Förderung", "kreis-lippe"),
        ("Förderung im Kreis Lippe", "Kreis Lippe", "Förderung", "kreis-lippe"),
        ("Weiterbildung in Köln", "Köln", "Weiterbildung", "koeln"),
        ("Weiterbildung in Koeln", "Koeln", "Weiterbildung", "koeln"),
        ("KI im Raum Köln", "Köln", "KI", "koeln"),
        ("Beratung bei Verl", "Verl", "Beratung", "kreis-guetersloh"),
        ("Fachkräfte aus Hamm", "Hamm", "Fachkräfte", "hamm"),
        ("Digitalisierung 33415", "33415", "Digitalisierung", "kreis-guetersloh"),
        ("Digitalisierung 33415 Verl", "33415 Verl", "Digitalisierung", "kreis-guetersloh"),
        ("Digitalisierung 33415 Köln", "33415", "Digitalisierung Köln", "kreis-guetersloh"),
        ("Beratung in Essen", "Essen", "Beratung", "essen"),
        ("Beratung in Halle", "Halle", "Beratung", "kreis-guetersloh"),
        ("Gründung Raum Paderborn", "Paderborn", "Gründung", "kreis-paderborn"),
        ("IT-Sicherheit Münsterland", "Münsterland", "IT-Sicherheit", "muensterland"),
        ("Mülheim an der Ruhr Energieberatung", "Mülheim an der Ruhr", "Energieberatung", "muelheim-an-der-ruhr"),
        ("Smart City Stadt Gütersloh", "Stadt Gütersloh", "Smart City", "kreis-guetersloh"),
        ("Bielefeld", "Bielefeld", "", "bielefeld"),
        ("robotik in bielefeld", "bielefeld", "robotik", "bielefeld"),
        ("Robotik KOELN", "KOELN", "Robotik", "koeln"),
    ],
)
def test_place_words_inside_a_query(query, place, remaining, region):
    found = places.find_in_query(query)
    assert found is not None, query
    assert (found.text, found.remaining, found.match.region.slug) == (place, remaining, region)


@pytest.mark.parametrize(
    "query",
    [
        "Essen Beratung",  # an everyday word on its own
        "Lage der Industrie",
        "Halle mieten",
        "Wetter Daten",
        "Industrie 4.0",
        "Beratung bei Bedarf",
        "KI in der Produktion",
        "Stadt Land Fluss",
        "Robotik Verl",  # a town that is no Kreis counts only after in/bei/aus/Raum or with its postcode
        "robotik bielefeld",  # a name on its own counts only when capitalised
        '"Robotik Bielefeld"',  # a quoted phrase stays text
        "Robotik -Bielefeld",  # so does an excluded word
        "Förderprogramm 12345",  # a number that is no postcode of NRW
        "",
    ],
)
def test_no_place_inside_a_query(query):
    assert places.find_in_query(query) is None


def test_an_ambiguous_place_inside_a_query_stays_text_and_offers_the_choice():
    found = places.find_in_query("Förderung Lippe")
    assert found.match.ambiguous
    assert found.remaining == "Förderung"
    assert [choice.value for choice in found.match.choices] == ["Kreis Lippe", "Lippetal"]
