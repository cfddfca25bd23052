"""gunicorn settings shared by the container image and `make serve` (one invocation, no drift)."""

import os

# Statements of web requests end after 15 s (settings: DATABASE_STATEMENT_TIMEOUT; management commands: none).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "15")

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = 0  # no periodic restarts: a fresh worker starts with cold caches (see docs/performance.md)
accesslog = "-"
errorlog = "-"
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Longest request line gunicorn takes (its maximum): nginx in front refuses longer ones first with its German 414.
limit_request_line = 8190


def post_worker_init(worker):
    """Each worker builds its facet index in a background thread at once, not in its first request."""
    from finder.index import warm_up

    warm_up()
