"""What people do on the portal, in a real browser at 1280 px and at 360 px: an SME looks for help by
postcode and topic, refines and reads an offer; a typo still finds it; the filters work by keyboard alone;
an editor publishes an offer; a visitor proposes one."""

import re

import pytest
from playwright.sync_api import expect

from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps migration-seeded rows


@pytest.fixture
def robotics(site):
    """Three robotics offers for Münster (two consulting, one of them on site) and two that do not fit."""
    match = make_offer(
        title="Robotikberatung für Handwerksbetriebe",
        topics=["Robotik"],
        coverage=["muenster"],
        offer_type="beratung",
        format="vor-ort",
        cost="gefoerdert",
    )
    make_offer(title="Robotik-Sprechstunde online", topics=["Robotik"], offer_type="beratung", format="online")
    make_offer(title="Robotikförderung", topics=["Robotik"], offer_type="foerderung")
    make_offer(title="Robotikberatung in Lippe", topics=["Robotik"], coverage=["kreis-lippe"], offer_type="beratung")
    make_offer(title="KI-Sprechstunde", topics=["Künstliche Intelligenz"], offer_type="beratung")
    return match


def heading(page):
    return page.get_by_role("heading", level=1)


def test_sme_finds_an_offer_by_postcode_topic_and_kind(page, robotics):
    page.goto("/")
    page.get_by_label("Wo ist Ihr Unternehmen?").fill("48143")
    page.get_by_label("Worum geht es?").select_option("robotik")
    page.get_by_label("Welche Hilfe brauchen Sie?").select_option("beratung")
    page.get_by_role("button", name="Passende Angebote zeigen").click()

    expect(page).to_have_url(re.compile(r"/angebote/\?ort=48143&thema=robotik&art=beratung$"))
    expect(heading(page)).to_have_text("2 Angebote für 48143 Münster (Münster)")
    results = page.locator(".directory__results")
    expect(results.get_by_role("link", name="Robotikberatung für Handwerksbetriebe")).to_be_visible()
    expect(results.get_by_role("link", name="Robotik-Sprechstunde online")).to_be_visible()
    expect(results).not_to_contain_text("Robotikberatung in Lippe")  # Lippe is not Münster
    expect(results).not_to_contain_text("Robotikförderung")  # not consulting

    # refine: only offers on site
    filters = page.get_by_role("complementary", name="Filter")
    filters.get_by_role("group", name="Format").get_by_label(re.compile(r"^vor Ort")).check()  # applies at once
    expect(heading(page)).to_have_text("1 Angebot für 48143 Münster (Münster)")
    expect(page).to_have_url(re.compile(r"format=vor-ort"))
    expect(page).to_have_url(re.compile(r"thema=robotik"))  # earlier choices survive

    page.locator(".directory__results").get_by_role("link", name="Robotikberatung für Handwerksbetriebe").click()
    expect(page).to_have_url(re.compile(re.escape(robotics.get_absolute_url()) + "$"))
    expect(heading(page)).to_have_text("Robotikberatung für Handwerksbetriebe")


def test_search_with_a_typo_still_finds_the_offer(page, robotics):
    page.goto("/")
    page.get_by_label("Wonach suchen Sie?").fill("Robtik")
    page.get_by_role("button", name="Suchen", exact=True).click()
    expect(page.get_by_text("Meinten Sie: Robotik?")).to_be_visible()
    expect(page.locator(".directory__results").get_by_role("link", name=robotics.title)).to_be_visible()


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const all = Array.from(document.querySelectorAll("*"));
    const box = el.getBoundingClientRect();
    return {
        id: el.id, tag: el.tagName, name: el.getAttribute("name"), type: el.getAttribute("type"),
        text: (el.innerText || el.value || "").trim().slice(0, 40),
        index: all.indexOf(el),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== "none",
        inViewport: box.bottom > 0 && box.top < window.innerHeight && box.width > 0,
    };
}"""


def tab_to(page, predicate, seen, limit=250):
    """Press Tab until `predicate(focused)` holds; record every stop in `seen`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        seen.append(focused)
        if predicate(focused):
            return focused
    raise AssertionError(f"never reached the target by Tab; last stops: {seen[-5:]}")


def test_filter_form_works_by_keyboard_alone(page, robotics):
    page.goto("/angebote/")
    seen = []
    skip = tab_to(page, lambda f: True, seen)
    assert skip["text"] == "Zum Inhalt springen" and skip["inViewport"] and skip["outline"]

    tab_to(page, lambda f: f["id"] == "f-q", seen)
    page.keyboard.type("Robotik")
    tab_to(page, lambda f: f["id"] == "f-ort", seen)
    page.keyboard.type("48143")
    box = tab_to(page, lambda f: f["id"] == "f-art-beratung", seen)
    page.keyboard.press("Space")  # applies at once (static/js/filters.js), focus comes back to the box
    expect(page).to_have_url(re.compile(r"q=Robotik&ort=48143&.*art=beratung.*#f-art-beratung$"))
    expect(page.locator("#f-art-beratung")).to_be_focused()
    reloaded = len(seen)
    submit = tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Filter anwenden", seen)
    assert box["type"] == "checkbox" and submit["type"] == "submit"
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("2 Angebote für 48143 Münster (Münster)")
    expect(page).to_have_url(re.compile(r"q=Robotik&ort=48143&.*art=beratung"))

    # Tab order follows the document (no positive tabindex jumping around), and focus is always visible.
    for stops in (seen[:reloaded], seen[reloaded:]):  # before and after the filter applied itself
        indexes = [stop["index"] for stop in stops]
        assert indexes == sorted(indexes), [f"{s['tag']}#{s['id']} {s['text']}" for s in stops]
    invisible = [f"{s['tag']}#{s['id']} {s['text']}" for s in seen if not s["outline"]]
    assert invisible == []


