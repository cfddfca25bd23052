"""Search quality. The PostgreSQL tests run where PostgreSQL is the database (CI runs both)."""

import pytest
from django.db import connection

from offers import search
from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")


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


def found(text):
    return list(search.search(Offer.objects.public(), text).order_by("-rank", "title"))


def test_parse_understands_websearch_syntax():
    parsed = search.parse('robotik "digitaler zwilling" -cloud ki oder ai')
    assert parsed.groups == [[["robotik"]], [["digitaler", "zwilling"]], [["ki"], ["ai"]]]
    assert parsed.excluded == ["cloud"]
    assert not search.parse("!!! ::: &&&")
    assert search.trim("sprachkurse") == "sprachkurs" and search.trim("robotik") == "robotik"


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [("Sprachkurs", "plural"), ("Sprachkurse", "singular"), ("Robotik", "compound"), ("Wärmepumpe", "provider")],
)
def test_obvious_cases_are_found(offers, query, expected_first):
    results = found(query)
    assert offers[expected_first] in results
    assert offers["other"] not in results


def test_singular_and_plural_find_each_other(offers):
    assert {offers["plural"], offers["singular"]} <= set(found("Sprachkurs"))
    assert {offers["plural"], offers["singular"]} <= set(found("Sprachkurse"))


def test_exclusion_and_alternatives(offers):
    assert offers["compound"] not in found("Robotik -Handwerk")
    assert {offers["other"], offers["provider"]} <= set(found("Cloud oder Energieberatung"))


def test_tsquery_special_characters_are_harmless(offers):
    for text in ["a & b | !c", "robotik:* & (", "'; DROP TABLE offers_offer; --", "\\", "<->", "x" * 500]:
        found(text)  # must not raise


def test_typo_gets_a_suggestion(offers):
    assert search.suggest("Robtik") == "Robotik"
    assert search.suggest("Sprachkurs") is None or found("Sprachkurs")


def test_highlight_escapes_and_marks():
    html = search.highlight("<b>Robotikberatung</b> & mehr", "robotik")
    assert html == "&lt;b&gt;<mark>Robotikberatung</mark>&lt;/b&gt; &amp; mehr"


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected_first"),
    [("Sprachkurs", "singular"), ("Sprachkurse", "plural"), ("Robotik", "compound"), ("Robtik", "compound")],
)
def test_postgres_ranks_the_intended_offer_first(client, offers, query, expected_first):
    response = client.get("/angebote/", {"q": query})
    assert response.status_code == 200
    first = response.context["page_obj"][0]
    assert first == offers[expected_first], [offer.title for offer in response.context["page_obj"]]
    if query == "Robtik":
        assert response.context["suggestion"] == "Robotik"
        assert "Meinten Sie: Robotik?" in response.content.decode()


@postgres_only
def test_postgres_weights_title_above_topics(offers):
    results = found("Robotik")
    assert results.index(offers["compound"]) < results.index(offers["topic"])


@postgres_only
def test_postgres_uses_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM offers_offer WHERE search_vector @@ to_tsquery('german', 'robotik:*')")
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "offer_search_vector_gin" in plan


@pytest.fixture
def many_matches(monkeypatch):
    """Search bounds made tiny, so a dozen offers exercise the bounded ranking and its windows."""
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(search, "WINDOW", 4)
    now = timezone.now()
    newer = [
        make_offer(
            title=f"Werkstatttag {number}",
            description="Mit einem Besuch der Lernfabrik.",
            published_at=now - datetime.timedelta(hours=number + 1),
        )
        for number in range(10)
    ]
    old_title = make_offer(title="Lernfabrik im Mittelstand", published_at=now - datetime.timedelta(days=400))
    make_offer(title="Cloud-Sprechstunde", published_at=now - datetime.timedelta(hours=1))
    return newer, old_title


def test_ranked_search_ranks_the_newest_matches_and_the_title_matches(many_matches):
    newer, old_title = many_matches
    results = list(search.ranked(Offer.objects.public(), "Lernfabrik", candidates=4))
    assert results[0] == old_title, "a title match is ranked, however old"
    assert set(results) <= {*newer, old_title}
    assert newer[0] in results and newer[9] not in results, "only the newest matches are ranked beyond the bound"


def test_ranked_search_is_exact_below_the_bound(many_matches):
    newer, old_title = many_matches
    results = list(search.ranked(Offer.objects.public(), "Lernfabrik", candidates=50))
    assert set(results) == {*newer, old_title}


@postgres_only
def test_ranked_search_leaves_the_planner_settings_as_they_were(many_matches):
    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_indexscan'), current_setting('work_mem')")
            return cursor.fetchone()

    before = settings()
    list(search.ranked(Offer.objects.public(), "Lernfabrik", candidates=4))
    assert settings() == before
