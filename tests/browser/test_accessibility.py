"""WCAG 2.1 AA and axe's best practices (empty headings, heading order, landmarks), checked by axe-core in
Chromium on every public page type at 1280 px and at 360 px, with the demo data loaded: no violations,
one <h1> with text, the language set."""

import pytest

from tests.browser.conftest import run_axe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps migration-seeded rows

PAGE_TYPES = {
    "Startseite": "/",
    "Angebotsliste mit Filtern": "/angebote/?ort=48143&thema=robotik&art=beratung&kosten=gefoerdert",
    "Angebotsliste mit Tippfehler-Vorschlag": "/angebote/?q=Robtik",
    "leere Angebotsliste": "/angebote/?q=gibtesnichtxyz&art=labor",
    "Angebot": "/angebote/robotikberatung-handwerk-muensterland/",
    "Angebot vorschlagen": "/angebote/vorschlagen/",
    "Vorschlag eingegangen": "/angebote/vorschlagen/danke/",
    "Regionenkarte": "/regionen/",
    "Region (Land)": "/regionen/nrw/",
    "Region (Kreis)": "/regionen/kreis-lippe/",
    "Kooperationsregion": "/regionen/ostwestfalen-lippe/",
    "Transferlandkarte": "/transferlandkarte/",
    "Netzwerke": "/netzwerke/",
    "Netzwerk": "/netzwerke/its-owl/",
    "Partner": "/partner/",
    "Partnerin/Anbieter": "/partner/hwk-muenster/",
    "Die Allianz": "/allianz/",
    "Board": "/allianz/board/",
    "Thesen": "/allianz/thesen/",
    "Empfehlungen": "/allianz/empfehlungen/",
    "Impressum": "/impressum/",
    "Datenschutz": "/datenschutz/",
    "Barrierefreiheit": "/barrierefreiheit/",
    "Leichte Sprache": "/leichte-sprache/",
    "Kontakt": "/kontakt/",
    "Offene Daten": "/offene-daten/",
    "API-Dokumentation": "/api/v1/dokumentation/",
    "Merkliste": "/angebote/merkliste/",
    "Vergleich": "/angebote/vergleich/",
    "Seite nicht gefunden": "/gibt-es-nicht/",
    "Startseite (englisch)": "/en/",
    "Netzwerk (englisch)": "/en/netzwerke/its-owl/",
    "Barrierefreiheit (englisch)": "/en/barrierefreiheit/",
}
# Swagger UI (drf-spectacular-sidecar) brings its own <main>, <h1> and heading levels: best practices are
# checked on the page around it, WCAG on all of it.
THIRD_PARTY = {"API-Dokumentation": ["#swagger-ui"]}
EXPECTED_STATUS = {"Seite nicht gefunden": 404}


def check(page, label):
    """The page's problems as readable lines (empty when it passes)."""
    problems = []
    headings = page.locator("h1:not(#swagger-ui h1)")  # Swagger UI titles its own part with an <h1>
    if headings.count() != 1:
        problems.append(f"{label}: {headings.count()} <h1> instead of one")
    elif not headings.inner_text().strip():
        problems.append(f"{label}: empty <h1>")
    if not page.title().removesuffix("Transferportal NRW").strip(" –"):
        problems.append(f"{label}: empty <title>")
    language = "en" if page.url.split("/", 3)[-1].startswith("en/") else "de"
    if page.evaluate("document.documentElement.lang") != language:
        problems.append(f"{label}: <html lang> is not {language!r}")
    for violation in run_axe(page, best_practice_exclude=THIRD_PARTY.get(label, ())):
        if label in THIRD_PARTY and violation["id"] == "landmark-no-duplicate-main":
            continue  # Swagger UI's own <main id="operations">, which cannot be configured away
        problems.append(f"{label}: {violation['id']} – {violation['help']} – {violation['nodes']}")
    return problems


def test_every_public_page_type_passes_axe(page, demo_site):
    problems = []
    for label, url in PAGE_TYPES.items():
        response = page.goto(url)
        if response.status != EXPECTED_STATUS.get(label, 200):
            problems.append(f"{label}: {url} answered {response.status}")
            continue
        if label == "API-Dokumentation":
            page.wait_for_selector(".opblock")  # Swagger UI has rendered the operations from openapi.json
        problems += check(page, label)
    assert problems == [], "\n".join(problems)


def test_submission_form_with_errors_passes_axe(page, demo_site):
    assert page.goto("/angebote/vorschlagen/").status == 200
    form = page.locator("main form[method=post], main form[method=POST]")
    form.evaluate("form => { form.noValidate = true; }")  # let the server, not the browser, report the errors
    form.locator("[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".kern-error, .errorlist, [aria-invalid=true]").count() > 0, "no error shown"
    problems = check(page, "Angebot vorschlagen (mit Fehlern)")
    assert problems == [], "\n".join(problems)


def test_axe_really_reports_violations(page, site):
    """Guards the check above: an unlabeled field, an image without alt text, an empty heading, a skipped
    heading level and content outside every landmark must be found."""
    page.goto("/kontakt/")
    page.evaluate(
        """() => {
            document.querySelector("main").insertAdjacentHTML("beforeend",
                '<input type="text"><img src="/static/css/portal.css"><h2></h2><h5>Tief</h5>');
            document.body.insertAdjacentHTML("beforeend", '<p>Außerhalb jeder Landmarke</p>');
        }"""
    )
    found = {violation["id"] for violation in run_axe(page)}
    assert {"label", "image-alt", "empty-heading", "heading-order", "region"} <= found
