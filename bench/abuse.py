"""Abuse and fault figures of the production unit (`make serve`: nginx in front of gunicorn) on PostgreSQL.

    .venv/bin/python bench/abuse.py [--slow 200] [--seconds 60] [--port 8106]

Prints, with the goals of issue 13:
- normal-client p99 while SLOW clients trickle their request headers (goal ≤ 1 s), and for contrast the same
  against gunicorn alone;
- admin logins that get through the lockout with rotating X-Forwarded-For/Forwarded headers (goal 0);
- suggestions stored over the limit from 30 parallel posts with rotating headers (goal 0), and from one
  replayed form token (goal 1);
- seconds until the 503 page once the database processes are stopped with SIGSTOP (goal ≤ 5), /healthz
  meanwhile, and the seconds until pages come back after SIGCONT;
- the import figures of bench/import_load.py when that module exists (edits lost, rows/s).

The script starts its own PostgreSQL cluster (initdb in a temporary folder, database tp_web_bench, port
PORT+100), because stopping a database must not stop anyone else's: it needs the PostgreSQL server programs
(/usr/lib/postgresql/*/bin) and, when run as root, the system user postgres. Loopback only, every loop bounded.
"""

import argparse
import concurrent.futures
import glob
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PY = str(BASE / ".venv" / "bin" / "python") if (BASE / ".venv" / "bin" / "python").exists() else sys.executable
DATABASE = "tp_web_bench"
PASSWORD = "bench-passwort-lang-genug"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=200, help="slow clients held open during the attack")
    parser.add_argument("--seconds", type=int, default=60, help="length of the slow-client attack on nginx")
    parser.add_argument("--port", type=int, default=8106, help="nginx; gunicorn gets PORT+1, PostgreSQL PORT+100")
    args = parser.parse_args()
    if not (1 <= args.slow <= 1000 and 5 <= args.seconds <= 300):
        sys.exit("--slow 1–1000, --seconds 5–300")
    with Cluster(args.port + 100) as cluster:
        env = production_env(cluster.url, args.port)
        prepare_database(env)
        with Serve(env) as serve:
            figures = {}
            figures.update(slow_clients(serve.nginx, args.slow, args.seconds, "nginx"))
            figures.update(slow_clients(serve.gunicorn, args.slow, min(args.seconds, 20), "gunicorn allein"))
            figures.update(lockout(serve.nginx))
            figures.update(suggestions(serve.nginx, env))
            figures.update(import_figures(env, serve.nginx))
            figures.update(stopped_database(serve.nginx, cluster))
    print()
    print("| Messung | Wert | Ziel |")
    print("|---|---|---|")
    for label, (value, goal) in figures.items():
        print(f"| {label} | {value} | {goal} |")


# --- PostgreSQL of its own ------------------------------------------------------------------------------------


class Cluster:
    def __init__(self, port):
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb")]
        if not found[-1]:
            sys.exit("PostgreSQL server programs (initdb, pg_ctl) not found; apt-get install postgresql")
        self.bin = Path(found[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="tp_web_bench_pg_"))

    def run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + list(command), check=True, stdout=subprocess.DEVNULL)

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self.run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE)
        return self

    def processes(self):
        """The postmaster and all its children (to stop them like a hung server)."""
        main = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
        return [main, *map(int, children)]

    def signal(self, number):
        for pid in self.processes():
            os.kill(pid, number)

    def __exit__(self, *exc):
        try:
            self.signal(signal.SIGCONT)
        except (OSError, FileNotFoundError, ValueError):
            pass
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def production_env(database_url, port):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_DEBUG", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-abuse-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DJANGO_PLAIN_STATIC="1",
        SERVE_LISTEN=f"127.0.0.1:{port}",
        GUNICORN_BIND=f"127.0.0.1:{port + 1}",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=BASE, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(env):
    print("Datenbank vorbereiten (migrate, Referenz- und Demodaten, Redaktionskonto) …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference_data")
    manage(env, "load_demo_data")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_superuser('redaktion', 'r@example.org', '{PASSWORD}')",
    )


def sql(env, query):
    result = subprocess.run(
        [PY, "manage.py", "shell", "-c", f"from django.db import connection; c = connection.cursor(); "
         f"c.execute({query!r}); print(c.fetchone()[0])"],
        cwd=BASE, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1])


