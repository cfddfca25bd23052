"""Security headers on every response: a strict Content Security Policy for the public site, a looser one
for the admin only, HSTS, nosniff, referrer, opener and permissions policies."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PUBLIC = ["/", "/angebote/", "/angebote/?q=robotik&art=beratung", "/regionen/", "/regionen/kreis-lippe/"]
PUBLIC += ["/netzwerke/", "/partner/", "/allianz/", "/impressum/", "/gibt-es-nicht/"]


def policy(response, header="Content-Security-Policy"):
    """{"default-src": ["'self'"], …} from a CSP header."""
    directives = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def offer():
    return make_offer(title="Robotikberatung", topics=["Robotik"])


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_have_a_strict_content_security_policy(client, offer, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert csp[directive][0] == "'self'"
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(csp[directive])
    assert "*" not in response["Content-Security-Policy"]


def test_offer_detail_has_the_strict_policy(client, offer):
    csp = policy(client.get(offer.get_absolute_url()))
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"]


def test_nonce_appears_only_when_a_template_uses_it(rf):
    from django.http import HttpResponse
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">1</script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    request = rf.get("/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    nonce = re.search(r"'nonce-([^']+)'", policy(response)["script-src"][1]).group(1)
    assert f'nonce="{nonce}"'.encode() in response.content
    plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("x"))(rf.get("/"))
    assert "nonce" not in plain["Content-Security-Policy"]


def test_admin_has_its_own_looser_policy(admin_client):
    csp = policy(admin_client.get("/admin/"))
    assert "'unsafe-inline'" in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    login = policy(admin_client.get("/admin/login/"))
    assert login["default-src"] == ["'self'"]


@pytest.mark.parametrize("url", ["/", "/angebote/", "/gibt-es-nicht/", "/admin/login/"])
def test_security_headers_everywhere(client, url):
    response = client.get(url, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/angebote/?q=x")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/angebote/?q=x"
    assert client.get("/healthz").status_code == 200  # health checks answer before the redirect


def test_templates_carry_no_inline_script_style_or_event_handlers():
    """style-src/script-src 'self' would block them: styles belong in static CSS, behaviour in static JS."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.relative_to(TEMPLATES).parts[0] == "admin":
            continue  # admin templates run under the admin's own policy
        if path.relative_to(TEMPLATES).parts[0] == "mail":
            continue  # e-mails: mail clients drop <style> and static CSS, so inline styles are the way; no CSP applies
        text = path.read_text()
        for pattern in (r"\sstyle=", r"<style(?![^>]*nonce=)", r"<script(?![^>]*(?:nonce=|src=))", r"\son\w+="):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert offenders == []


def test_python_generated_markup_carries_no_inline_styles():
    """SVG or HTML built in Python (e.g. the region map) is bound by the same policy."""
    offenders = []
    for app in ("allianz_portal", "offers", "regions", "partners", "alliance"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if re.search(r"""[\s'"]style=["'{\\]""", path.read_text()):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def assert_site_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = policy(response)
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]


@pytest.mark.parametrize(
    ("url", "host", "status", "text"),
    [
        ("/", "evil.example", 400, "Diese Anfrage können wir nicht verarbeiten"),  # DisallowedHost
        ("/healthz", "evil.example", 200, "ok"),
        ("/healthz", "testserver", 200, "ok"),
        ("/readyz", "testserver", 200, "bereit"),
        ("/gibt-es-nicht/", "testserver", 404, "Diese Seite gibt es nicht"),
    ],
)
def test_headers_also_on_health_checks_and_early_errors(client, url, host, status, text):
    """Finding 10: 400 for an unknown host and the health checks carried no CSP, X-Frame-Options or nosniff."""
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == status
    assert text in response.content.decode()
    assert_site_headers(response)


def test_headers_on_the_503_maintenance_page_and_readyz_failure(client, monkeypatch):
    from django.db import OperationalError, connection
    from django.db.migrations import executor

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(executor.MigrationExecutor, "__init__", refuse)
    monkeypatch.setattr(connection, "ensure_connection", refuse)
    client.raise_request_exception = False
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "Datenbank" in ready.content.decode()
    assert_site_headers(ready)
    page = client.get("/angebote/")
    assert page.status_code == 503 and "gleich wieder da" in page.content.decode()
    assert_site_headers(page)
