"""Ranked search on its own (run inside `manage.py shell` by bench/run.py, or directly).

Times search.engine's ranking for a mix of visitors' queries (topic words, offer kinds, two-word
queries, typed prefixes and typos) with its per-content-state memo bypassed, so every query is a
first visitor's; then the list page's own path (facet index + ranking, first 20 rows). Reports the
search documents' rebuild time and the index size. Prints one JSON line.
"""

import json
import random
import statistics
import time

from django.db import connection

from offers.models import Offer, Topic
from search import engine
from search.indexing import index_offers

WORDS = ["Beratung", "Förderung", "Workshop", "Seminar", "Digitalisierung", "Robotik", "Netzwerk", "Logistik",
         "Pflege", "Wasserstoff", "Handwerk", "Gründung", "Sprachkurs", "Lernfabrik", "Zuschuss", "Ausbildung",
         "KI", "Nachhaltig", "Energie", "Fachkräfte"]  # fmt: skip


def queries(count, rng):
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
        "p95_ms": round(values[int(len(values) * 0.95) - 1], 1),
        "max_ms": round(values[-1], 1),
    }


def index_size():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_offerdocument')")
        else:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_offerdocument%'"
            )  # needs SQLITE_ENABLE_DBSTAT_VTAB
        return cursor.fetchone()[0]


def main(count=200, rebuild=False):
    from django.test import RequestFactory

    from finder import index as facets
    from finder.views import OfferListView

    rng = random.Random(7)
    mix = queries(count, rng)
    result = {"vendor": connection.vendor, "offers": Offer.objects.count(), "queries": len(mix)}
    if rebuild:
        started = time.perf_counter()
        index_offers()
        result["index_build_s"] = round(time.perf_counter() - started, 1)
    try:
        result["index_mb"] = round(index_size() / 1e6, 1)
    except Exception:  # dbstat missing on this SQLite build
        result["index_mb"] = None
    facets.facet_index()
    engine.vocabulary()  # built once per content state, like the facet index
    engine.synonym_table()
    timings = []
    for text in mix:
        started = time.perf_counter()
        engine._search(text)
        timings.append((time.perf_counter() - started) * 1000)
    result["ranked"] = percentiles(timings)
    page = []
    for text in mix[:60]:
        facets.forget()
        facets.facet_index()
        engine.vocabulary()
        engine.synonym_table()
        view = OfferListView()
        view.setup(RequestFactory().get("/angebote/", {"q": text}))
        started = time.perf_counter()
        list(view.get_queryset()[0:20])
        page.append((time.perf_counter() - started) * 1000)
    result["list_page_first_20"] = percentiles(page)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
