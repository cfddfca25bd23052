import pytest
from django.db.models import Count

from offers.models import Offer
from regions.models import Municipality, PostalCode, Region
from tests.conftest import make_offer, region

pytestmark = pytest.mark.django_db


def covering(slug):
    return set(Offer.objects.covering(region(slug)))


def test_nrw_wide_offer_counts_for_every_kreis():
    offer = make_offer(coverage=["nrw"])
    assert offer in covering("kreis-lippe")
    assert offer in covering("regierungsbezirk-koeln")
    assert offer in covering("ruhr")


def test_kreis_offer_counts_only_for_its_kreis():
    offer = make_offer(coverage=["kreis-lippe"])
    assert offer in covering("kreis-lippe")
    assert offer not in covering("kreis-soest")
    assert offer not in covering("regierungsbezirk-detmold")  # covers one Kreis, not the whole Bezirk


def test_cooperation_region_offer_counts_for_its_kreise():
    offer = make_offer(coverage=["ostwestfalen-lippe"])
    assert offer in covering("kreis-hoexter")
    assert offer in covering("bielefeld")
    assert offer in covering("regierungsbezirk-detmold")  # OWL and Detmold span the same Kreise
    assert offer not in covering("kreis-soest")


def test_bezirk_offer_counts_for_its_kreise_and_contained_regions():
    offer = make_offer(coverage=["regierungsbezirk-arnsberg"])
    assert offer in covering("kreis-soest")
    assert offer in covering("suedwestfalen")  # all Südwestfalen Kreise lie in Arnsberg
    assert offer not in covering("ruhr")  # Ruhr reaches into other Bezirke
    assert offer not in covering("kreis-lippe")


def test_overlapping_cooperation_regions():
    offer = make_offer(coverage=["niederrhein"])
    assert offer in covering("kreis-wesel")
    assert offer not in covering("dortmund")


def test_region_changes_drop_the_cached_containment():
    offer = make_offer(coverage=["ostwestfalen-lippe"])
    assert offer not in covering("kreis-soest")
    region("ostwestfalen-lippe").members.add(region("kreis-soest"))
    assert offer in covering("kreis-soest")


@pytest.mark.parametrize("text", ["33415", "Verl", "verl", " Verl "])
def test_postcode_and_town_resolve_to_kreis_guetersloh(text):
    matches = list(Municipality.objects.matching(text).select_related("kreis"))
    assert [m.name for m in matches] == ["Verl"]
    assert matches[0].kreis == Region.objects.get(official_key="05754")


def test_ambiguous_postcode_offers_every_municipality():
    code = (
        PostalCode.objects.values("code")
        .annotate(n=Count("municipality"))
        .filter(n__gt=1)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    assert code is not None
    assert Municipality.objects.matching(code).count() > 1


def test_unknown_or_garbage_place_matches_nothing():
    for text in ["", "99999", "Atlantis", "'; DROP TABLE", "\x00", "x" * 10_000]:
        assert list(Municipality.objects.matching(text)) == []
