"""Import under load: rows per second, and editors' saves lost while a 10,000-row import runs (issue 13).

    python bench/import_load.py [--rows 10000] [--database postgres://postgres@127.0.0.1:5432/tp_import_bench]

`run(database_url, rows=10_000, editors=2)` drops and recreates that PostgreSQL database, migrates it,
loads the reference data, creates the offers a previous export would contain (a fifth of the file), then
runs the admin's import job (`offers.importing.check_job` + `run_job`, exactly what the worker runs) on a
file of `rows` rows – a fifth updates of existing offers with their exported version, the rest new – while
`editors` threads save offers of that file through the admin's change form (Django's test client, the real
admin view, own database connections; the editors take turns, since the test client captures page contexts
through global signals). Returns a dict and prints it as JSON:

- `import_rows_per_s`: file rows / seconds of check + write (the goal is ≥ 500),
- `check_rows_per_s`, `write_rows_per_s`: the two steps on their own (`run_job` checks again before writing,
  so the write figure includes a second check),
- `import_cpu_seconds` and `load_average_1min`: the process's CPU time for the whole run (editor threads
  included) and the machine's load – on a shared machine the wall-clock figures depend on it,
- `edits_saved`, `edits_refused`, `edits_lost`: editor saves that succeeded, that were refused with the
  conflict message (the import had changed that offer after the form was loaded), and that were
  overwritten afterwards (the goal is 0),
- `rows_refused`: import rows refused because an editor saved that offer during the run,
- `editor_save_ms_p50`/`_max`: how long an editor's save took while the import ran (no waiting on it).
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/tp_import_bench"


def recreate_database(database_url):
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url):
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="allianz_portal.settings",
        SECRET_KEY="bench-only",
        DJANGO_PLAIN_STATIC="1",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # responses carry their context (the admin form), mails stay in memory


HEADERS = [
    "slug", "version", "title", "summary", "description", "provider", "offer_type", "target_groups", "coverage",
    "cost", "format", "status",
]  # fmt: skip


def header_and_row(slug, provider, version="", title=None):
    title = title or f"Lastangebot {slug}"
    return [
        slug,
        version,
        title,
        "Kurz.",
        "Lang.",
        provider,
        "beratung",
        "kmu",
        "nrw",
        "kostenfrei",
        "online",
        "entwurf",
    ]


def run(database_url=DEFAULT_DATABASE, rows=10_000, editors=2):
    recreate_database(database_url)
    setup_django(database_url)
    import tablib
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from offers import importing
    from offers.models import Offer, OfferImport
    from partners.models import Institution
    from tests.curation.conftest import admin_form_data

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    provider = Institution.objects.create(name="Lastanbieter", slug="lastanbieter")
    editor = User.objects.create_superuser("lastredaktion", "last@example.org", "sehr-geheim-123-xyz")

    existing = rows // 5
    first = tablib.Dataset(*[header_and_row(f"alt-{n}", provider.slug) for n in range(existing)], headers=HEADERS)
    importing.write(importing.check(first))  # the offers an earlier export contains
    versions = dict(Offer.objects.values_list("slug", "version"))
    file_rows = [
        header_and_row(f"alt-{n}", provider.slug, versions[f"alt-{n}"], f"Lastangebot alt-{n}, überarbeitet")
        for n in range(existing)
    ]
    file_rows += [header_and_row(f"neu-{n}", provider.slug) for n in range(rows - existing)]
    random.Random(13).shuffle(file_rows)
    content = tablib.Dataset(*file_rows, headers=HEADERS).export("csv").encode()
    job = OfferImport.objects.create(file_name="last.csv", content=content, created_by=editor)

    cpu_started, started = time.process_time(), time.perf_counter()
    importing.check_job(job)
    checked, cpu_checked = time.perf_counter(), time.process_time()
    assert job.status == OfferImport.Status.READY, job.errors[:5]

    running, saved, refused, durations = threading.Event(), {}, [0], []
    client_lock = threading.Lock()  # editors take turns (one request at a time); the import runs beside them
    pks = list(Offer.objects.filter(slug__startswith="alt-").values_list("pk", flat=True))

    def edit(number):
        client = Client()
        client.force_login(editor)
        rng = random.Random(number)
        count = 0
        try:
            running.wait()
            while running.is_set():
                pk = rng.choice(pks)
                url = reverse("admin:offers_offer_change", args=[pk])
                with client_lock:  # the test client captures page contexts through global signals
                    data = admin_form_data(client.get(url))
                count += 1
                data["title"] = f"Redaktion {number}-{count}"
                with client_lock:
                    begin = time.perf_counter()
                    response = client.post(url, data)
                    durations.append(time.perf_counter() - begin)
                    if response.status_code == 302:
                        saved.setdefault(pk, set()).add(data["title"])
                    else:
                        errors = response.context["adminform"].form.errors.as_text()
                        if "inzwischen" not in errors:
                            raise RuntimeError(f"unexpected answer {response.status_code}: {errors}")
                        refused[0] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(editors)]
    for thread in threads:
        thread.start()
    running.set()
    write_started = time.perf_counter()
    importing.run_job(OfferImport.objects.get(pk=job.pk))
    finished = time.perf_counter()
    cpu_import = (cpu_checked - cpu_started) + (time.process_time() - cpu_checked)  # incl. the editors' threads
    running.clear()
    for thread in threads:
        thread.join()

    job.refresh_from_db()
    titles = dict(Offer.objects.filter(pk__in=list(saved)).values_list("pk", "title"))
    lost = sum(1 for pk, mine in saved.items() if titles[pk] not in mine)  # the import wrote over an edit
    result = {
        "rows": rows,
        "import_status": job.status,
        "import_seconds": round((checked - started) + (finished - write_started), 2),
        "import_rows_per_s": round(rows / ((checked - started) + (finished - write_started))),
        "check_rows_per_s": round(rows / (checked - started)),
        "import_cpu_seconds": round(cpu_import, 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "write_rows_per_s": round(rows / (finished - write_started)),
        "rows_created": job.created_count,
        "rows_updated": job.updated_count,
        "rows_refused": job.refused_count,
        "edits_saved": sum(len(mine) for mine in saved.values()),
        "edits_refused": refused[0],
        "edits_lost": lost,
        "editor_save_ms_p50": round(1000 * statistics.median(durations)) if durations else None,
        "editor_save_ms_max": round(1000 * max(durations)) if durations else None,
        "history_entries_per_offer": round(Offer.history.count() / Offer.objects.count(), 2),
    }
    return result


def figures(env, address):
    """bench/abuse.py's import figures: this script in its own process, on the abuse run's database server
    (a database of its own there), while the unit under attack keeps serving at `address`."""
    import subprocess

    url = urlsplit(env["DATABASE_URL"])._replace(path="/tp_import_bench").geturl()
    command = [sys.executable, str(Path(__file__).resolve()), "--rows", "10000", "--database", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    result = json.loads(output[output.index("{") :])
    return {
        "Verlorene Änderungen während eines Imports von 10.000 Zeilen": (str(result["edits_lost"]), "0"),
        "Importierte Zeilen pro Sekunde": (f"{result['import_rows_per_s']:.0f}", "≥ 500"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--editors", type=int, default=2)
    options = parser.parse_args()
    print(json.dumps(run(options.database, options.rows, options.editors), indent=2))


if __name__ == "__main__":
    main()
