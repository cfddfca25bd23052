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
