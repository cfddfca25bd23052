"""Findings 3 and 10: the serving unit (deploy/nginx.conf.template in front of gunicorn, as `make serve` and
compose.yaml run it). nginx is started for real against a stand-in for gunicorn that, like one sync worker,
serves one connection at a time and sends no security headers of its own."""

import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.csp import build_policy

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")


class OneAtATime(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/kaputt":
            body, status, headers = b"Internal Server Error", 500, {}
        else:
            body, status = b"<h1>Seite der Anwendung</h1>", 200
            headers = {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "default-src 'self'"}
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PLACEHOLDERS = ("PORTAL_LISTEN", "PORTAL_UPSTREAM", "PORTAL_RUN", "PORTAL_ERRORS")


def placeholder(name):
    return "${" + name + "}"


def start_nginx(run, upstream_port):
    """nginx with the shipped configuration, rendered as bin/serve renders it; returns (base URL, process)."""
    listen = f"127.0.0.1:{free_port()}"
    values = [listen, f"127.0.0.1:{upstream_port}", str(run), str(ROOT / "deploy" / "errors")]
    config = (ROOT / "deploy" / "nginx.conf.template").read_text()
    for name, value in zip(PLACEHOLDERS, values, strict=True):
        config = config.replace(placeholder(name), value)
    (run / "nginx.conf").write_text(config)
    nginx = subprocess.Popen(["nginx", "-c", str(run / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"])
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://{listen}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return f"http://{listen}", nginx


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    app = http.server.HTTPServer(("127.0.0.1", 0), OneAtATime)  # single-threaded, like a sync worker
    threading.Thread(target=app.serve_forever, daemon=True).start()
    base, nginx = start_nginx(tmp_path_factory.mktemp("nginx"), app.server_port)
    yield {"base": base, "app": app}
    nginx.terminate()
    nginx.wait(timeout=10)
    app.shutdown()


def get(url, timeout=5):
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, response.headers, response.read().decode()


def assert_site_headers(headers):
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == build_policy(settings.SECURE_CSP)  # the same policy as the app


def test_healthz_is_answered_by_the_proxy_with_headers(proxy):
    status, headers, body = get(proxy["base"] + "/healthz")
    assert (status, body) == (200, "ok")
    assert_site_headers(headers)


def test_app_headers_pass_unchanged_and_are_not_doubled(proxy):
    status, headers, body = get(proxy["base"] + "/angebote/")
    assert status == 200 and "Seite der Anwendung" in body
    assert headers.get_all("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.get_all("Content-Security-Policy") == ["default-src 'self'"]


def test_bare_upstream_errors_and_the_proxys_own_pages_get_the_headers(proxy):
    status, headers, body = get(proxy["base"] + "/kaputt")  # like gunicorn's own 500 page
    assert status == 500 and body == "Internal Server Error"
    assert_site_headers(headers)
    status, headers, body = get(proxy["base"] + "/" + "x" * 9000)  # too long for anyone
    assert status == 414 and "Diese Anfrage können wir nicht verarbeiten" in body
    assert_site_headers(headers)


def test_gunicorn_unreachable_gives_the_german_503_page(tmp_path):
    base, nginx = start_nginx(tmp_path, free_port())  # nobody listens upstream
    try:
        status, headers, body = get(base + "/angebote/")
        assert status == 503 and "Das Transferportal ist gleich wieder da" in body
        assert_site_headers(headers)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def test_slow_clients_do_not_block_a_one_connection_backend(proxy):
    """Finding 3 in small: 100 clients trickling their headers; the single-threaded backend still answers."""
    host, port = proxy["base"].removeprefix("http://").split(":")
    slow = []
    for n in range(100):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(f"GET /angebote/?langsam={n} HTTP/1.1\r\nHost: x\r\n".encode())  # never finished
        slow.append(sock)
    try:
        durations = []
        for _ in range(10):
            started = time.monotonic()
            status, _, body = get(proxy["base"] + "/angebote/", timeout=5)
            durations.append(time.monotonic() - started)
            assert status == 200 and "Seite der Anwendung" in body
        assert max(durations) < 1
    finally:
        for sock in slow:
            sock.close()


def test_bin_serve_renders_the_same_placeholders():
    script = (ROOT / "bin" / "serve").read_text()
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    for name in PLACEHOLDERS:
        assert placeholder(name) in template and placeholder(name) in script
    assert os.access(ROOT / "bin" / "serve", os.X_OK)
