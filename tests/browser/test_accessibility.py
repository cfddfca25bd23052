"""WCAG 2.1 AA, checked by axe-core in Chromium on every public page type at 1280 px and at 360 px,
with the demo data loaded: no violations, one <h1>, the language set."""

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
    "Seite nicht gefunden": "/gibt-es-nicht/",
}
EXPECTED_STATUS = {"Seite nicht gefunden": 404}


def check(page, label):
    """The page's problems as readable lines (empty when it passes)."""
    problems = []
    if page.locator("h1").count() != 1:
        problems.append(f"{label}: {page.locator('h1').count()} <h1> instead of one")
    if page.evaluate("document.documentElement.lang") != "de":
        problems.append(f"{label}: <html lang> is not 'de'")
    for violation in run_axe(page):
        problems.append(f"{label}: {violation['id']} – {violation['help']} – {violation['nodes']}")
    return problems


def test_every_public_page_type_passes_axe(page, demo_site):
    problems = []
    for label, url in PAGE_TYPES.items():
        response = page.goto(url)
        if response.status != EXPECTED_STATUS.get(label, 200):
            problems.append(f"{label}: {url} answered {response.status}")
            continue
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
    """Guards the check above: an unlabeled field and an image without alt text must be found."""
    page.goto("/kontakt/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<input type="text"><img src="/static/css/portal.css">')"""
    )
    found = {violation["id"] for violation in run_axe(page)}
    assert {"label", "image-alt"} <= found
