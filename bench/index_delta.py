"""The facet index that follows edits (issue 16): full build, edit -> next visitor, memory per process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tp_index_100k .venv/bin/python bench/index_delta.py \\
        [--repeat 5] [--scale 10]

Runs in process with production settings and the page cache off, on a COPY of a generated database (it
edits offers: never point it at transferportal_bench itself). Reports, as one JSON document:

- the full build (`finder.index._build`): seconds, queries, and the index's memory (tracemalloc: the
  bytes still allocated while the index is held);
- per kind of change (title edit, new offer, unpublish, topic added, scheduled publication, midnight):
  the time to derive the next index (`facet_index()` after the change) and the first list request after
  the change minus a second request of the same state ("extra wait of the first visitor"), median and max
  of `--repeat` runs, with the queries the derivation made;
- `--scale N`: the same for a synthetic index N times as large, made from N copies of the real one (the
  copies' offers exist only in memory: the derivation's queries see the real rows, so its query times
  are those of the real database, its Python work that of N × the offers). This estimates 1M offers
  from a 100k database when generating 1M offers is out of reach; the report says so.
"""

import argparse
import datetime
import gc
import json
import secrets
import statistics
import sys
import time
import tracemalloc
from array import array
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup():
    from bench import inprocess

    inprocess.setup()


