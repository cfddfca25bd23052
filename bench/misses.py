"""Cache misses (issue 16): what the first visitor of a URL waits for, with the page cache bypassed.

Two parts share the URL sets made here:

* `urls(...)`: 1,000 distinct list URLs (region, thema, art, groesse, sort, seite) and 1,000 search URLs
  (common words and two-word queries, some with filters), drawn with a fixed seed from the facet index,
  so every run asks the same pages. bench/run.py --misses writes them to files for wrk's Lua script
  (bench/rotate.lua) and drives gunicorn with them.
* `main()`: in-process timing (Django's test client through the whole middleware stack, production
  settings, PAGE_CACHE_TIMEOUT=0) of list, filtered search, detail and home; prints a table and one
  JSON line. The facet index and the search rankings of the few distinct queries are warmed first:
  what is measured is a page-cache miss, not a content change (that is the index build, see
  docs/performance.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_miss_100k \\
        .venv/bin/python bench/misses.py [--requests 200] [--profile list|search|detail|home]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ["Beratung", "Förderung", "Workshop", "Seminar", "Digitalisierung", "Robotik", "Netzwerk", "Logistik",
         "Pflege", "Wasserstoff", "Handwerk", "Gründung", "Lernfabrik", "Zuschuss", "Ausbildung", "Energie",
         "Fachkräfte", "Lagerhaltung", "Verwaltung", "Kundenkommunikation"]  # fmt: skip
SORTS = ["neu", "titel", "termin"]
# 40 distinct searches: common words and two-word combinations, as visitors type them.
QUERIES = WORDS + [f"{a} {b}" for a, b in zip(WORDS, WORDS[7:] + WORDS[:7], strict=True)]


def urls(index, count=1000, seed=16):
    """(list URLs, search URLs): `count` distinct paths each, drawn from the index's vocabularies."""
    rng = random.Random(seed)
    regions = list(index.labels.get("region", {}))
    topics = sorted(index.bits["thema"], key=lambda slug: -index.bits["thema"][slug].bit_count())[:60]
    kinds = list(index.labels.get("art", {}))
    sizes = list(index.labels.get("groesse", {}))
    queries = QUERIES

    def filters(extra):
        params = list(extra)
        if rng.random() < 0.6:
            params.append(("region", rng.choice(regions)))
        if rng.random() < 0.5:
            params.append(("thema", rng.choice(topics)))
        if rng.random() < 0.4:
            params.append(("art", rng.choice(kinds)))
        if rng.random() < 0.25:
            params.append(("groesse", rng.choice(sizes)))
        return params

    def draw(make):
        found = {}
        attempts = 0
        while len(found) < count and attempts < count * 50:
            attempts += 1
            query = urlencode(make())
            found.setdefault(f"/angebote/?{query}" if query else "/angebote/", None)
        return list(found)

    def listing():
        params = filters([])
        if rng.random() < 0.5:
            params.append(("sort", rng.choice(SORTS)))
        if rng.random() < 0.3:
            params.append(("seite", rng.randint(2, 5)))
        return params

    def searching():
        params = filters([("q", rng.choice(queries))])
        if rng.random() < 0.2:
            params.append(("sort", rng.choice(SORTS)))
        if rng.random() < 0.2:
            params.append(("seite", 2))
        return params

    return draw(listing), draw(searching)


def setup():
    from bench import inprocess

    inprocess.setup(LOG_LEVEL="WARNING")


def samples(requests):
    """{page: [paths]} to time, in the order they are asked."""
    from finder.index import facet_index
    from offers.models import Offer

    index = facet_index()
    listing, searching = urls(index)
    rng = random.Random(7)
    slugs = list(Offer.objects.public().order_by("?").values_list("slug", flat=True)[:requests])
    return {
        "list": ["/angebote/"] * requests,
        "filtered": listing[:requests],
        "search": searching[:requests],
        "detail": [f"/angebote/{slug}/" for slug in rng.sample(slugs, len(slugs))],
        "home": ["/"] * requests,
    }


def summary(values):
    values = sorted(values)
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p90_ms": round(values[int(len(values) * 0.9) - 1], 1),
        "mean_ms": round(statistics.fmean(values), 1),
    }


def main():
    parser = argparse.ArgumentParser(description="in-process page-cache misses")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pages", default="list,filtered,search,detail,home")
    parser.add_argument("--profile", help="one page kind: print a pyinstrument profile instead of timings")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="forget the remembered sidebars, related offers and cards before every request (their misses too)",
    )
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from finder import views
    from finder.templatetags import finder

    def forget_fragments():
        if args.cold:
            views._sidebars.clear()
            views._related.clear()
            finder._cards.clear()

    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    plan = samples(min(args.requests, 1000))
    # Warm: the index, every distinct search's ranking and the templates (not what a miss costs).
    for paths in plan.values():
        for path in paths:
            assert client.get(path).status_code == 200, path
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for path in plan[args.profile]:
            forget_fragments()
            client.get(path)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
        return
    results = {}
    for page in args.pages.split(","):
        wall, cpu = [], []
        with CaptureQueriesContext(connection) as captured:
            for path in plan[page]:
                forget_fragments()
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, path
        results[page] = {
            "wall": summary(wall),
            "cpu": summary(cpu),
            "queries_per_request": round(len(captured.captured_queries) / len(plan[page]), 1),
        }
        print(
            f"{page:<9} wall p50 {results[page]['wall']['p50_ms']:>6.1f} ms p90 {results[page]['wall']['p90_ms']:>6.1f}"
            f"  cpu p50 {results[page]['cpu']['p50_ms']:>6.1f} ms  queries {results[page]['queries_per_request']}",
            flush=True,
        )
    results["cold_fragments"] = args.cold
    results["load"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
