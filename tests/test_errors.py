"""Graceful failure: German error pages without internals, a 503 maintenance page while the database is away
(and recovery without a restart once it is back), health and readiness checks."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.urls import path

from allianz_portal import urls as portal_urlconf
from allianz_portal.urls import urlpatterns as portal_urls
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/angebote/", "/angebote/?q=robotik", "/regionen/", "/regionen/kreis-lippe/", "/netzwerke/"]
PUBLIC += ["/netzwerke/its-owl/", "/partner/", "/allianz/", "/allianz/thesen/", "/impressum/", "/gibt-es-nicht/"]


def raise_(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("kaputt/400/", raise_(SuspiciousOperation("secret detail 400"))),
    path("kaputt/403/", raise_(PermissionDenied("secret detail 403"))),
    path("kaputt/500/", raise_(ProgrammingError("secret detail 500"))),
    path("kaputt/db/", raise_(InterfaceError("connection already closed"))),
    *portal_urls,
]
handler400, handler403, handler404, handler500 = (
    portal_urlconf.handler400,
    portal_urlconf.handler403,
    portal_urlconf.handler404,
    portal_urlconf.handler500,
)


def assert_german_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert html.count("<h1") == 1
    assert heading in html
    assert "secret detail" not in html and "Traceback" not in html
    assert "Content-Security-Policy" in response  # error pages pass through the security middleware too


@pytest.fixture
def broken_urls(settings, client):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/kaputt/400/", 400, "Diese Anfrage können wir nicht verarbeiten"),
        ("/kaputt/403/", 403, "Kein Zugriff auf diese Seite"),
        ("/gibt-es-nicht/", 404, "Diese Seite gibt es nicht"),
        ("/kaputt/500/", 500, "Ein technischer Fehler ist aufgetreten"),
        ("/kaputt/db/", 503, "Das Transferportal ist gleich wieder da"),
    ],
)
def test_error_pages_are_german_and_reveal_nothing(broken_urls, url, status, heading):
    assert_german_page(broken_urls.get(url), status, heading)


def test_bad_host_gets_the_german_400_page(client):
    assert_german_page(client.get("/", HTTP_HOST="evil.example"), 400, "Diese Anfrage können wir nicht verarbeiten")


def test_csrf_failure_is_explained_in_german(django_user_model):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "a", "password": "b"})
    assert_german_page(response, 403, "Das Formular ist abgelaufen")


@pytest.fixture
def database_down(client, monkeypatch):
    """Every attempt to reach the database fails, as when the server is stopped or the network is gone."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    make_offer(title="Robotikberatung", topics=["Robotik"])
    client.raise_request_exception = False  # errors outside views reach handler500, which answers 503 too
    monkeypatch.setattr(connection, "ensure_connection", refuse)
    return monkeypatch


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_answer_503_while_the_database_is_down(client, database_down, url):
    response = client.get(url)
    assert_german_page(response, 503, "Das Transferportal ist gleich wieder da")
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    assert "Connection refused" not in response.content.decode()


def test_site_recovers_without_restart_once_the_database_is_back(client, database_down):
    assert client.get("/angebote/?q=robotik").status_code == 503
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200  # the process itself is fine: no restart wanted
    database_down.undo()
    response = client.get("/angebote/?q=robotik")
    assert response.status_code == 200
    assert "Robotikberatung" in response.content.decode()
    assert client.get("/readyz").status_code == 200


def test_503_page_renders_without_database_or_request():
    from django.template import loader
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = loader.get_template("503.html").render()
    assert len(queries) == 0
    assert "Wartungsarbeiten" in html


def test_healthz_needs_no_database_and_no_allowed_host(client, database_down):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_readyz_reports_pending_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("offers", "9999_neu")])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.decode() == "1 Migrationen ausstehend"
    assert response["Cache-Control"] == "no-store"


def test_readyz_answers_bereit_when_everything_is_applied(client):
    response = client.get("/readyz")
    assert (response.status_code, response.content.decode()) == (200, "bereit")
