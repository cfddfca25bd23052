"""English interface under /en/: every interface text translated, content stays German (marked lang="de").

The checks read the English pages like a visitor: visible text and the text of aria-label, title, placeholder
and alt, minus elements marked lang="de" (editorial content) and minus every name stored in the database
(regions, topics, institutions, offers, …). What is left must contain no msgid of the .po file, no
common German interface word and no German function word – so an unwrapped template string fails here.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import override_settings
from django.utils import translation

from alliance.models import Page
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
GERMAN_ONLY_NOTE = "Content is available in German only."

ENGLISH_PAGES = [
    "/en/",
    "/en/angebote/",
    "/en/angebote/?art=beratung&art=labor&kosten=kostenfrei&thema=robotik&aktuell=nein&sort=titel",
    "/en/angebote/?q=robotik&ort=33415&region=kreis-lippe&zielgruppe=kmu",
    "/en/angebote/?q=zzqxw&art=unbekannt&seite=7",  # empty result, notices, relaxations
    "/en/angebote/?q=Robotik+Bielefeld",  # a place recognised inside the query
    "/en/angebote/?ort=Lippe",  # an ambiguous place: the choice
    "/en/regionen/",
    "/en/regionen/nrw/",
    "/en/regionen/regierungsbezirk-detmold/",
    "/en/regionen/kreis-lippe/",
    "/en/regionen/ostwestfalen-lippe/",
    "/en/transferlandkarte/",
    "/en/netzwerke/",
    "/en/netzwerke/its-owl/",
    "/en/partner/",
    "/en/allianz/",
    "/en/allianz/board/",
    "/en/allianz/thesen/",
    "/en/allianz/empfehlungen/",
    "/en/angebote/vorschlagen/",
    "/en/angebote/?groesse=kleinst&foerderung=10000&frist_bis=31.02.2026&termin_von=2026-12-01",
    "/en/praxisbeispiele/",
    "/en/allianz/dokumente/",
    "/en/praxisbeispiele/?region=atlantis",
    "/en/angebote/robotiklabor/anfrage/",  # the enquiry form of the `offers` fixture's lab
    "/en/suchauftrag/?thema=robotik&region=kreis-lippe&kosten=kostenfrei",
    "/en/angebote/robotiklabor/anfrage/danke/",
    "/en/suchauftrag/angefordert/",
    "/en/transferbedarf/",
    "/en/transferbedarf/?vorschau=1&topics=robotik&kreis=kreis-lippe&company_size=klein",
    "/en/transferbedarf/danke/",
    "/en/bedarfsradar/",
    *[f"/en/{key}/" for key in Page.Key.values if key != Page.Key.ABOUT],
]

GERMAN_INTERFACE_WORDS = [
    "Angebot",
    "Angebote",
    "Suchen",
    "Suche",
    "Filter anwenden",
    "Zurücksetzen",
    "Zum Inhalt springen",
    "Seite",
    "Kosten",
    "Zielgruppe",
    "Startseite",
    "Hauptnavigation",
    "Regionen",
    "Netzwerke",
    "Beispieldaten",
]
# Words that occur in almost every German sentence and in no English one.
GERMAN_FUNCTION_WORDS = ["und", "der", "die", "das", "für", "nicht", "oder", "Sie", "Ihre", "mit", "von", "zur", "zum"]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TEXT_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


def read_po(path=PO_FILE):
    """[(msgid, msgid_plural or None, [msgstr…], flags)] of a .po file, without the header."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry["msgid"]:
            entries.append((entry["msgid"], entry.get("msgid_plural"), entry["msgstr"], entry["flags"]))

    flags = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            flags = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("msgid "):
            finish()
            entry, field = {"msgid": "", "msgstr": [], "flags": flags}, "msgid"
            flags = set()
            entry["msgid"] = _unquote(line[len("msgid ") :])
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            entry[field] = _unquote(line[len("msgid_plural ") :])
        elif line.startswith("msgstr"):
            entry["msgstr"].append(_unquote(line.split(" ", 1)[1]))
            field = "msgstr"
        elif line.startswith('"') and entry is not None:
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    finish()
    return entries


def _unquote(text):
    return text.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


