"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's browser build is never downloaded (`playwright install` cannot reach its CDN); the Python
package talks to /usr/bin/chromium (`apt-get install chromium`). Without it the tests skip on a developer
machine and fail in CI (CI=true), so a green CI always means the journeys really ran.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

# pytest-django's live_server plus Playwright's sync API (which runs an event loop in this thread) trips
# Django's async-safety check; the ORM calls in these tests are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 360, "height": 780}}
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _missing(what):
    message = f"{what} – browser tests cannot run. Install it: apt-get install -y chromium (see .ci/run)."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        _missing(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("The Python package playwright is not installed")
    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (user-data dir) and removes it afterwards.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def viewport(request):
    return WIDTHS[request.param]


@pytest.fixture
def page(browser, viewport, live_server):
    """A fresh tab (own cookies, storage) at the test's width; fails the test on any JavaScript error
    or Content Security Policy violation the page reports."""
    context = browser.new_context(viewport=viewport, locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()
    assert problems == [], problems


@pytest.fixture
def site(live_server):
    """The reference data (regions, postcodes, pages, …): a live-server test runs in a transaction-less
    database that is emptied after each test, so it is loaded again for each one."""
    _reseed_migration_data()
    call_command("load_reference_data", verbosity=0)
    return live_server


# Rows that data migrations create. serialized_rollback restores them after the flush that ends every
# live-server test, but not in every suite order (seen after tests/performance); seed them again if gone.
MIGRATION_SEEDS = [
    ("offers.migrations.0003_vocabularies", "seed"),
    ("offers.migrations.0007_review_due_and_roles", "create_roles"),
    ("allianz_portal.migrations.0001_data_version", "create_row"),
]


def _reseed_migration_data():
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from offers.models import TargetGroup

    if TargetGroup.objects.exists():
        return
    for module, function in MIGRATION_SEEDS:
        try:
            seed = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            continue  # a squashed or renamed migration: nothing to re-run
        seed(apps, SimpleNamespace(connection=connection))  # stands in for the schema editor


@pytest.fixture
def demo_site(site):
    call_command("load_demo_data", verbosity=0, stdout=io.StringIO())
    return site


# WCAG 2.1 A/AA plus axe's best practices: empty headings, heading order, landmarks (one main, all content
# inside landmarks, unique landmarks), which the WCAG tags alone let pass (a blank <h1> passed them).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def run_axe(page, best_practice_exclude=()):
    """axe-core's WCAG 2.1 A/AA and best-practice rules on the current page; returns the violations.

    Injected as an init script: Playwright's add_script_tag would add an inline <script>, which the
    site's Content Security Policy (rightly) blocks, and the axe run must see the page under that policy.
    `best_practice_exclude`: CSS selectors of third-party widgets (Swagger UI) whose own landmarks and
    heading levels are left out of the best-practice rules; the WCAG rules still check them.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async ([wcag, exclude]) => {
            const report = r => r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
            const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
            const strict = await axe.run(document, {runOnly: {type: "tag", values: wcag}});
            const good = await axe.run(context, {runOnly: {type: "tag", values: ["best-practice"]}});
            return [...report(strict), ...report(good)];
        }""",
        [WCAG_TAGS, list(best_practice_exclude)],
    )