def test_editor_edits_and_publishes_an_offer(page, site, django_user_model):
    django_user_model.objects.create_superuser("redakteurin", "redaktion@example.org", "ein-langes-passwort-42")
    make_offer(title="Schon veröffentlichte Beratung")
    draft = make_offer(title="Entwurf KI-Sprechstunde", status="entwurf", published_at=None)
    page.goto("/angebote/")
    expect(page.locator("main")).not_to_contain_text("KI-Sprechstunde für den Mittelstand")
    expect(heading(page)).to_have_text("1 Angebot")
    expect(page.get_by_label(re.compile(r"^Beratung"))).to_have_accessible_name(re.compile(r"Beratung \(1\)"))
    assert page.goto(draft.get_absolute_url()).status == 404  # the public does not see drafts

    page.goto("/admin/")
    page.get_by_label("Benutzername").fill("redakteurin")
    page.get_by_label("Passwort").fill("ein-langes-passwort-42")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("link", name="Abmelden").or_(page.get_by_role("button", name="Abmelden"))).to_be_visible()

    page.goto(f"/admin/offers/offer/{draft.pk}/change/")
    page.locator("#id_title").fill("KI-Sprechstunde für den Mittelstand")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    # Preview: the editor sees the draft on the public template, clearly marked.
    page.goto(draft.get_absolute_url())
    expect(page.get_by_text(re.compile("Vorschau"))).to_be_visible()
    expect(heading(page)).to_have_text("KI-Sprechstunde für den Mittelstand")

    page.goto(f"/admin/offers/offer/{draft.pk}/change/")
    page.locator("#id_status").select_option(Offer.Status.PUBLISHED)
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    errors = page.locator(".errornote, .errorlist")
    rows = page.locator(".form-row.errors").evaluate_all("rows => rows.map(row => row.className)")
    assert errors.count() == 0, (errors.all_inner_texts(), rows)
    expect(page.locator(".messagelist")).to_contain_text("KI-Sprechstunde für den Mittelstand")

    draft.refresh_from_db()
    assert draft.status == Offer.Status.PUBLISHED and draft.published_at is not None
    page.goto("/angebote/")
    expect(heading(page)).to_have_text("2 Angebote")  # counts follow at once
    expect(page.get_by_label(re.compile(r"^Beratung"))).to_have_accessible_name(re.compile(r"Beratung \(2\)"))
    link = page.locator(".directory__results").get_by_role("link", name="KI-Sprechstunde für den Mittelstand")
    expect(link).to_be_visible()
    link.click()
    expect(heading(page)).to_have_text("KI-Sprechstunde für den Mittelstand")


def test_visitor_proposes_an_offer_after_fixing_errors(page, site, monkeypatch):
    from allianz_portal import publicforms
    from offers.models import OfferSubmission

    monkeypatch.setattr(publicforms, "MIN_SECONDS", 0)  # the time trap is tested with the form; a robot types fast
    page.goto("/angebote/vorschlagen/")
    expect(heading(page)).to_have_text("Angebot vorschlagen")
    page.get_by_label("Titel des Angebots").fill("Sprechstunde Kreislaufwirtschaft")
    page.get_by_role("button", name="Vorschlag senden").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Bitte beschreiben Sie das Angebot kurz.")
    expect(summary).to_contain_text("Bitte stimmen Sie der Speicherung zu")
    expect(page.get_by_label("Titel des Angebots")).to_have_value("Sprechstunde Kreislaufwirtschaft")  # input kept
    expect(page.get_by_label("Kurzbeschreibung")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name="Bitte beschreiben Sie das Angebot kurz.").click()
    expect(page.get_by_label("Kurzbeschreibung")).to_be_focused()

    page.get_by_label("Kurzbeschreibung").fill("Erstberatung zu Kreislaufwirtschaft und Materialeffizienz.")
    page.get_by_label("Beschreibung", exact=True).fill("Zwei Stunden Beratung im Betrieb, danach ein kurzer Bericht.")
    page.get_by_label("Angebotsart").select_option("beratung")
    page.get_by_role("group", name="Für wen ist das Angebot?").get_by_label("KMU").check()
    page.get_by_label("Wo gilt das Angebot?").select_option("kreis-lippe")
    page.get_by_role("group", name="Kosten").get_by_label("kostenfrei").check()
    page.get_by_role("group", name="Format").get_by_label("vor Ort").check()
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Ihre Institution").fill("Effizienzagentur Lippe")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Vorschlag senden").click()

    expect(heading(page)).to_contain_text("Ihr Vorschlag ist eingegangen")
    stored = OfferSubmission.objects.select_related("offer").get()
    assert stored.offer.title == "Sprechstunde Kreislaufwirtschaft"
    assert stored.offer.status == Offer.Status.DRAFT  # nothing public before the editors checked it
    page.goto("/angebote/")
    expect(page.locator("main")).not_to_contain_text("Sprechstunde Kreislaufwirtschaft")
