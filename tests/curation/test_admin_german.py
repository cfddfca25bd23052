"""The admin speaks German throughout, for the Redaktion and for partner editors.

Django 6.1 and the admin's add-ons (import-export, simple-history, taggit, axes) ship German catalogues that
lack their newest English strings; locale/de fills the gaps. These tests walk the pages editors use and look
for English in everything a person reads: text, button labels, alt texts, titles, placeholders, the
JavaScript catalogue of the selection boxes and calendars.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from offers.models import Offer
from tests.conftest import make_offer
from tests.curation.conftest import make_user

pytestmark = pytest.mark.django_db

# English the admin showed before (issue 12), plus what its add-ons say where a catalogue has a gap.
ENGLISH = [
    r"Select an option",
    r"Search\b",
    r"Choose\b",
    r"Remove all",
    r"\bChanges\b",
    r"\bNone\b",
    r"Select all",
    r"Filter by",
    r"\bLogout\b",
    r"\bRun\b",
    r"\bTitle\b",
    r"Offer Type",
    r"View history",
    r"Show all",
    r"\bentries\b",
    r"Pagination",
]
READABLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class VisibleText(HTMLParser):
    """What a person reads or hears: text outside <script>/<style>, labels in attributes, button values."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        attributes = dict(attrs)
        self.parts += [value for name, value in attrs if name in READABLE_ATTRIBUTES and value]
        if tag == "input" and attributes.get("type") in {"submit", "button"} and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def english_on(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = VisibleText()
    parser.feed(response.content.decode())
    text = " ".join(" ".join(parser.parts).split())
    assert len(text) > 200, f"{url} shows almost nothing"
    return sorted({match.group(0) for pattern in ENGLISH for match in re.finditer(pattern, text)})


@pytest.fixture
def offer(institution_a):
    offer = make_offer(provider=institution_a, status=Offer.Status.REVIEW, topics=["Robotik"])
    offer.title = "Zweite Fassung"
    offer.save()
    return offer


def test_the_redaktion_meets_no_english(client, django_user_model, offer):
    boss = django_user_model.objects.create_superuser("chefin", "chefin@example.org", "sehr-geheim-123")
    client.force_login(boss)
    pages = [
        reverse("admin:index"),
        reverse("admin:offers_offer_changelist") + "?q=Robotik&status__exact=pruefung",
        reverse("admin:offers_offer_change", args=[offer.pk]),
        reverse("admin:offers_offer_history", args=[offer.pk]),
        reverse("admin:offers_offer_import"),
        reverse("admin:offers_offer_export"),
        reverse("admin:partners_institution_changelist") + "?q=Hochschule",
        reverse("admin:partners_institution_change", args=[offer.provider_id]),
        reverse("admin:regions_region_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[boss.pk]),
    ]
    found = {url: english_on(client, url) for url in pages}
    assert {url: words for url, words in found.items() if words} == {}


def test_partner_editors_meet_no_english(client, django_user_model, institution_a, offer):
    partner = make_user(django_user_model, "partnerin", "Partner-Redaktion", institution_a)
    client.force_login(partner)
    pages = [
        reverse("admin:index"),
        reverse("admin:offers_offer_changelist") + "?q=Zweite",
        reverse("admin:offers_offer_change", args=[offer.pk]),
        reverse("admin:offers_offer_history", args=[offer.pk]),
        reverse("admin:offers_offer_add"),
    ]
    found = {url: english_on(client, url) for url in pages}
    assert {url: words for url, words in found.items() if words} == {}


def test_changelist_search_and_filters_are_labelled_in_german(admin_client):
    make_offer()
    html = admin_client.get(reverse("admin:offers_offer_changelist")).content.decode()
    assert "Angebote durchsuchen" in html
    assert "– bitte auswählen –" in html
    assert "Nach veröffentlicht ab filtern" in html and 'alt="Suchen"' in html


def test_selection_boxes_and_calendar_speak_german(admin_client):
    """The texts of the admin's JavaScript (filter_horizontal, date and time pickers) come from jsi18n."""
    script = admin_client.get(reverse("admin:jsi18n")).content.decode()
    catalogue = re.sub(r"\\u([0-9a-f]{4})", lambda match: chr(int(match.group(1), 16)), script)
    for german in ["Alle %s auswählen", "Alle %s entfernen", "Heute (%(date)s)", "Zeitzone %(timezone)s"]:
        assert german in catalogue


def test_every_gap_filled_in_locale_de_is_translated():
    """The compiled catalogue is in place: each English text of locale/de comes out German."""
    from django.conf import settings

    source = (settings.BASE_DIR / "locale/de/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = [entry for entry in source.split("\n\n") if "msgctxt" not in entry and "msgid_plural" not in entry]
    msgids = [
        "".join(re.findall(r'"(.*)"', entry.split("msgid ", 1)[1].split("msgstr", 1)[0])).replace('\\"', '"')
        for entry in entries
        if "\nmsgid " in f"\n{entry}"
    ]
    msgids = [msgid for msgid in msgids if msgid]
    assert len(msgids) > 40
    with translation.override("de"):
        untranslated = [msgid for msgid in msgids if msgid not in {", "} and translation.gettext(msgid) == msgid]
    assert untranslated == [], "make setup (compilemessages) übersetzt locale/de"


def test_english_pages_stay_english(client):
    html = client.get("/en/angebote/").content.decode()
    assert translation.get_language() == "de"  # the request hands the thread back in German
    assert '<html lang="en"' in html and "Filter" in html and "Alle auswählen" not in html
