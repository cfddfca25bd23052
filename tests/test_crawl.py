"""A crawler follows every internal link from the home page (demo data loaded) and finds no broken page,
no page with an empty <h1> or <title>, no link whose filters the list ignores ("gibt es nicht"), no cookie on
any public page, no missing security header and no external link without rel="noopener"."""

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

MAX_PAGES = 900  # the demo site has ~400 distinct pages; a runaway link generator would show up here
QUERY_VARIANTS_PER_PATH = 4  # filter links combine endlessly: a few variants of each path are enough
SKIP_PREFIXES = ("/admin/",)


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # as Chromium sends it
# The list's notices for a filter value or page it ignored, German and English (finder/filters.py, views.py).
IGNORED = re.compile(r"wurde ignoriert|Diese Seite gibt es nicht|was ignored|This page does not exist")


class Links(HTMLParser):
    """The links of a page, and the text of its <title> (not an SVG's) and of each <h1>."""

    def __init__(self):
        super().__init__()
        self.links = []  # (tag, attrs)
        self.title, self.h1s, self._in, self._svg = None, [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"a", "link"} and attrs.get("href") is not None:
            self.links.append((tag, attrs))
        if tag == "svg":
            self._svg += 1
        elif tag == "title" and not self._svg and self.title is None:
            self.title, self._in = "", "title"
        elif tag == "h1":
            self.h1s.append("")
            self._in = "h1"

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        elif tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1s[-1] += data


def parse_links(html):
    parser = Links()
    parser.feed(html)
    return parser.links


def parse_page(html):
    parser = Links()
    parser.feed(html)
    return parser


@pytest.fixture
def demo(client):
    call_command("load_demo_data", verbosity=0, stdout=io.StringIO())
    return client


def content_problems(url, referrer, html, page=None):
    """What a visitor would stumble over: a blank title or heading, a link whose address the page ignores."""
    page = page or parse_page(html)
    problems = []
    title = " ".join((page.title or "").split()).removesuffix("Transferportal NRW").strip(" –")
    if not title:
        problems.append(f"{url}: empty <title>")
    if not page.h1s or not all(h1.strip() for h1 in page.h1s):
        problems.append(f"{url}: empty or missing <h1>")
    if IGNORED.search(html):
        problems.append(f"{url} (linked from {referrer}): the page ignores part of its address")
    return problems


def crawl(client):
    queue, seen, pages = deque([("/", None)]), {"/"}, {}
    variants = Counter()
    problems = []
    while queue:
        url, referrer = queue.popleft()
        response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        pages[url] = response
        if response.status_code != 200:
            problems.append(f"{url} (linked from {referrer}) answered {response.status_code}")
            continue
        if "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        page = parse_page(html)
        problems.extend(content_problems(url, referrer, html, page))
        for tag, attrs in page.links:
            href = attrs["href"]
            target = urlsplit(urljoin("http://testserver" + url, href))
            if target.scheme in {"mailto", "tel"}:
                continue
            if target.scheme not in {"http", "https"}:
                problems.append(f"{url}: link with scheme {target.scheme!r}: {href}")
                continue
            if target.netloc != "testserver":
                if tag == "a" and "noopener" not in attrs.get("rel", "").split():
                    problems.append(f'{url}: external link without rel="noopener": {href}')
                continue
            if target.path.startswith("/static/"):
                if finders.find(target.path.removeprefix("/static/")) is None:
                    problems.append(f"{url}: missing static file {target.path}")
                continue
            if target.path.startswith(SKIP_PREFIXES):
                continue
            local = target.path + (f"?{target.query}" if target.query else "")
            if local in seen:
                continue
            if target.query:
                variants[target.path] += 1
                if variants[target.path] > QUERY_VARIANTS_PER_PATH:
                    continue
            seen.add(local)
            if len(seen) > MAX_PAGES:
                raise AssertionError(f"more than {MAX_PAGES} pages: is a page generating endless links?")
            queue.append((local, url))
    return pages, problems


def test_every_internal_link_works_and_public_pages_set_no_cookie(demo):
    pages, problems = crawl(demo)
    assert problems == [], "\n".join(problems[:50])

    paths = {urlsplit(url).path for url in pages}
    # the crawl really went everywhere: every section and its detail pages
    for prefix in ("/angebote/", "/regionen/", "/netzwerke/", "/partner/", "/allianz/", "/impressum/"):
        assert any(path.startswith(prefix) and path != prefix for path in paths) or prefix in paths, prefix
    assert sum(path.startswith("/angebote/") for path in paths) > 50
    assert any("?" in url for url in pages)  # filter links were followed too

    cookies, unprotected = [], []
    for url, response in pages.items():
        if response.cookies:
            posts_a_form = re.search(r"<form[^>]*method=\"post\"", response.content.decode(), re.IGNORECASE)
            # A page with a POST form needs the CSRF cookie, and nothing else; every other page sets none.
            if not (posts_a_form and set(response.cookies) == {"csrftoken"}):
                cookies.append(f"{url}: {sorted(response.cookies)}")
        if "default-src 'self'" not in response.get("Content-Security-Policy", ""):
            unprotected.append(url)
    assert cookies == []
    assert unprotected == []
    print(f"crawled {len(pages)} pages")


@pytest.mark.parametrize(
    "path", ["/angebote/?thema=digitalisierung", "/en/angebote/?art=unbekannt", "/angebote/?seite=99"]
)
def test_the_crawler_flags_links_the_page_ignores(client, path):
    html = client.get(path).content.decode()
    assert content_problems(path, "/allianz/empfehlungen/", html) == [
        f"{path} (linked from /allianz/empfehlungen/): the page ignores part of its address"
    ]


def test_the_crawler_flags_blank_title_and_heading():
    blank = "<html><head><title> – Transferportal NRW</title></head><body><svg><title>Karte</title></svg><h1>\n</h1>"
    assert content_problems("/netzwerke/its-owl/", "/", blank) == [
        "/netzwerke/its-owl/: empty <title>",
        "/netzwerke/its-owl/: empty or missing <h1>",
    ]
    whole = "<title>it's OWL – Transferportal NRW</title><h1>it's OWL</h1>"
    assert content_problems("/netzwerke/its-owl/", "/", whole) == []
