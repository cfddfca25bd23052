"""Page weight: what a visitor downloads for the list page and for a first visit."""

import gzip
import posixpath
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from fontTools.ttLib import TTFont

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

KB = 1024
TOPICS = ["Robotik", "Künstliche Intelligenz", "Wasserstoff", "Digitalisierung", "Fachkräftesicherung", "Logistik"]


def test_list_page_with_20_results_is_at_most_15_kb_gzipped(client):
    for number in range(25):
        make_offer(
            title=f"Beratung Digitalisierung im Handwerk {number}",
            summary="Wir begleiten Ihr Unternehmen von der ersten Idee bis zur Umsetzung im Betrieb. " * 2,
            topics=TOPICS[number % 5 : number % 5 + 2],
            coverage=["kreis-lippe"] if number % 2 else ["nrw"],
        )
    response = client.get("/angebote/")
    html = response.content
    assert html.count(b'class="offer-card"') == 20
    assert len(gzip.compress(html, 6)) <= 15 * KB


def first_visit(html):
    """{url: bytes on the wire} for the page and everything its <head> makes a browser load on a first visit."""
    head = html.split("</head>")[0]
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"(?![^>]*media="print")', head)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html)
    sizes = {"page": len(gzip.compress(html.encode(), 6))}
    stylesheets = {}
    for url in assets:
        assert url.startswith("/static/"), f"third-party or absolute asset: {url}"
        name = url.removeprefix("/static/")
        path = finders.find(name)
        content = Path(path).read_bytes()
        sizes[url] = len(gzip.compress(content, 9))  # whitenoise serves the precompressed file
        if name.endswith(".css"):
            stylesheets[name] = content.decode("utf-8", "replace")
    sizes.update(font_files(stylesheets))
    return sizes


def font_files(stylesheets):
    """The woff2 files a browser fetches: per weight used in the CSS, the nearest declared normal face.

    stylesheets: {static path: CSS text}; font URLs are resolved relative to the stylesheet declaring them.
    A declared face whose file the static finders cannot find fails the test instead of weighing nothing.
    """
    faces = {}
    for css_name, css in stylesheets.items():
        for block in re.findall(r"@font-face\s*{([^}]*)}", css):
            if "italic" in block:
                continue
            weight = int(re.search(r"font-weight:\s*(\d+)", block).group(1))
            url = re.search(r'url\("?([^")]+\.woff2)"?\)', block).group(1)
            faces[weight] = posixpath.normpath(posixpath.join(posixpath.dirname(css_name), url))
    css = "".join(stylesheets.values())
    used = {int(value) for value in re.findall(r"font-weight:\s*(?:var\([^,]+,\s*)?(\d00)", css)} | {400}
    files = {}
    for weight in used:
        if not faces:
            break
        nearest = min(faces, key=lambda declared: (abs(declared - weight), declared < weight))
        name = faces[nearest]
        path = finders.find(name)
        assert path, f"declared font {name} not found by the static finders (make setup runs bin/subset-fonts)"
        files[name] = Path(path).stat().st_size  # woff2 is compressed already
    return files


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_first_visit_without_fonts_stays_small_and_first_party(client):
    sizes = first_visit(client.get("/").content.decode())
    without_fonts = sum(size for name, size in sizes.items() if not name.endswith(".woff2"))
    assert without_fonts <= 60 * KB, sizes


def test_first_visit_is_at_most_300_kb(client):
    sizes = first_visit(client.get("/").content.decode())
    assert [name for name in sizes if name.endswith(".woff2")], f"no font in the first visit: {sizes}"
    assert sum(sizes.values()) <= 300 * KB, sizes


GERMAN = "äöüÄÖÜß„“–€"


@pytest.mark.parametrize("name", ["fonts/fira-sans-latin-400.woff2", "fonts/fira-sans-latin-600.woff2"])
def test_font_subsets_cover_german_text_and_stay_small(name):
    path = finders.find(name)
    assert path, f"{name} missing: make setup runs bin/subset-fonts"
    assert Path(path).stat().st_size <= 60 * KB
    cmap = TTFont(path).getBestCmap()
    assert [char for char in GERMAN if ord(char) not in cmap] == []
    # fonts.css sends these characters to the subset too (its unicode-range).
    css = Path(finders.find("css/fonts.css")).read_text()
    block = next(block for block in re.findall(r"@font-face\s*{([^}]*)}", css) if name.rsplit("/", 1)[1] in block)
    ranges = re.search(r"unicode-range:([^;]+);", block).group(1)
    covered = set()
    for first, last in re.findall(r"U\+([0-9A-F]+)(?:-([0-9A-F]+))?", ranges):
        covered.update(range(int(first, 16), int(last or first, 16) + 1))
    assert [char for char in GERMAN if ord(char) not in covered] == []
