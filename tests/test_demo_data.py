"""The demo data: realistic, flagged, varied enough to show every feature, and loaded idempotently."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from allianz_portal.loading import Loader
from offers.models import Offer, Topic
from partners.models import Institution
from regions import coverage
from regions.models import Region
from tests.conftest import rows_for_the_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module (≈ 7 s a load); what a test removes, the next gets back."""
    with rows_for_the_module(django_db_blocker):
        call_command("load_demo_data", verbosity=0)
        yield


@pytest.fixture
def demo(demo_loaded, db):
    return Offer.objects.all()


def test_demo_offers_are_many_varied_and_flagged(demo):
    assert demo.count() >= 80
    assert not demo.filter(is_demo=False).exists()
    assert set(demo.values_list("offer_type", flat=True)) == set(Offer.OfferType.values)
    assert Topic.objects.filter(tagged_offers__content_object__in=demo).distinct().count() >= 30
    assert demo.filter(coverage__slug="nrw").exists()
    assert demo.filter(funded_by__isnull=False).exists()
    assert not demo.filter(funded_by__isnull=False).exclude(funded_by__offer_type="foerderung").exists()
    assert all(len(offer.summary) <= 300 for offer in demo)
    assert all("@example." in offer.contact_email for offer in demo if offer.contact_email)


def test_demo_offers_cover_every_bezirk_and_many_kreise(demo):
    covered = coverage.covered_kreis_ids(set(Offer.coverage.through.objects.values_list("region_id", flat=True)))
    assert Region.objects.regierungsbezirke().filter(children__in=covered).distinct().count() == 5
    direct_kreise = Region.objects.kreise().filter(offers__in=demo).distinct()
    assert direct_kreise.count() >= 25


def test_demo_has_past_and_future_events(demo):
    today = timezone.localdate()
    events = demo.filter(offer_type="veranstaltung", start_date__isnull=False)
    assert events.filter(start_date__lt=today).exists()
    assert events.filter(start_date__gt=today).exists()
    assert demo.public().current().count() < demo.public().count()  # ended ones exist


def test_demo_load_is_idempotent_and_refreshes_relative_dates(demo):
    # One history entry per offer, with its final relations (not one per save and relation)
    assert set(Offer.history.values_list("history_type", flat=True)) == {"+"}
    assert Offer.history.count() == demo.count()
    funded = demo.filter(funded_by__isnull=False).first()
    entry = funded.history.get()
    assert set(entry.funded_by.values_list("to_offer_id", flat=True)) == set(
        funded.funded_by.values_list("pk", flat=True)
    )
    assert set(entry.coverage.values_list("region_id", flat=True)) == set(funded.coverage.values_list("pk", flat=True))
    assert entry.topic_names == funded.topic_names != ""
    loader = Loader()
    loader.load_demo()
    assert loader.changes == 0, loader.summary()
    assert Offer.history.count() == demo.count()
    later = Loader()
    later.load_demo(today=timezone.localdate() + datetime.timedelta(days=7))
    assert later.changes > 0  # relative dates move with the day of loading
    changed = Offer.history.filter(history_type="~")
    assert changed.exists() and changed.count() == len(set(changed.values_list("id", flat=True)))  # one per offer


def test_demo_institutions_are_flagged_and_removable(demo):
    assert Institution.objects.filter(is_demo=True).exists()
    call_command("remove_demo_data", verbosity=0)
    assert not Offer.objects.exists()
    assert not Institution.objects.filter(is_demo=True).exists()
    assert Institution.objects.filter(is_alliance_partner=True).count() >= 13  # reference data stays


def test_demo_pages_render(client, demo):
    assert "Beispieldaten" in client.get("/").content.decode()
    for offer in demo.public()[:20]:
        assert client.get(offer.get_absolute_url()).status_code == 200


def test_demo_practice_examples_are_flagged_linked_and_removable(client, demo):
    from practice.models import PracticeExample

    examples = PracticeExample.objects.public()
    assert examples.count() >= 12
    assert not PracticeExample.objects.filter(is_demo=False).exists()
    assert examples.filter(offers__isnull=False).distinct().count() >= 10
    assert examples.filter(funding__offer_type="foerderung").distinct().count() >= 6
    assert examples.filter(company_name="").count() >= 6  # most are anonymised
    assert len(set(examples.values_list("kreis", flat=True))) >= 10
    html = client.get("/praxisbeispiele/").content.decode()
    assert html.count('<h3 class="kern-heading-small">') == 12
    call_command("remove_demo_data", verbosity=0)
    assert not PracticeExample.objects.exists()


def test_demo_funding_and_paid_offers_carry_their_facts(demo):
    funding = demo.filter(offer_type="foerderung")
    assert funding.filter(max_amount__isnull=False).count() >= 0.8 * funding.count()
    assert funding.filter(rate_small__isnull=False).count() >= 8
    paid = demo.filter(cost="kostenpflichtig")
    assert paid.filter(price_from__isnull=False).count() >= 0.8 * paid.count()
    assert demo.filter(for_micro=True, for_medium=False).exists()
