"""Ranked search on its own (run inside `manage.py shell` by bench/run.py, or directly:
`DATABASE_URL=… .venv/bin/python bench/search.py [--queries 200] [--rebuild]`).

Times search.engine's ranking for a mix of visitors' queries (topic words, offer kinds, two-word
queries, typos) with the per-text result memo bypassed, so every query is a first visitor's:

- `ranked_cold`: the first pass in a fresh process state – no term postings yet, every term is read
  from the full-text index (the facet index, synonym table and typo vocabulary are built before);
- `ranked`: the same queries again, the per-process term postings warm after that pass (what a
  worker answers once it has seen the common words), the result memo still bypassed.

With `edit`, one offer is saved unchanged and the time to bring the postings and the vocabulary in step
is reported. Then the list page's own path (filters, facet index, ranking, first 20 rows; result memo bypassed,
postings warm). Reports the memory of the per-process structures (postings arrays exactly, the
process's RSS growth), the index size and, with `rebuild`, the time to rebuild every search document.
Prints one JSON line.
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path

WORDS = ["Beratung", "Förderung", "Workshop", "Seminar", "Digitalisierung", "Robotik", "Netzwerk", "Logistik",
         "Pflege", "Wasserstoff", "Handwerk", "Gründung", "Sprachkurs", "Lernfabrik", "Zuschuss", "Ausbildung",
         "KI", "Nachhaltig", "Energie", "Fachkräfte"]  # fmt: skip


def queries(count, rng):
    from offers.models import Topic

    topics = list(Topic.objects.values_list("name", flat=True))
    mix = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            mix.append(rng.choice(topics))
        elif kind == 1:
            mix.append(rng.choice(WORDS))
        elif kind == 2:
            mix.append(f"{rng.choice(WORDS)} {rng.choice(topics).split()[-1]}")
        else:
            word = rng.choice(WORDS)
            mix.append(word[:-2] + word[-1] if len(word) > 5 else word)  # a typo
    return mix


def percentiles(values):
    values = sorted(values)
    return {
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 1),
        "max_ms": round(values[-1], 1),
    }


def index_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_offerdocument')")
        else:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_offerdocument%'"
            )  # needs SQLITE_ENABLE_DBSTAT_VTAB
        return cursor.fetchone()[0]


def rss_mb():
    """This process's resident memory (Linux), MB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(kb / 1024, 1)


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, round(time.perf_counter() - started, 2)


def main(count=200, rebuild=False, edit=False):
    from django.db import connection
    from django.test import RequestFactory

    from allianz_portal import freshness
    from finder import index as facets
    from finder.views import OfferListView
    from offers.models import Offer
    from search import engine, postings
    from search.indexing import index_offers

    rng = random.Random(7)
    mix = queries(count, rng)
    result = {"vendor": connection.vendor, "offers": Offer.objects.count(), "queries": len(mix)}
    result["load_before"] = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None
    if rebuild:
        _count, result["index_build_s"] = timed(index_offers)
    try:
        result["index_mb"] = round(index_size() / 1e6, 1)
    except Exception:  # dbstat missing on this SQLite build
        result["index_mb"] = None
    engine.forget()
    freshness.forget()
    before = rss_mb()
    index, result["facet_index_s"] = timed(facets.facet_index)
    order = index.newest_places()  # the finder's tie-breaking order, as it passes it to the engine
    after_facets = rss_mb()
    _vocabulary, result["vocabulary_s"] = timed(lambda: engine.vocabulary(order))  # counted once per process
    after_vocabulary = rss_mb()
    _synonyms, result["synonyms_s"] = timed(engine.synonym_table)
    result["rss_mb_after_state"] = rss_mb()
    if before:
        result["rss_mb_growth"] = {
            "facet_index": round(after_facets - before, 1),
            "vocabulary": round(after_vocabulary - after_facets, 1),
            "synonyms": round(result["rss_mb_after_state"] - after_vocabulary, 1),
        }
    result["vocabulary_words"] = len(_vocabulary[0])
    for name in ("ranked_cold", "ranked"):
        timings, cpu = [], []
        for text in mix:
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.search(text, order)  # the engine itself: no result memo (the finder's is bypassed)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        result[name] = percentiles(timings)
        # This process's CPU time alone: what a query costs when the machine is busy with other work
        # (the database server's share is not in it).
        result[name + "_cpu"] = percentiles(cpu)
        if name == "ranked_cold":
            result["ranked_cold"]["total_s"] = round(sum(timings) / 1000, 1)
    memo = postings.memo()
    result["postings"] = {
        "terms": len(memo.terms),
        "entries": memo.entries,
        "arrays_mb": round(memo.memory() / 1e6, 1),
        "proximity_offers": len(memo.sequences),
        "rss_mb_growth_over_both_passes": round(rss_mb() - result["rss_mb_after_state"], 1) if before else None,
    }
    if edit:
        # One offer saved unchanged (as an editor would): the next search brings the postings and the
        # vocabulary in step by re-reading that offer only. The facet index is rebuilt first (untimed).
        offer = Offer.objects.public().order_by("pk").first()
        offer.save()
        index = facets.facet_index()
        order = index.newest_places()
        started = time.perf_counter()
        with freshness.request_state():
            engine._postings(set())
            follow_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            engine.vocabulary(order)
            vocabulary_ms = (time.perf_counter() - started) * 1000
        result["after_one_edit"] = {
            "postings_follow_ms": round(follow_ms, 1),
            "vocabulary_follow_ms": round(vocabulary_ms, 1),
            "documents_reread": memo.reads,
        }
    page = []
    for text in mix[:60]:
        index.searches.clear()  # a first visitor of each text
        view = OfferListView()
        view.setup(RequestFactory().get("/angebote/", {"q": text}))
        started = time.perf_counter()
        list(view.get_queryset()[0:20])
        page.append((time.perf_counter() - started) * 1000)
    result["list_page_first_20"] = percentiles(page)
    result["load_after"] = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    parser = argparse.ArgumentParser(description="ranked search benchmark (one JSON line)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="also time rebuilding every search document")
    parser.add_argument("--edit", action="store_true", help="save one offer unchanged and time following it")
    args = parser.parse_args()
    from bench import inprocess

    inprocess.setup(BENCH_FLOOR="1")  # production settings: DEBUG would record every query
    main(args.queries, args.rebuild, args.edit)
