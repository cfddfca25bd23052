"""Notice a stalled PostgreSQL server within seconds, so that a request gets the 503 page instead of hanging.

A database that refuses connections fails fast. One that is stalled (its processes stopped, a network path
that swallows packets) answers nothing: the kernel still accepts connections and acknowledges data, so TCP
timeouts never fire and a query on an open connection waits forever. The server's `statement_timeout`
cannot help either, the server is not running. Two client-side guards:

- new connections: libpq's `connect_timeout` (settings: DATABASE_CONNECT_TIMEOUT);
- open connections: this watchdog. One daemon thread per process looks every WATCH_INTERVAL at the request
  threads registered by `watching()`. A thread that has sat in the same psycopg wait for STALL_SECONDS makes
  it probe the server with a fresh connection (connect_timeout PROBE_TIMEOUT). If the probe gets no answer,
  the server is stalled: the watchdog shuts down the sockets of the waiting threads' connections, their
  queries fail at once with an OperationalError, and DatabaseUnavailableMiddleware answers 503. If the probe
  answers, the server is merely busy with a slow query and nothing is touched (statement_timeout governs).
  Django's health check of a reused connection (`SELECT 1`, CONN_HEALTH_CHECKS) is never slow on a running
  server, so a thread waiting in it for HEALTH_CHECK_SECONDS is cut off without a probe (Django then opens a
  new connection, which fails after connect_timeout) and the server counts as stalled until a probe answers.
  While it counts as stalled, `database_stalled()` is true and requests get the 503 page at once instead of
  each waiting for connect_timeout, so the workers stay free. The first probe that is answered ends it.

Worst cases until the 503 with the defaults: a query on an open connection DATABASE_STALL_SECONDS +
PROBE_TIMEOUT + WATCH_INTERVAL ≈ 4.3 s; a request starting on a reused connection HEALTH_CHECK_SECONDS +
WATCH_INTERVAL + DATABASE_CONNECT_TIMEOUT ≈ 3.3 s; a new connection DATABASE_CONNECT_TIMEOUT = 2 s.
Only PostgreSQL connections are watched; with SQLite `watching()` does nothing.
"""

import contextlib
import logging
import os
import socket
import sys
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

WATCH_INTERVAL = 0.25
PROBE_TIMEOUT = 2  # libpq's smallest connect_timeout
HEALTH_CHECK_SECONDS = 1  # Django's "SELECT 1" on a reused connection: killed without a probe (see sweep)


class Watchdog:
    def __init__(self):
        self.lock = threading.Lock()
        self.threads = {}  # thread ident -> [wrappers, psycopg frame seen last, since when]
        self.thread = None
        self.stalled = False  # the last probe got no answer: requests get the 503 page at once
        self.probe_with = None  # a connection wrapper whose settings the probe uses
        self.reported_answers = True

    def register(self, wrappers):
        with self.lock:
            self.threads[threading.get_ident()] = [wrappers, None, 0.0]
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="db-watchdog", daemon=True)
                self.thread.start()

    def unregister(self):
        with self.lock:
            self.threads.pop(threading.get_ident(), None)

    def run(self):
        while True:
            time.sleep(WATCH_INTERVAL)
            try:
                self.sweep(time.monotonic())
            except Exception:  # the watchdog must never die of one odd sweep
                logger.exception("Datenbank-Wächter: Prüfung fehlgeschlagen")

    def sweep(self, now):
        frames = sys._current_frames()
        stuck, health_checks = [], []
        with self.lock:
            for ident, entry in self.threads.items():
                frame = _psycopg_frame(frames.get(ident))
                if frame is None or frame is not entry[1]:
                    entry[1], entry[2] = frame, now
                elif _in_health_check(frame) and now - entry[2] >= HEALTH_CHECK_SECONDS:
                    health_checks.append(entry)
                elif now - entry[2] >= settings.DATABASE_STALL_SECONDS:
                    stuck.append(entry)
        for entry in health_checks:
            _shut_down_all(entry)
        if health_checks:
            self.stalled = True  # suspected until the probe below answers
        if health_checks or stuck:
            self.probe_with = (health_checks or stuck)[0][0][0]
        if not (health_checks or stuck or self.stalled) or self.probe_with is None:
            return
        answers = _server_answers(self.probe_with)
        if answers != self.reported_answers:
            logger.warning("Datenbank %s", "antwortet wieder" if answers else "antwortet nicht: Wartungsseite")
            self.reported_answers = answers
        self.stalled = not answers
        for entry in stuck:
            if answers:
                entry[2] = now  # busy, not stalled: look again after another DATABASE_STALL_SECONDS
            else:
                _shut_down_all(entry)


def _psycopg_frame(frame):
    """The innermost frame of psycopg's own code the thread is in (where it waits for the server), or None."""
    while frame is not None:
        if f"{os.sep}psycopg{os.sep}" in frame.f_code.co_filename:
            return frame
        frame = frame.f_back
    return None


def _in_health_check(frame):
    """Django's check of a reused connection ("SELECT 1"): never slow on a server that runs."""
    while frame is not None:
        if frame.f_code.co_name == "is_usable":
            return True
        frame = frame.f_back
    return False


def _server_answers(wrapper):
    import psycopg

    params = wrapper.get_connection_params()
    params.pop("cursor_factory", None)
    params["connect_timeout"] = PROBE_TIMEOUT
    try:
        with psycopg.connect(**params) as probe:
            probe.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def _shut_down_all(entry):
    for wrapper in entry[0]:
        _shut_down(wrapper)


def _shut_down(wrapper):
    try:
        fd = wrapper.connection.pgconn.socket
    except Exception:  # not connected (any more)
        return
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
        sock.shutdown(socket.SHUT_RDWR)


watchdog = Watchdog()


def database_stalled():
    """True while the server is known to be stalled (a probe got no answer; the watchdog keeps probing)."""
    return watchdog.stalled


@contextlib.contextmanager
def watching():
    """Watch this thread's PostgreSQL connections while the block runs (one request)."""
    wrappers = [connections[alias] for alias in connections]
    wrappers = [wrapper for wrapper in wrappers if wrapper.vendor == "postgresql"]
    if not wrappers or not settings.DATABASE_STALL_SECONDS:
        yield
        return
    watchdog.register(wrappers)
    try:
        yield
    finally:
        watchdog.unregister()
