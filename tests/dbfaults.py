"""A database that does not answer, for tests/test_dbstall.py and bench/abuse.py.

Run as `python -m tests.dbfaults blackhole` or `python -m tests.dbfaults stall DBNAME`: it starts the fault
in a thread, sets up Django with production settings against it, sends requests through Django's test
client and prints one JSON line with the status, seconds and text of each answer.

- blackhole: a TCP server that accepts connections and never says a word (a stopped PostgreSQL looks
  exactly like that to a new connection);
- stall: a TCP relay in front of the real PostgreSQL on 127.0.0.1:5432 that first passes everything, then
  freezes: open connections stay open but nothing passes any more, new ones are accepted and ignored.
"""

import json
import os
import socket
import sys
import threading
import time


class BlackHole:
    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            connection, _ = self.server.accept()
            self.held.append(connection)  # keep it open, answer nothing


class StallRelay(BlackHole):
    def __init__(self, target=("127.0.0.1", 5432)):
        self.target = target
        self.frozen = threading.Event()
        super().__init__()

    def serve(self):
        while True:
            client, _ = self.server.accept()
            self.held.append(client)
            if self.frozen.is_set():
                continue
            upstream = socket.create_connection(self.target)
            self.held.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    def pipe(self, source, sink):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            while self.frozen.is_set():
                time.sleep(3600)  # frozen: hold the bytes, the connection stays open
            try:
                sink.sendall(data)
            except OSError:
                return


def setup(port, name):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="allianz_portal.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/{name}",
        SECRET_KEY="dbfaults-only",
        DJANGO_DEBUG="0",
        DJANGO_PLAIN_STATIC="1",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        PAGE_CACHE_TIMEOUT="0",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def timed(client, url):
    started = time.monotonic()
    response = client.get(url)
    return {
        "url": url,
        "status": response.status_code,
        "seconds": round(time.monotonic() - started, 2),
        "text": response.content.decode(errors="replace")[:20000],
    }


def main(mode, name="transferportal"):
    fault = BlackHole() if mode == "blackhole" else StallRelay()
    setup(fault.port, name)
    from django.test import Client

    client = Client(raise_request_exception=False)
    results = []
    if mode == "stall":
        results.append(timed(client, "/angebote/"))  # a working connection, kept (CONN_MAX_AGE)
        fault.frozen.set()
    results += [timed(client, "/healthz"), timed(client, "/angebote/"), timed(client, "/")]
    print(json.dumps(results))


if __name__ == "__main__":
    main(*sys.argv[1:])
