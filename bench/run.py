"""`make bench`: throughput and latency of the public pages at 1k, 10k and 100k offers, on PostgreSQL,
with production settings and gunicorn (2 sync workers), driven by wrk from a second process.

Every page is reported as a ratio of F, a constant page through the same middleware measured in the
same run, so the numbers compare across machines. Then the ranked full-text search query on its own at
the largest size reachable within the time budget (1M by default). Loopback only; every loop is bounded.

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--duration 12] [--search-size 1000000]

Cache misses (issue 16), on an existing database (nothing dropped or generated): 1,000 rotating list URLs
and 1,000 rotating search URLs through wrk's Lua script bench/rotate.lua, the page cache off, then the
in-process miss timing of bench/misses.py; writes bench/out/misses.md and misses.json.

    DATABASE_URL=postgres://…/tp_miss_100k .venv/bin/python bench/run.py --misses [--duration 12]

Writes bench/out/results.md and bench/out/results.json; docs/performance.md quotes them.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
OUT = BASE / "bench" / "out"
sys.path.insert(0, str(BASE))
from bench.misses import QUERIES  # noqa: E402

PY = str(BASE / ".venv" / "bin" / "python") if (BASE / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/transferportal_bench"
TARGETS = {"L": 0.30, "LF": 0.15, "D": 0.40, "H": 0.30, "M": 0.30}
P99_LIMIT_MS = 100.0
APP = "allianz_portal.wsgi"
HEADERS = ["-H", "Accept-Language: de"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--duration", type=int, default=12, help="seconds per point (10–15 recommended)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8040)
    parser.add_argument("--search-size", type=int, default=1_000_000, help="0 skips the search benchmark")
    parser.add_argument("--search-budget", type=int, default=600, help="seconds allowed for growing the data")
    parser.add_argument("--search-queries", type=int, default=200)
    parser.add_argument("--uncached", action="store_true", help="also measure the largest size without page cache")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database (no drop/create/migrate)")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="only the cache-miss benchmark on the existing database: rotating list and search URLs, no page cache",
    )
    parser.add_argument("--miss-requests", type=int, default=200, help="in-process timings per page kind (0: none)")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="reuse the database and the page results in bench/out/results.json; rerun only the search benchmark",
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 60:
        sys.exit("--duration must be between 1 and 60 seconds")
    sizes = sorted(int(size) for size in args.sizes.split(","))

    wrk = ensure_wrk()
    env = production_env(os.environ.get("DATABASE_URL") or DEFAULT_DB, args.port)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.misses:
        misses(env, wrk, args)
        return
    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(env),
        "load_before": load_average(),
        "settings": {"connections": args.connections, "duration_s": args.duration, "workers": 2, "threads": 2},
        "sizes": {},
    }
    if args.search_only:
        previous = OUT / "results.json"
        if previous.exists():
            kept = json.loads(previous.read_text())
            results.update({key: kept[key] for key in ("sizes", "uncached", "load_after_pages") if key in kept})
            results["pages_date"] = kept.get("pages_date", kept.get("date"))
    else:
        prepare_database(env, keep=args.keep_db)
        manage(env, "collectstatic", "--noinput", "-v0")
        for size in sizes:
            grow(env, size)
            results["sizes"][str(size)] = measure(env, wrk, args, size, cached=True)
            if args.uncached and size == sizes[-1]:
                results["uncached"] = {str(size): measure(env, wrk, args, size, cached=False)}
        results["load_after_pages"] = load_average()
        # Saved before the long search part, so that a failure there keeps the page results.
        (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    if args.search_size:
        results["search"] = search_benchmark(env, args)
    results["load_after"] = load_average()
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report = markdown(results)
    (OUT / "results.md").write_text(report)
    print(report)


# -- environment -----------------------------------------------------------------------------------


def ensure_wrk():
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk fehlt – installiere das Debian-Paket wrk …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        sys.exit("Fehler: wrk wird benötigt (Debian: apt-get install wrk).")
    return found


def production_env(database_url, port):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PAGE_CACHE"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        BENCH_FLOOR="1",
        LOG_LEVEL="WARNING",
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="allianz_portal.settings",
    )
    return env


def manage(env, *command, capture=False):
    result = subprocess.run(
        [PY, "manage.py", *command], cwd=BASE, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else None


def prepare_database(env, keep):
    if not keep:
        import psycopg

        url = env["DATABASE_URL"]
        name = url.rsplit("/", 1)[1].split("?")[0]
        if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
            sys.exit(f"Fehler: die Benchmark-Datenbank muss 'bench' im Namen tragen (ist: {name!r}).")
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference_data", "-v0")


def offer_count(env):
    return int(manage(env, "shell", "-v0", "-c", "from offers.models import Offer; print(Offer.objects.count())",
                      capture=True).strip().splitlines()[-1])  # fmt: skip


def grow(env, size):
    missing = size - offer_count(env)
    if missing > 0:
        started = time.monotonic()
        manage(env, "generate_offers", "--count", str(missing), "--seed", str(size))
        print(f"{missing} Angebote erzeugt in {time.monotonic() - started:.1f} s", flush=True)
        manage(env, "shell", "-v0", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")


def machine(env):
    info = {"nproc": os.cpu_count(), "python": platform.python_version()}
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        info["cpu"] = models[0].strip() if models else "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres") as connection:
        info["postgresql"] = connection.execute("SHOW server_version").fetchone()[0]
    return info


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


# -- pages -----------------------------------------------------------------------------------------


def measure(env, wrk, args, size, cached):
    run_env = dict(env, PAGE_CACHE_TIMEOUT="3600" if cached else "0")
    urls = pick_urls(run_env)
    server = start_gunicorn(run_env, args.port)
    try:
        base = f"http://127.0.0.1:{args.port}"
        warm = {}
        for name, path in urls.items():
            started = time.monotonic()
            status, _body = fetch(base + path)
            warm[name] = round((time.monotonic() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{name} {path}: HTTP {status}")
            for _ in range(3):
                fetch(base + path)  # both workers warm (index, page cache)
        points = {}
        for name, path in urls.items():
            point = run_wrk(wrk, base + path, args.connections, args.duration)
            point["path"] = path
            point["first_ms"] = warm[name]
            points[name] = point
            print(f"  {size:>7} {'cached' if cached else 'uncached'} {name:<2} {point['rps']:>8.1f} req/s "
                  f"p50 {point['p50_ms']:.1f} ms p99 {point['p99_ms']:.1f} ms  {path}", flush=True)  # fmt: skip
        floor = points["F"]["rps"]
        for point in points.values():
            point["ratio"] = round(point["rps"] / floor, 3) if floor else None
        return points
    finally:
        stop(server)


def pick_urls(env):
    code = (
        "from offers.models import Offer, TaggedOffer; from django.db.models import Count;"
        "o = Offer.objects.public().current().order_by('-published_at').first();"
        "t = TaggedOffer.objects.values('tag__slug').annotate(n=Count('pk')).order_by('-n')[1]['tag__slug'];"
        "print(o.slug, t)"
    )
    slug, topic = manage(env, "shell", "-v0", "-c", code, capture=True).strip().splitlines()[-1].split()
    return {
        "F": "/bench/floor",
        "L": "/angebote/",
        "LF": f"/angebote/?region=kreis-lippe&thema={topic}&q=Beratung",
        "D": f"/angebote/{slug}/",
        "H": "/",
        "M": "/regionen/",
    }


def start_gunicorn(env, port):
    log = open(OUT / "gunicorn.log", "ab")  # closed in stop()
    process = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--no-control-socket", APP],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    process.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ended with {process.returncode}; see {OUT / 'gunicorn.log'}")
        try:
            if fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    process.log.close()


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Language": "de"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_wrk(wrk, url, connections, duration, script=None):
    """One wrk point; with `script` (a file of paths) wrk rotates over them through bench/rotate.lua."""
    extra = ["-s", str(BASE / "bench" / "rotate.lua")] if script else []
    output = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", *HEADERS, *extra, url],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        env=dict(os.environ, ROTATE_URLS=str(script)) if script else None,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} Antworten ohne Erfolg\n{output}")
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "socket_errors": bool(re.search(r"Socket errors", output)),
    }


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit], 2)


# -- cache misses (issue 16) -------------------------------------------------------------------------

MISS_TARGETS = {"LR": 0.15, "SR": 0.10}  # rotating list / search URLs, as a fraction of F
MISS_P99_LIMIT_MS = 250.0


def misses(env, wrk, args):
    """Every request a page-cache miss: wrk rotates over 1,000 list and 1,000 search URLs (bench/rotate.lua)
    against gunicorn with PAGE_CACHE_TIMEOUT=0; then bench/misses.py times the pages in process."""
    results = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(env),
        "offers": offer_count(env),
        "load_before": load_average(),
        "settings": {"connections": args.connections, "duration_s": args.duration, "workers": 2, "threads": 2},
    }
    manage(env, "collectstatic", "--noinput", "-v0")
    code = (
        "import json, bench.misses as m; from finder.index import facet_index;print(json.dumps(m.urls(facet_index())))"
    )
    listing, searching = json.loads(manage(env, "shell", "-v0", "-c", code, capture=True).strip().splitlines()[-1])
    files = {"LR": OUT / "list_urls.txt", "SR": OUT / "search_urls.txt"}
    files["LR"].write_text("\n".join(listing) + "\n")
    files["SR"].write_text("\n".join(searching) + "\n")
    run_env = dict(env, PAGE_CACHE_TIMEOUT="0")
    server = start_gunicorn(run_env, args.port)
    base = f"http://127.0.0.1:{args.port}"
    points = {}
    try:
        # Warm both workers: the facet index and the rankings of the 40 distinct searches (a miss of the
        # page cache, not the first search after a change – that is search.engine's own benchmark).
        queries = [f"/angebote/?{urllib.parse.urlencode({'q': query})}" for query in QUERIES]
        for _ in range(3):
            for path in ["/", "/angebote/", *queries]:
                fetch(base + path)
        # Sequential requests may all reach one worker: the same paths once more through wrk's 16 connections,
        # so that both workers have read the searches' postings (a worker's first search of a rare word reads
        # them from the full-text index, up to 3 s at 100k offers).
        warm = OUT / "warm_urls.txt"
        warm.write_text("\n".join(["/", "/angebote/", *queries]) + "\n")
        run_wrk(wrk, base, args.connections, 8, script=warm)
        points["F"] = run_wrk(wrk, base + "/bench/floor", args.connections, args.duration)
        for name, path in (("L", "/angebote/"),):
            points[name] = run_wrk(wrk, base + path, args.connections, args.duration)
        for name, urls in files.items():
            points[name] = run_wrk(wrk, base, args.connections, args.duration, script=urls)
        floor = points["F"]["rps"]
        for name, point in points.items():
            point["ratio"] = round(point["rps"] / floor, 3) if floor else None
            print(f"  misses {name:<2} {point['rps']:>8.1f} req/s p50 {point['p50_ms']:.1f} ms "
                  f"p99 {point['p99_ms']:.1f} ms ratio {point['ratio']}", flush=True)  # fmt: skip
    finally:
        stop(server)
    results["wrk"] = points
    results["load_after_wrk"] = load_average()
    for name, extra in (("in_process", []), ("in_process_cold", ["--cold"])) if args.miss_requests else ():
        output = subprocess.run(
            [PY, "bench/misses.py", "--requests", str(args.miss_requests), *extra],
            cwd=BASE,
            env=dict(env, ALLOWED_HOSTS="testserver"),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[name] = json.loads(output.strip().splitlines()[-1])
    results["load_after"] = load_average()
    (OUT / "misses.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report = misses_markdown(results)
    (OUT / "misses.md").write_text(report)
    print(report)


def misses_markdown(results):
    lines = [
        f"Run {results['date']} · {results['offers']:,} offers · {results['machine'].get('cpu', '?')} · "
        f"nproc {results['machine']['nproc']} · PostgreSQL {results['machine']['postgresql']} · load before "
        f"{results['load_before']}, after wrk {results['load_after_wrk']}, after in-process {results['load_after']}",
        "",
        f"wrk -c{results['settings']['connections']} -t2, {results['settings']['duration_s']} s per point, "
        "gunicorn 2 sync workers, DEBUG off, PAGE_CACHE_TIMEOUT=0 (every request renders)",
        "",
        "| page | req/s | p50 ms | p99 ms | ratio to F | target | met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    names = {"F": "F floor", "L": "L /angebote/", "LR": "LR 1,000 list URLs", "SR": "SR 1,000 search URLs"}
    for name, point in results["wrk"].items():
        target = MISS_TARGETS.get(name)
        met = ""
        if target:
            met = "yes" if point["ratio"] >= target and point["p99_ms"] <= MISS_P99_LIMIT_MS else "**no**"
        numbers = f"{point['rps']:.0f} | {point['p50_ms']:.1f} | {point['p99_ms']:.1f} | {point['ratio']:.2f}"
        lines.append(f"| {names[name]} | {numbers} | {target or ''} | {met} |")
    titles = {
        "in_process": "In process (bench/misses.py, test client, page cache off, fragments remembered):",
        "in_process_cold": "In process, sidebar and card memos emptied before every request (--cold):",
    }
    for name, title in titles.items():
        if name not in results:
            continue
        lines += ["", title, "", "| page | wall p50 ms | wall p90 ms | CPU p50 ms | queries |"]
        lines.append("|---|---:|---:|---:|---:|")
        for page, data in results[name].items():
            if isinstance(data, dict):
                lines.append(
                    f"| {page} | {data['wall']['p50_ms']} | {data['wall']['p90_ms']} | {data['cpu']['p50_ms']} | "
                    f"{data['queries_per_request']} |"
                )
    return "\n".join(lines) + "\n"


# -- ranked search at scale --------------------------------------------------------------------------


def search_benchmark(env, args):
    started = time.monotonic()
    current = offer_count(env)
    while current < args.search_size and time.monotonic() - started < args.search_budget:
        step = min(100_000, args.search_size - current)
        manage(env, "generate_offers", "--count", str(step), "--seed", str(current + step), "-v0")
        current += step
        print(f"  Suche: {current} Angebote ({time.monotonic() - started:.0f} s)", flush=True)
    manage(env, "shell", "-v0", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    output = manage(env, "shell", "-v0", "-c", f"import bench.search as s; s.main({args.search_queries})", capture=True)
    data = json.loads(output.strip().splitlines()[-1])
    data["grow_seconds"] = round(time.monotonic() - started)
    ranked = data["ranked"]
    print(f"  Suche bei {data['offers']} Angeboten: p50 {ranked['p50_ms']} ms, p95 {ranked['p95_ms']} ms", flush=True)
    return data


# -- report ----------------------------------------------------------------------------------------


def markdown(results):
    lines = [
        f"Run {results['date']} · {results['machine'].get('cpu', '?')} · nproc {results['machine']['nproc']} · "
        f"{results['machine'].get('memory_gib', '?')} GiB · PostgreSQL {results['machine']['postgresql']} · "
        f"load before {results['load_before']}, after pages {results.get('load_after_pages')}"
        + (f" (pages measured {results['pages_date']})" if results.get("pages_date") else ""),
        "",
        f"wrk -c{results['settings']['connections']} -t2, {results['settings']['duration_s']} s per point, "
        "gunicorn 2 sync workers, DEBUG off, LocMem cache unless REDIS_URL was set",
        "",
        "| offers | page | req/s | p50 ms | p99 ms | ratio to F | target | met |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    sections = [(size, points, "") for size, points in results["sizes"].items()]
    sections += [(size, points, " (no page cache)") for size, points in results.get("uncached", {}).items()]
    for size, points, note in sections:
        for name, point in points.items():
            target = TARGETS.get(name)
            met = ""
            if target and not note and size == max(results["sizes"], key=int):
                ok = point["ratio"] >= target and point["p99_ms"] <= P99_LIMIT_MS
                met = "yes" if ok else "**no**"
            numbers = f"{point['rps']:.0f} | {point['p50_ms']:.1f} | {point['p99_ms']:.1f} | {point['ratio']:.2f}"
            lines.append(f"| {int(size):,}{note} | {name} | {numbers} | {target or ''} | {met} |")
    search = results.get("search")
    if search:
        ranked, page = search["ranked"], search["list_page_first_20"]
        lines += [
            "",
            f"Ranked search (search.engine, memo bypassed) at {search['offers']:,} offers, {search['queries']} "
            f"queries: p50 {ranked['p50_ms']} ms, p95 {ranked['p95_ms']} ms, max {ranked['max_ms']} ms "
            f"(target p95 ≤ 30 ms); list page path, first 20 rows: p50 {page['p50_ms']} ms, "
            f"p95 {page['p95_ms']} ms; search index {search['index_mb']} MB.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
