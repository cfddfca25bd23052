"""search.postings: the per-process term postings give exactly the ranking of scoring every hit from
the full-text index (the previous implementation, kept here as the reference), and they follow edits
by re-reading only the changed offers' documents."""

import itertools
import json
import math
import re
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from finder.index import facet_index
from offers.models import Offer
from search import analysis, engine, postings, vocabulary
from search.indexing import index_offers
from search.models import Synonym
from tests.conftest import make_offer

from .test_relevance import DATA, load_offers

pytestmark = pytest.mark.django_db


def search(text):
    """The engine's ranking among the current public offers (the finder's memo left out)."""
    return engine.search(text, facet_index().newest_places())


# -- the reference: every (offer, class) hit to Python, scored in dicts ------------------------------


def reference_hits(terms):
    hits = defaultdict(dict)
    for term in terms:
        for cls, weight in engine.CLASS_WEIGHT.items():
            if connection.vendor == "postgresql":
                sql, token = "SELECT offer_id FROM search_offerdocument WHERE vector @@ CAST(%s AS tsquery)", "'{}'"
            else:
                sql = "SELECT rowid FROM search_offerdocument_fts WHERE search_offerdocument_fts MATCH %s"
                token = '"{}"'
            with connection.cursor() as cursor:
                cursor.execute(sql, [token.format(cls + term)])
                for (pk,) in cursor.fetchall():
                    if weight > hits[term].get(pk, 0.0):
                        hits[term][pk] = weight
    return hits


def reference_run(text):
    excluded = [w.term for m in engine._EXCLUDED.finditer(text) for w in analysis.words(m.group(1))]
    groups = engine.query_groups(engine._EXCLUDED.sub(" ", text))
    if not groups:
        return [], set(), []
    hits = reference_hits({term for group in groups for term in group.terms()} | set(excluded))
    allowed = facet_index().newest_places()
    group_weights = []
    for group in groups:
        weights = {}
        for terms, factor in group.alternatives:
            found = [hits.get(term, {}) for term in terms]
            if all(found):
                for pk in min(found, key=len):
                    weight = min(f.get(pk, 0.0) for f in found) * factor
                    if weight > weights.get(pk, 0.0):
                        weights[pk] = weight
        group_weights.append(weights)
    blocked = set().union(*(hits.get(term, {}) for term in excluded))
    scores, counts = defaultdict(float), Counter()
    for weights in group_weights:
        for pk, weight in weights.items():
            if pk in allowed and pk not in blocked:
                scores[pk] += weight
                counts[pk] += 1
    unmatched = [group.surface for group, weights in zip(groups, group_weights, strict=True) if not weights]
    full = [pk for pk in scores if counts[pk] == len(groups)]
    bonus = {}
    if len(groups) > 1:
        pool = sorted(full, key=lambda pk: (-scores[pk], allowed[pk]))[: engine.PROXIMITY_POOL]  # ties: newest
        term_sets = [group.terms() for group in groups]
        for pk, title, summary in Offer.objects.filter(pk__in=pool).values_list("pk", "title", "summary"):
            for name, text_ in (("title", title), ("summary", summary)):
                sequence = [{w.term, w.joined, *w.pieces} for w in analysis.words(text_)]
                pairs = sum(
                    any(a & x and b & y for x, y in itertools.pairwise(sequence))
                    for a, b in itertools.pairwise(term_sets)
                )
                if pairs:
                    bonus[pk] = bonus.get(pk, 0.0) + engine.PROXIMITY_BONUS[name] * pairs
    ordered = sorted(full, key=lambda pk: (-(scores[pk] + bonus.get(pk, 0.0)), allowed[pk]))
    if len(full) < engine.PARTIAL_BELOW and len(groups) > 1:
        least = max(1, math.ceil(len(groups) / 2))
        partial = [pk for pk in scores if least <= counts[pk] < len(groups)]
        ordered += sorted(partial, key=lambda pk: (-counts[pk], -scores[pk], allowed[pk]))
    return ordered, set(full), unmatched


