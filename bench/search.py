"""The ranked full-text search query on its own (run inside `manage.py shell` by bench/run.py).

Times the query the list page runs for a search sorted by relevance (the top 20 rows) for a mix of
visitors' queries – topic words, offer kinds, two-word and prefix queries, rare and common – and shows
the plan of one of them. Prints one JSON line.
"""

import json
import random
import statistics
import time

from django.db import connection

from offers import search
from offers.models import Offer, Topic

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
            mix.append(rng.choice(topics).split()[-1][:6])  # a typed prefix
    return mix


def ranked(text):
    return search.ranked(Offer.objects.public().current().select_related("provider", "network"), text).only(
        "pk", "title", "slug", "summary", "provider__name", "network__name"
    )[:20]


def explain(common, rare):
    """The plans of a ranked search: the window scan of a common word (both candidate lists at once),
    the all-offers candidate list of a rare combination (GIN index), and the ranking of the pool."""
    public = Offer.objects.public().current()
    since = search._window_start()
    matches = search.search(public, common)
    cases = (
        ("candidates of a common word: the newest offers' window", matches.filter(published_at__gte=since)),
        ("candidates of a rare combination: all offers", search.search(public, rare)),
    )
    plans = []
    with search._bitmap_scans():
        for label, queryset in cases:
            rows = queryset.order_by("-published_at").values_list("pk", flat=True)
            plans.append(f"-- {label}\n{rows[: search.CANDIDATES].explain(analyze=True, buffers=True)}")
    plans.append(f"-- ranking the common word's pool\n{ranked(common).explain(analyze=True, buffers=True)}")
    return "\n\n".join(plans)


def site_search(mix):
    """The list page's own search path at this size, without rendering: the facet index is built once,
    then each query is timed as its first visitor after a content change meets it (the match bitset is
    fetched: one GIN query for all matching pks) and as a later visitor (only the ranked pool is read)."""
    from django.test import RequestFactory

    from offers import facets
    from offers.views import OfferListView

    started = time.perf_counter()
    index = facets.facet_index()
    build_s = time.perf_counter() - started

    def first_page(text):
        view = OfferListView()
        view.setup(RequestFactory().get("/angebote/", {"q": text}))
        return list(view.get_queryset()[0:20])

    timings = {"first": [], "later": []}
    for text in mix:
        index.__dict__.pop("_searches", None)
        for visit in ("first", "later"):
            started = time.perf_counter()
            first_page(text)
            timings[visit].append((time.perf_counter() - started) * 1000)
    result = {"index_build_s": round(build_s, 1)}
    for visit, values in timings.items():
        values.sort()
        result[visit] = {
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[int(len(values) * 0.95) - 1], 1),
        }
    return result


def main(count=200):
    assert connection.vendor == "postgresql", "the ranked search benchmark needs PostgreSQL"
    rng = random.Random(7)
    mix = queries(count, rng)
    for text in mix[:10]:
        list(ranked(text))  # warm the buffer cache a little, as a running site would be
    timings = []
    for text in mix:
        started = time.perf_counter()
        list(ranked(text))
        timings.append((time.perf_counter() - started) * 1000)
    slowest = sorted(zip(timings, mix, strict=True))[-5:]
    timings.sort()
    plan = explain("Förderung", slowest[-1][1])
    result = {
        "offers": Offer.objects.count(),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "slowest": [(round(ms, 1), text) for ms, text in slowest],
        "gin_used": "offer_search_vector_gin" in plan,
        "explain": plan,
        "site": site_search(mix[:60]),
    }
    print(json.dumps(result, ensure_ascii=False))
