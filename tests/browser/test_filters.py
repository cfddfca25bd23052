"""Filters that apply where the visitor is: with JavaScript a change reloads the list at once and brings the
visitor back to the field; without it "Filter anwenden" stays in view at the bottom of the filter panel, and on
phones the filters are one tap from the top of the results."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_offer

from .conftest import WIDTHS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def offers(site):
    for number in range(12):
        make_offer(title=f"Beratung {number}", offer_type="beratung", summary="Wir beraten Betriebe. " * 8)
    make_offer(title="Cobot-Testfeld", offer_type="labor")
    make_offer(title="Robotik-Labor", offer_type="labor", format="online")


def heading(page):
    return page.get_by_role("heading", level=1)


def test_ticking_a_box_applies_it_and_keeps_the_visitor_at_the_box(page, offers):
    page.goto("/angebote/")
    expect(heading(page)).to_have_text("14 Angebote")
    page.get_by_role("complementary", name="Filter").get_by_label(re.compile(r"^Labor/")).check()

    expect(page).to_have_url(re.compile(r"/angebote/\?.*art=labor.*#f-art-labor$"))
    expect(heading(page)).to_have_text("2 Angebote")
    box = page.locator("#f-art-labor")
    expect(box).to_be_checked()
    expect(box).to_be_focused()
    expect(box).to_be_in_viewport()
    expect(page.locator("#filter-status")).to_have_text("2 Angebote")  # announced politely


def test_typing_in_the_search_field_does_not_reload(page, offers):
    page.goto("/angebote/")
    field = page.get_by_role("complementary", name="Filter").get_by_label("Suchbegriff")
    field.fill("Testfeld")  # one offer (no synonym: "Cobot" also finds Robotik)
    field.press("Tab")  # leaving the field fires "change": still no reload
    page.wait_for_timeout(500)
    expect(page).to_have_url(re.compile(r"/angebote/$"))
    page.get_by_role("button", name="Filter anwenden").click()
    expect(heading(page)).to_have_text("1 Angebot")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_without_javascript_the_apply_button_is_in_view_at_the_filters(browser, live_server, offers, width):
    context = browser.new_context(
        viewport=WIDTHS[width], locale="de-DE", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/angebote/")
        if width == "mobile":
            jump = page.get_by_role("link", name="Zu den Filtern")
            box = jump.bounding_box()
            assert box is not None and box["y"] + box["height"] < WIDTHS[width]["height"], box  # first screen
            jump.click()
            expect(page.get_by_role("heading", name="Filter", exact=True)).to_be_in_viewport()
        labor = page.get_by_role("complementary", name="Filter").get_by_label(re.compile(r"^Labor/"))
        labor.scroll_into_view_if_needed()
        labor.check()
        expect(page).to_have_url(re.compile(r"/angebote/(#filter)?$"))  # nothing happens by itself without JavaScript
        apply = page.get_by_role("button", name="Filter anwenden")
        expect(apply).to_be_in_viewport()
        box = apply.bounding_box()
        assert box["y"] + box["height"] <= WIDTHS[width]["height"]
        apply.click()
        expect(heading(page)).to_have_text("2 Angebote")
        expect(page).to_have_url(re.compile(r"art=labor"))
    finally:
        context.close()