def test_same_ranking_as_scoring_every_hit():
    load_offers()
    texts = [case["query"] for case in json.loads((DATA / "cases.json").read_text(encoding="utf-8"))]
    texts += ["Beratung -Handwerk", "Förderung Digitalisierung Handwerk", "KI Beratung Mittelstand Köln"]
    compared = 0
    for text in texts:
        expected, full, unmatched = reference_run(text)
        result = engine._run(text, facet_index().newest_places())
        assert (result.pks, result.full) == (expected, full), text
        assert [group.surface for group in result.unmatched] == unmatched, text
        compared += bool(expected)
    assert compared >= 100


# -- following edits ------------------------------------------------------------------------------


def fulltext_statements(queries):
    return [q["sql"] for q in queries if "@@" in q["sql"] or " MATCH " in q["sql"]]


def test_an_edit_is_found_by_the_next_search_rereading_only_that_offer():
    offers = [make_offer(title=f"Robotik-Sprechstunde {n}", summary="Cobots im Betrieb") for n in range(5)]
    assert set(search("Robotik").pks) == {offer.pk for offer in offers}
    assert search("Wasserstoff").pks == []
    memo = postings.memo()
    reads_before = memo.reads

    offers[2].title = "Wasserstoff-Sprechstunde"
    offers[2].save()
    with CaptureQueriesContext(connection) as queries:
        found = search("Wasserstoff")
    assert found.pks == [offers[2].pk]
    assert memo.reads - reads_before == 1, "only the changed offer's document is re-read"
    assert fulltext_statements(queries.captured_queries) == [], "known terms are not read from the index again"
    assert set(search("Robotik").pks) == {offer.pk for n, offer in enumerate(offers) if n != 2}
    # Every posting has caught up with that edit: the next one lets go of the changed document.
    offers[3].summary = "Wasserstoff im Betrieb"
    offers[3].save()
    assert search("Wasserstoff").pks == [offers[2].pk, offers[3].pk]  # title before summary
    assert list(memo.changed) == [offers[3].pk]


def test_an_offer_indexed_by_another_process_is_found_by_the_next_search():
    offer = make_offer(title="Lernfabrik Ruhr")
    assert search("Lernfabrik").pks == [offer.pk]
    assert search("Quantencomputer").pks == []
    # Another worker changed the offer and its document; this process got no signal.
    Offer.objects.filter(pk=offer.pk).update(title="Quantencomputer zum Anfassen")
    index_offers([offer.pk])
    assert search("Quantencomputer").pks == [offer.pk]
    assert search("Lernfabrik").pks == []


def test_unpublished_and_deleted_offers_leave_the_results_at_once():
    kept, hidden, deleted = (make_offer(title=f"Testfeld Logistik {n}") for n in range(3))
    assert set(search("Logistik").pks) == {kept.pk, hidden.pk, deleted.pk}
    hidden.status = Offer.Status.DRAFT
    hidden.save()
    deleted.delete()
    assert search("Logistik").pks == [kept.pk]


def test_many_changes_at_once_start_the_memo_afresh(monkeypatch):
    offers = [make_offer(title=f"Fachtag Pflege {n}") for n in range(4)]
    assert len(search("Pflege").pks) == 4
    monkeypatch.setattr(postings, "MAX_CHANGED", 2)
    Offer.objects.filter(pk__in=[offer.pk for offer in offers]).update(title="Fachtag Energie")
    index_offers([offer.pk for offer in offers])
    assert len(search("Energie").pks) == 4
    memo = postings.memo()
    assert memo.changed == {} and "pfleg" not in memo.terms
    assert search("Pflege").pks == []


# -- the typo vocabulary --------------------------------------------------------------------------