class InterfaceText(HTMLParser):
    """Visible text and text attributes outside <script>, <style> and lang="de" elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.stack, self.lang = [], [], ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in {"script", "style"} or attrs.get("lang", "").startswith("de")
        if tag == "html":
            self.lang = attrs.get("lang", "")
            hidden = False
        outside = not any(skip for _tag, skip in self.stack)
        if outside and not hidden:
            self.parts.extend(attrs[name] for name in TEXT_ATTRIBUTES if attrs.get(name))
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content", ""))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not any(skip for _tag, skip in self.stack):
            self.parts.append(data)


def interface_text(html):
    parser = InterfaceText()
    parser.feed(html)
    return parser.lang, " ".join(" ".join(parts.split()) for parts in parser.parts)


def content_strings():
    """Every short text stored in the portal's tables: names and titles are content, not interface."""
    strings = set()
    for label in ("offers", "regions", "partners", "alliance", "practice"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = [field.name for field in model._meta.concrete_fields if isinstance(field, models.CharField)]
            for row in model.objects.values_list(*fields):
                strings.update(value for value in row if isinstance(value, str) and len(value) > 2)
    return sorted(strings, key=len, reverse=True)


def without_content(text, strings):
    for value in strings:
        if value in text:
            text = text.replace(value, " ")
    return text


def german_msgids():
    """msgids to look for: without placeholders or markup, and not also an English word of some translation."""
    entries = read_po()
    english = " ".join(text for _msgid, _plural, msgstrs, _flags in entries for text in msgstrs)
    for msgid, plural, msgstrs, _flags in entries:
        for source in filter(None, (msgid, plural)):
            if "%(" in source or "<" in source or "&" in source or source in msgstrs:
                continue
            if re.search(rf"(?<!\w){re.escape(source)}(?!\w)", english):
                continue  # e.g. "Start" is also the English word for "Beginn"
            yield source


@pytest.fixture
def offers():
    funding = make_offer(offer_type="foerderung", title="Transfergutschein", topics=["Förderung"])
    lab = make_offer(
        offer_type="labor", title="Robotiklabor", slug="robotiklabor", coverage=["kreis-lippe"], topics=["Robotik"]
    )
    lab.funded_by.add(funding)
    return [funding, lab]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = read_po()
    assert len(entries) > 200
    untranslated = [msgid for msgid, _plural, msgstrs, _flags in entries if not all(text.strip() for text in msgstrs)]
    fuzzy = [msgid for msgid, _plural, _msgstrs, flags in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []
    placeholders = re.compile(r"%\(\w+\)[sd]")
    for msgid, plural, msgstrs, _flags in entries:
        expected = set(placeholders.findall(msgid)) | set(placeholders.findall(plural or ""))
        for text in msgstrs:
            assert set(placeholders.findall(text)) <= expected, (msgid, text)
            assert set(placeholders.findall(text)) >= set(placeholders.findall(msgid)) or plural, (msgid, text)


def test_compiled_messages_are_up_to_date():
    compiled = PO_FILE.with_suffix(".mo")
    assert compiled.exists(), "locale/en/LC_MESSAGES/django.mo fehlt: `make setup` übersetzt die Texte."
    assert compiled.stat().st_mtime >= PO_FILE.stat().st_mtime, "django.mo ist älter als django.po: `make setup`."


@pytest.mark.parametrize("url", [*ENGLISH_PAGES, "/en/gibt-es-nicht/"])
def test_english_pages_have_no_german_interface_text(client, offers, url, django_assert_max_num_queries):
    client.get(url)  # warm the per-worker facet index, as in tests/test_pages.py
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == (404 if "gibt-es-nicht" in url else 200)
    assert not response.cookies
    html = response.content.decode()
    lang, text = interface_text(html)
    assert lang == "en"
    assert html.count("<h1") == 1
    assert GERMAN_ONLY_NOTE in text
    text = without_content(text, content_strings())
    leftovers = [msgid for msgid in german_msgids() if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text)]
    assert leftovers == [], f"untranslated interface text on {url}"
    for word in GERMAN_INTERFACE_WORDS + GERMAN_FUNCTION_WORDS:
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), f"German „{word}“ on {url}: {text}"


def test_english_offer_detail_and_institution(client, offers, django_assert_max_num_queries):
    strings = content_strings()
    with translation.override("en"):
        urls = [offers[1].get_absolute_url(), offers[1].provider.get_absolute_url()]
    assert all(url.startswith("/en/") for url in urls)
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200
        lang, text = interface_text(response.content.decode())
        assert lang == "en"
        text = without_content(text, strings)
        for word in GERMAN_INTERFACE_WORDS + GERMAN_FUNCTION_WORDS:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), f"German „{word}“ on {url}: {text}"


