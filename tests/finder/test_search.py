"""Search quality through the list page and search.engine (the same on SQLite and PostgreSQL)."""

import pytest
from django.db import connection

from finder.index import facet_index
from search import engine
from search.highlight import highlight
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text index")


@pytest.fixture
def offers():
    return {
        "plural": make_offer(title="Sprachkurse für Beschäftigte", summary="Deutsch im Betrieb lernen."),
        "singular": make_offer(title="Ein Sprachkurs für Auszubildende", summary="Berufssprache."),
        "compound": make_offer(title="Robotikberatung im Handwerk", summary="Cobots sinnvoll einsetzen."),
        "topic": make_offer(title="Förderlotse", summary="Wir finden Ihr Programm.", topics=["Robotik"]),
        "provider": make_offer(title="Energieberatung", summary="Strom sparen.", description="Mit Wärmepumpen."),
        "other": make_offer(title="Cloud-Sprechstunde", summary="Daten in der Cloud."),
    }


def titles(client, query, **params):
    response = client.get("/angebote/", {"q": query, **params})
    assert response.status_code == 200
    return [offer.title for offer in response.context["page_obj"]], response


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [("Sprachkurs", "singular"), ("Sprachkurse", "plural"), ("Robotik", "compound"), ("Wärmepumpe", "provider")],
)
def test_obvious_cases_are_found_first(client, offers, query, expected_first):
    shown, _response = titles(client, query)
    assert shown[0] == offers[expected_first].title or offers[expected_first].title in shown[:2], shown
    assert offers["other"].title not in shown


def test_singular_and_plural_find_each_other(client, offers):
    for query in ("Sprachkurs", "Sprachkurse"):
        shown, _response = titles(client, query)
        assert {offers["plural"].title, offers["singular"].title} <= set(shown)


def test_title_outranks_topic(client, offers):
    shown, _response = titles(client, "Robotik")
    assert shown.index(offers["compound"].title) < shown.index(offers["topic"].title)


def test_exclusion(client, offers):
    shown, _response = titles(client, "Robotik -Handwerk")
    assert offers["compound"].title not in shown and offers["topic"].title in shown


def test_special_characters_are_harmless(client, offers):
    for text in ["a & b | !c", "robotik:* & (", "'; DROP TABLE offers_offer; --", "\\", "<->", '"x" OR y', "x" * 500]:
        response = client.get("/angebote/", {"q": text})
        assert response.status_code == 200
        assert "<h1" in response.content.decode()


def test_typo_is_corrected_and_shown(client, offers):
    shown, response = titles(client, "Robtik")
    assert shown[0] == offers["compound"].title
    assert response.context["suggestion"] == "Robotik"
    assert "Meinten Sie: Robotik?" in response.content.decode()


def test_a_correct_word_is_never_corrected(client, offers):
    _shown, response = titles(client, "Sprachkurs")
    assert response.context["suggestion"] is None


def test_highlight_escapes_and_marks():
    html = highlight("<b>Robotikberatung</b> & mehr", "robotik")
    assert html == "&lt;b&gt;<mark>Robotikberatung</mark>&lt;/b&gt; &amp; mehr"


def test_same_order_on_repeat(offers):
    order = facet_index().positions
    first = engine.search("Beratung", order).pks
    assert len(first) > 1
    assert engine.search("Beratung", order).pks == first


@postgres_only
def test_postgres_uses_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT offer_id FROM search_offerdocument WHERE vector @@ CAST('aberat' AS tsquery)")
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "search_offerdocument_vector_gin" in plan