def reference_vocabulary():
    """The vocabulary counted from the public offers' texts, as before it was kept in step."""
    counts, spellings = Counter(), defaultdict(Counter)
    rows = Offer.objects.public().values_list("title", "topic_names", "summary", "description", "provider_name")
    for row in rows:
        for text in row:
            for match in re.finditer(r"[^\W\d_]{4,}", text or ""):
                if not analysis.is_stop_word(match.group(0)):
                    counts[analysis.fold(match.group(0))] += 1
                    spellings[analysis.fold(match.group(0))][match.group(0)] += 1
    display = {folded: min(s.items(), key=lambda item: (-item[1], item[0]))[0] for folded, s in spellings.items()}
    return counts, display


def assert_vocabulary_is_fresh():
    words_, counts, display = engine.vocabulary(facet_index().newest_places())
    expected_counts, expected_display = reference_vocabulary()
    assert dict(counts) == dict(expected_counts)
    assert sorted(words_) == sorted(expected_counts)
    assert {folded: display[folded] for folded in expected_display} == expected_display


def test_the_vocabulary_follows_edits_without_counting_everything_again():
    offers = [make_offer(title=f"Robotik-Werkstatt {n}", summary="Cobots für Betriebe") for n in range(4)]
    draft = make_offer(title="Geheimprojekt Zeppelin", status=Offer.Status.DRAFT, published_at=None)
    assert engine.closest_word("Robotk", facet_index().newest_places()) == "Robotik"
    assert_vocabulary_is_fresh()
    memo = vocabulary.memo()
    assert memo.full_counts == 1

    offers[0].title = "Wasserstoff-Werkstatt"
    offers[0].save()
    offers[1].delete()
    draft.status = Offer.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    assert engine.closest_word("Zepelin", facet_index().newest_places()) == "Zeppelin"
    assert_vocabulary_is_fresh()
    assert memo.full_counts == 1, "not counted afresh"
    assert memo.removed == 2 and memo.added == 2  # offers[0] off and on, offers[1] off, the draft on

    Offer.objects.filter(pk=offers[2].pk).update(status=Offer.Status.DRAFT)  # another process, no signal
    index_offers([offers[2].pk])
    assert_vocabulary_is_fresh()
    assert memo.full_counts == 1
    index_offers()  # a full rebuild: counted afresh
    assert_vocabulary_is_fresh()
    assert memo.full_counts == 1 and memo.added == 0, "counted afresh (the counters start again)"


def test_unpublished_words_are_never_suggested():
    make_offer(title="Robotik-Werkstatt")
    make_offer(title="Geheimprojekt Zeppelin", status=Offer.Status.DRAFT, published_at=None)
    assert engine.closest_word("Zepelin", facet_index().newest_places()) is None


def test_an_offer_edit_does_not_analyse_the_synonyms_again(monkeypatch):
    offer = make_offer(title="Robotik-Labor")
    assert search("Robotik").pks == [offer.pk]
    calls = []
    original = engine._synonym_table
    monkeypatch.setattr(engine, "_synonym_table", lambda: calls.append(1) or original())
    offer.title = "Robotik-Testfeld"
    offer.save()
    assert search("Robotik").pks == [offer.pk]
    assert calls == []
    Synonym.objects.create(terms="Schraubroboter, Robotik")
    assert search("Schraubroboter").pks == [offer.pk]
    assert calls == [1]


def test_the_proximity_bonus_goes_to_the_right_offers():
    adjacent = make_offer(title="Seminar zur Digitalisierung")
    reversed_ = make_offer(title="Digitalisierung: ein Seminar")  # newer, same score without the bonus
    for n in range(3):
        make_offer(title=f"Fachtag Logistik {n}")  # the newest offers match nothing
    assert engine._run("Seminar Digitalisierung", facet_index().newest_places()).pks == [adjacent.pk, reversed_.pk]
    assert reference_run("Seminar Digitalisierung")[0] == [adjacent.pk, reversed_.pk]