class Serve:
    """`bin/serve` (what `make serve` runs) in its own process group."""

    def __init__(self, env):
        self.env = env
        self.nginx = ("127.0.0.1", int(env["SERVE_LISTEN"].rsplit(":", 1)[1]))
        self.gunicorn = ("127.0.0.1", int(env["GUNICORN_BIND"].rsplit(":", 1)[1]))

    def __enter__(self):
        self.log = open(tempfile.mktemp(prefix="tp_web_bench_serve_", suffix=".log"), "wb")
        self.process = subprocess.Popen(
            [str(BASE / "bin" / "serve")], cwd=BASE, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            if request(self.nginx, "/readyz", timeout=2)[0] == 200:
                return self
            time.sleep(0.3)
        raise SystemExit(f"make serve did not get ready; see {self.log.name}")

    def __exit__(self, exc_type, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()
        if exc_type is None:
            os.unlink(self.log.name)  # kept only when something went wrong


# --- HTTP helpers ------------------------------------------------------------------------------------------------


def request(address, path, method="GET", body=None, headers=None, timeout=5.0):
    """(status, seconds, text, headers); status None when nothing came back within the timeout."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, time.monotonic() - started, text, response.headers
    except (OSError, http.client.HTTPException):
        return None, time.monotonic() - started, "", {}
    finally:
        connection.close()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def random_ip():
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


# --- 1. slow clients ---------------------------------------------------------------------------------------------


def slow_clients(address, count, seconds, label):
    """COUNT connections each sending one header line every 10 s (reconnecting when the server drops them),
    while a normal client asks for the home page, the list and /healthz in turn."""
    print(f"{count} langsame Clients gegen {label} für {seconds} s …", flush=True)
    stop = threading.Event()

    def trickle():
        sock = None
        while not stop.is_set():
            try:
                if sock is None:
                    sock = socket.create_connection(address, timeout=5)
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                else:
                    sock.sendall(f"X-Langsam-{random.randint(0, 10**6)}: 1\r\n".encode())
            except OSError:
                if sock is not None:
                    sock.close()
                sock = None
            stop.wait(10 if sock is not None else 0.5)
        if sock is not None:
            sock.close()

    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(3)  # all connected
    durations, answered, asked = [], 0, 0
    end = time.monotonic() + seconds
    paths = ["/", "/angebote/", "/healthz"]
    while time.monotonic() < end:
        status, duration, _, _ = request(address, paths[asked % len(paths)], timeout=5)
        asked += 1
        answered += status == 200 and duration <= 5
        durations.append(duration if status == 200 else 5.0)
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    return {
        f"Normale Anfragen mit {count} langsamen Clients, {label}: p99": (
            f"{percentile(durations, 0.99):.3f} s",
            "≤ 1 s",
        ),
        f"… davon binnen 5 s beantwortet, {label}": (f"{answered} von {asked}", "alle" if label == "nginx" else "–"),
    }


# --- 2. login lockout ---------------------------------------------------------------------------------------------


def login_attempt(address, password, headers):
    status, _, html, response_headers = request(address, "/admin/login/", headers=headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    cookie = re.search(r"csrftoken=([^;]+)", response_headers.get("Set-Cookie", "") if response_headers else "")
    if not (token and cookie):
        return None
    body = f"csrfmiddlewaretoken={token.group(1)}&username=redaktion&password={password}&next=/admin/"
    status, _, _, _ = request(
        address,
        "/admin/login/?next=/admin/",
        method="POST",
        body=body,
        headers={
            **headers,
            "Cookie": f"csrftoken={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return status


def lockout(address):
    print("Anmeldesperre mit wechselnden Kopfzeilen …", flush=True)
    for _ in range(40):
        ip = random_ip()
        login_attempt(address, "falsch", {"X-Forwarded-For": ip, "Forwarded": f"for={random_ip()}"})
    bypasses = sum(
        login_attempt(address, PASSWORD, {"X-Forwarded-For": random_ip(), "Forwarded": f"for={random_ip()}"}) == 302
        for _ in range(10)
    )
    return {"Anmeldungen trotz Sperre (40 Fehlversuche, dann 10 × richtiges Passwort, Kopfzeilen wechselnd)": (
        str(bypasses), "0")}  # fmt: skip


# --- 3. suggestions -----------------------------------------------------------------------------------------------

FORM = {
    "title": "Vorschlag aus dem Lasttest",
    "summary": "Eine Stunde kostenlose Beratung.",
    "description": "Beschreibung.",
    "offer_type": "beratung",
    "topics": "",
    "target_groups": "kmu",
    "region": "kreis-lippe",
    "extra_region": "",
    "cost": "kostenfrei",
    "format": "online",
    "submitter_name": "Erika Muster",
    "submitter_email": "erika@example.org",
    "institution_name": "Institut",
    "consent": "on",
    "homepage": "",
}


def form_token(address):
    _, _, html, _ = request(address, "/angebote/vorschlagen/")
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def post_suggestion(address, token):
    from urllib.parse import urlencode

    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": random_ip(),
        "Forwarded": f"for={random_ip()}",
    }
    return request(address, "/angebote/vorschlagen/", "POST", urlencode({**FORM, "token": token}), headers)[0]


def suggestions(address, env):
    print("Vorschläge: ein Token zehnmal, dann 30 parallel mit wechselnden Kopfzeilen …", flush=True)
    count = "SELECT count(*) FROM offers_offersubmission"
    before = sql(env, count)
    token = form_token(address)
    time.sleep(3.5)  # the form's time trap
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: post_suggestion(address, token), range(10)))
    replayed = sql(env, count) - before
    tokens = [form_token(address) for _ in range(30)]
    time.sleep(3.5)
    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda token: post_suggestion(address, token), tokens))
    stored = sql(env, count) - before
    return {
        "Gespeichert aus einem Token, zehnmal parallel gesendet": (str(replayed), "1"),
        "Vorschläge über dem Limit von 5 gespeichert (31 Posts, 30 davon parallel)": (str(max(0, stored - 5)), "0"),
        "Antworten 429 bei den 30 parallelen Posts": (str(statuses.count(429)), "≥ 25"),
    }


# --- 4. imports (h-import's bench/import_load.py) ------------------------------------------------------------------


def import_figures(env, address):
    # === CALL SITE for bench/import_load.py (written by h-import) =====================================================
    # Expected: import_load.figures(env=<environment of the running unit>, address=(host, port)) returning
    # {label: (value, goal)}, e.g. "Verlorene Änderungen während eines Imports von 10.000 Zeilen": ("0", "0") and
    # "Importierte Zeilen pro Sekunde": ("…", "≥ 500"). Absent module: the figures are reported as missing.
    try:
        from bench import import_load
    except ImportError:
        return {"Import (bench/import_load.py)": ("nicht vorhanden", "–")}
    return import_load.figures(env=env, address=address)


# --- 5. stopped database ---------------------------------------------------------------------------------------------


def stopped_database(address, cluster):
    print("Datenbank anhalten (SIGSTOP) …", flush=True)
    for _ in range(4):  # every worker holds a warm connection
        request(address, f"/angebote/?warm={random.random()}")
    cluster.signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        results = []
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(request, address, f"/angebote/?gestoppt={n}", timeout=30) for n in range(2)] + [
                pool.submit(request, address, "/", timeout=30)
            ]
            time.sleep(0.5)
            health = request(address, "/healthz", timeout=5)
            results = [future.result() for future in futures]
        seconds = max(result[1] for result in results)
        statuses = sorted({str(result[0]) for result in results})
        german = all("gleich wieder da" in result[2] for result in results)
    finally:
        cluster.signal(signal.SIGCONT)
    resumed = time.monotonic()
    back = None
    for _ in range(60):
        if request(address, f"/angebote/?zurueck={random.random()}", timeout=5)[0] == 200:
            back = time.monotonic() - resumed
            break
        time.sleep(0.5)
    return {
        "Sekunden bis zur 503-Seite bei angehaltener Datenbank (längste von 3 gleichzeitigen Anfragen)": (
            f"{seconds:.1f} s (Status {', '.join(statuses)}, deutsche Wartungsseite: {'ja' if german else 'nein'})",
            "≤ 5 s",
        ),
        "/healthz bei angehaltener Datenbank": (f"{health[0]} in {health[1]:.2f} s", "200 sofort"),
        "Seiten wieder da nach SIGCONT": (f"{back:.1f} s" if back is not None else "nicht binnen 30 s", "von selbst"),
        "Dauer des Versuchs": (f"{time.monotonic() - started:.0f} s", "–"),
    }


if __name__ == "__main__":
    main()
