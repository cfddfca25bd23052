import contextlib
import datetime
import itertools

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from offers.models import Offer, record_offer_history
from partners.models import Institution
from regions.models import Region

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real reference data (regions, municipalities, board, …)."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache(monkeypatch):
    from django.core.cache import cache

    from allianz_portal import freshness
    from search import engine

    # A rebuild of the facet index runs in the request, not in a thread that cannot see the test's transaction.
    monkeypatch.setattr("finder.index.BUILD_IN_BACKGROUND", False)
    cache.clear()
    freshness.forget()  # process-local memos (facet index, search postings) go with the cache
    engine.forget()
    yield
    cache.clear()
    freshness.forget()
    engine.forget()


def region(slug):
    return Region.objects.get(slug=slug)


def make_institution(**kwargs):
    number = next(_counter)
    defaults = {"name": f"Testinstitut {number}", "slug": f"testinstitut-{number}", "kind": "forschung"}
    defaults.update(kwargs)
    return Institution.objects.create(**defaults)


def make_offer(coverage=("nrw",), topics=(), target_groups=("kmu",), **kwargs):
    """A published, public offer with sensible defaults; override anything."""
    number = next(_counter)
    defaults = {
        "title": f"Testangebot {number}",
        "slug": f"testangebot-{number}",
        "summary": "Kurzbeschreibung eines Testangebots.",
        "description": "Beschreibung mit **Markdown**.",
        "offer_type": Offer.OfferType.CONSULTING,
        "cost": Offer.Cost.FREE,
        "format": Offer.Format.ON_SITE,
        "status": Offer.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    defaults.update(kwargs)
    if "provider" not in defaults:
        defaults["provider"] = make_institution()
    offer = Offer(**defaults)
    offer.skip_history_when_saving = True  # one history entry with the relations, as an admin save writes
    offer.save()
    offer.coverage.set([region(slug) if isinstance(slug, str) else slug for slug in coverage])
    if topics:
        offer.topics.set(list(topics))
    if target_groups:
        from offers.models import TargetGroup

        offer.target_groups.set(TargetGroup.objects.filter(slug__in=target_groups))
    del offer.skip_history_when_saving
    record_offer_history(offer, "+")
    return offer


@pytest.fixture
def reseeded(transactional_db):
    """For `transaction=True` tests: the flush ending an earlier such test empties the database, so the
    rows of the data migrations and the reference data are loaded again."""
    from tests.browser.conftest import _reseed_migration_data

    _reseed_migration_data()
    call_command("load_reference_data", verbosity=0)


@contextlib.contextmanager
def rows_for_the_module(django_db_blocker):
    """For a module-scoped fixture: what it creates inside stays for the module's tests, in a transaction
    rolled back after the last of them. Each test runs in a savepoint inside it, so what one test changes,
    the next gets back; objects handed to tests must be read anew per test (a function-scoped fixture).
    Make the fixture `autouse` unless every test of the module uses it: once made, the rows are there for
    every later test of the module. Not for modules with `transaction=True` or live-server tests: their
    flush would run inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
