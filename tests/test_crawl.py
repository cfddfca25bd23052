"""A crawler follows every internal link from the home page (demo data loaded) and finds no broken page,
no cookie on any public page, no missing security header and no external link without rel="noopener"."""

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


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (tag, attrs)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"a", "link"} and attrs.get("href") is not None:
            self.links.append((tag, attrs))


def parse_links(html):
    parser = Links()
    parser.feed(html)
    return parser.links


@pytest.fixture
def demo(client):
    call_command("load_demo_data", verbosity=0, stdout=io.StringIO())
    return client


def crawl(client):
    queue, seen, pages = deque(["/"]), {"/"}, {}
    variants = Counter()
    problems = []
    while queue:
        url = queue.popleft()
        response = client.get(url)
        pages[url] = response
        if response.status_code != 200:
            problems.append(f"{url} answered {response.status_code}")
            continue
        if "text/html" not in response["Content-Type"]:
            continue
        for tag, attrs in parse_links(response.content.decode()):
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
            queue.append(local)
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