def held_bytes(make):
    """(value, bytes still allocated while `make()`'s value is held) – tracemalloc."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    value = make()
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return value, after - before, peak - before


def summary(values):
    return {"median_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1)}


def scaled(index, factor):
    """A synthetic index `factor` times as large: copy j of every offer at position p + j*n (pk + j*10**9)."""
    from finder.index import FacetIndex

    n = (len(index.pks) + 7) // 8 * 8  # whole bytes per copy
    size = n // 8

    def repeat(mask):
        return int.from_bytes(mask.to_bytes(size, "little") * factor, "little")

    def spread(order):
        result = array("l")
        for copy in range(factor):
            result.extend(position + copy * n for position in order)
        return result

    pks = []
    for copy in range(factor):
        pks.extend(pk + copy * 10**9 for pk in index.pks)
        pks.extend(0 for _ in range(n - len(index.pks)))
    positions = {pk: position for position, pk in enumerate(pks) if pk and position % n < len(index.pks)}
    tail = array("l", [-1] * (n - len(index.pks)))
    until = array("l")
    keys = array("q")
    for _ in range(factor):
        until.extend(index.until)
        until.extend(tail)
        keys.extend(index.keys)
        keys.extend(array("q", [0] * (n - len(index.pks))))
    return FacetIndex(
        positions=positions,
        bits={name: {value: repeat(mask) for value, mask in values.items()} for name, values in index.bits.items()},
        current=repeat(index.current),
        labels=index.labels,
        region_ids=index.region_ids,
        region_kinds=index.region_kinds,
        pks=pks,
        orders={sort: spread(order) for sort, order in index.orders.items()},
        partly={slug: repeat(mask) for slug, mask in index.partly.items()},
        alive=repeat(index.alive),
        bit_order=False,  # the copies interleave: "neu" is an explicit order, as after any new offer
        counter=index.counter,
        day=index.day,
        as_of=index.as_of,
        until=until,
        keys=keys,
        vocabularies=index.vocabularies,
        label_order=index.label_order,
    )


def changes(rng):
    """name -> function making one change of that kind (in its own transaction, signals included)."""
    from django.db import transaction
    from django.utils import timezone

    from offers.models import Offer, Topic

    public = Offer.objects.public()
    count = public.count()
    topics = list(Topic.objects.values_list("name", flat=True)[:50])

    def some_offer():
        return public.order_by("pk")[rng.randrange(count - 10)]

    def edit():
        offer = some_offer()
        offer.title = f"{rng.choice(['Aktualisiert', 'Neu gefasst', 'Zusammen'])}: {offer.title[:60]}"
        with transaction.atomic():
            offer.save()

    def publish():
        template = some_offer()
        topic_names = list(template.topics.values_list("name", flat=True))
        coverage = list(template.coverage.all())
        with transaction.atomic():
            template.pk = None
            template._state.adding = True
            template.slug = f"bench-neu-{secrets.token_hex(6)}"
            template.published_at = timezone.now()
            template.save()
            template.coverage.set(coverage)
            template.topics.set(topic_names)

    def unpublish():
        offer = some_offer()
        offer.status = Offer.Status.DRAFT
        with transaction.atomic():
            offer.save()

    def topic():
        offer = some_offer()
        with transaction.atomic():
            offer.topics.add(rng.choice(topics))

    def scheduled():
        template = some_offer()
        with transaction.atomic():
            template.pk = None
            template._state.adding = True
            template.slug = f"bench-geplant-{secrets.token_hex(6)}"
            template.published_at = timezone.now() + datetime.timedelta(seconds=1)
            template.save()
        time.sleep(1.1)  # its time comes: the content state moves without a logged change

    return {"edit": edit, "publish": publish, "unpublish": unpublish, "topic": topic, "scheduled": scheduled}


def measure_changes(client, repeat, rng, midnight=True):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from allianz_portal import freshness
    from finder import index as facets

    results = {}
    for name, change in changes(rng).items():
        derive, cpu, sql, extra, queries = [], [], [], [], []
        for _ in range(repeat):
            client.get("/angebote/")
            change()
            started, started_cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as captured, freshness.request_state():
                facets.facet_index()
            derive.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            queries.append(len(captured))
            facets._indexes.clear()  # the same delta again, now inside the first list request
            latest = facets._latest.peek("latest")
            facets._latest.put("latest", base_of[0])
            started = time.perf_counter()
            client.get("/angebote/")
            first = time.perf_counter() - started
            started = time.perf_counter()
            client.get("/angebote/")
            second = time.perf_counter() - started
            extra.append((first - second) * 1000)
            base_of[0] = facets._latest.peek("latest") or latest
        results[name] = {
            "derive": summary(derive),
            "derive_cpu": summary(cpu),  # this process's CPU time: what the load of other processes inflates least
            "derive_sql": summary(sql),  # time waiting for the queries (PostgreSQL on the same, loaded machine)
            "first_visitor_extra": summary(extra),
            "queries": max(queries),
        }
    if midnight:
        client.get("/angebote/")
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=tomorrow):
            started, started_cpu = time.perf_counter(), time.process_time()
            with freshness.request_state():
                facets.facet_index()
            results["midnight"] = {
                "derive_ms": round((time.perf_counter() - started) * 1000, 1),
                "derive_cpu_ms": round((time.process_time() - started_cpu) * 1000, 1),
            }
        facets._indexes.clear()
        facets._latest.put("latest", base_of[0])
    return results


base_of = [None]  # the index the next measured change starts from


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=0, help="also measure a synthetic index this many times as large")
    args = parser.parse_args()
    setup()
    import random

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from allianz_portal import freshness
    from finder import index as facets
    from offers.models import Offer

    facets.BUILD_IN_BACKGROUND = False
    report = {"offers": Offer.objects.public().count(), "database": connection.vendor}
    started, started_cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as captured:
        built = facets._build(timezone.now(), timezone.localdate())
    report["full_build"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - started_cpu, 2),
        "queries": len(captured),
    }
    report["uptime"] = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None
    del built
    built, held, peak = held_bytes(lambda: facets._build(timezone.now(), timezone.localdate()))
    report["index_memory_mb"] = round(held / 1e6, 1)
    report["build_peak_mb"] = round(peak / 1e6, 1)
    del built

    client = Client()
    with freshness.request_state():
        facets.facet_index()
    base_of[0] = facets._latest.peek("latest")
    rng = random.Random(16)
    report["changes"] = measure_changes(client, args.repeat, rng)
    retained = sum(1 for _ in facets._indexes._values)
    report["indexes_in_memo"] = retained

    if args.scale:
        with freshness.request_state():
            base = facets.facet_index()
        big, held, _peak = held_bytes(lambda: scaled(base, args.scale))
        facets._indexes.clear()
        facets._latest.put("latest", big)
        base_of[0] = big
        report[f"synthetic_x{args.scale}"] = {
            "offers": len(big.positions),
            "index_memory_mb": round(held / 1e6, 1),
            "changes": measure_changes(client, args.repeat, rng),
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