def test_language_switch_and_alternates(client, offers):
    german = client.get("/angebote/?art=labor").content.decode()
    english = client.get("/en/angebote/?art=labor").content.decode()
    assert '<html lang="de">' in german and '<html lang="en">' in english
    # a plain link to the same page (with the same filters) in the other language
    assert 'href="/en/angebote/?art=labor" hreflang="en" lang="en"' in german
    assert 'href="/angebote/?art=labor" hreflang="de" lang="de"' in english
    for html in (german, english):
        assert '<link rel="alternate" hreflang="de" href="http://testserver/angebote/">' in html
        assert '<link rel="alternate" hreflang="en" href="http://testserver/en/angebote/">' in html
        assert '<link rel="alternate" hreflang="x-default" href="http://testserver/angebote/">' in html
    assert '<link rel="canonical" href="http://testserver/en/angebote/">' in english
    assert GERMAN_ONLY_NOTE not in german
    # links inside an English page stay English
    assert 'href="/en/regionen/"' in english and 'href="/regionen/"' not in english.split("<main", 1)[1]


def test_language_follows_the_address_only(client, offers):
    """No cookie, session or Accept-Language decides: one address, one language."""
    assert '<html lang="de">' in client.get("/angebote/", headers={"accept-language": "en"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="de">' in client.get("/").content.decode()
    assert '<html lang="en">' in client.get("/en/").content.decode()


def test_outside_the_prefix_stays_german(client, offers):
    for url in ("/sitemap.xml", "/robots.txt", "/angebote/feed/", "/angebote/export.csv", "/api/v1/angebote/"):
        response = client.get(url, headers={"accept-language": "en"})
        assert response.status_code == 200, url
    api = client.get("/api/v1/angebote/", headers={"accept-language": "en"}).content.decode()
    assert "Labor/Testumgebung/Demonstrator" in api or "labor" in api
    assert client.get("/en/admin/").status_code == 404
    assert client.get("/en/api/v1/angebote/").status_code == 404
    assert client.get("/en/sitemap.xml").status_code == 404


@override_settings(PAGE_CACHE_TIMEOUT=600)
def test_page_cache_keeps_languages_apart(client, offers):
    for _round in range(2):  # the second round is served from the cache
        assert '<html lang="en">' in client.get("/en/regionen/").content.decode()
        assert '<html lang="de">' in client.get("/regionen/").content.decode()
        assert "Offers by region" in client.get("/en/regionen/").content.decode()
        assert "Angebote nach Region" in client.get("/regionen/").content.decode()
    english_etag = client.get("/en/regionen/").headers["ETag"]
    assert english_etag != client.get("/regionen/").headers["ETag"]


@pytest.mark.django_db
def test_german_pages_say_format_not_a_borrowed_translation(client):
    """Another app's German catalogue turns a bare "Format" into "Dateiformat"; ours uses its own context."""
    from tests.conftest import make_offer

    offer = make_offer()
    for url in ("/angebote/", offer.get_absolute_url(), "/angebote/vorschlagen/"):
        html = client.get(url).content.decode()
        assert "Dateiformat" not in html, url
        assert ">Format<" in html or "Format</legend>" in html or "Format</label>" in html, url


def test_english_search_alert_pages_reached_by_signed_links(client, offers):
    from alerts import links
    from alerts.models import SearchAlert

    alert = SearchAlert.objects.create(email="kmu@x.example", query="thema=robotik", language="en")
    with translation.override("en"):
        urls = [links.confirm_url(alert), links.manage_url(alert.email), links.unsubscribe_url(alert)]
    strings = content_strings()
    for url in urls:  # confirm, then manage, then unsubscribe (which deletes the alert)
        path = url.removeprefix("http://testserver")
        assert path.startswith("/en/")
        response = client.get(path)
        assert response.status_code == 200
        lang, text = interface_text(response.content.decode())
        assert lang == "en"
        text = without_content(text, strings)
        leftovers = [msgid for msgid in german_msgids() if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text)]
        assert leftovers == [], f"untranslated interface text on {path}"
        for word in GERMAN_INTERFACE_WORDS + GERMAN_FUNCTION_WORDS:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), f"German „{word}“ on {path}: {text}"


def test_made_up_addresses_do_not_fill_the_language_switch_memo(client):
    """The "is there an English page" answer is remembered for the site's own paths only: a visitor's long
    made-up addresses are answered (404, German, no English link) without being kept."""
    from allianz_portal.templatetags import language

    language._resolves_remembered.cache_clear()
    for number in range(3):
        response = client.get(f"/{'x' * 250}{number}/")
        html = response.content.decode()
        assert response.status_code == 404 and '<html lang="de">' in html
        assert 'hreflang="en"' not in html
    assert language._resolves_remembered.cache_info().currsize == 0
    assert 'hreflang="en" href="http://testserver/en/angebote/"' in client.get("/angebote/").content.decode()
    assert language._resolves_remembered.cache_info().currsize == 1
