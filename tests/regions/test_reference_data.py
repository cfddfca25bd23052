import csv

import pytest
from django.conf import settings
from django.core.management import call_command

from allianz_portal.loading import Loader
from partners.models import BoardMember, Institution
from regions.models import Municipality, PostalCode, Region, RegionalNetwork

pytestmark = pytest.mark.django_db

KREISE_CSV = settings.BASE_DIR / "fixtures" / "reference" / "nrw-kreise.csv"


def test_administrative_hierarchy_is_exact():
    assert Region.objects.filter(kind="land").count() == 1
    assert Region.objects.regierungsbezirke().count() == 5
    assert Region.objects.kreise().count() == 53
    assert Region.objects.filter(kind="kreis").count() == 31
    assert Region.objects.filter(kind="kreisfreie-stadt").count() == 22

    nrw = Region.objects.get(kind="land")
    assert (nrw.official_key, nrw.slug, nrw.parent) == ("05", "nrw", None)
    bezirke = {r.official_key: r.name for r in Region.objects.regierungsbezirke()}
    assert bezirke == {
        "051": "Regierungsbezirk Düsseldorf",
        "053": "Regierungsbezirk Köln",
        "055": "Regierungsbezirk Münster",
        "057": "Regierungsbezirk Detmold",
        "059": "Regierungsbezirk Arnsberg",
    }


def test_every_kreis_has_its_official_key_and_bezirk():
    with open(KREISE_CSV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 53
    for row in rows:
        kreis = Region.objects.select_related("parent").get(official_key=row["ags"])
        assert kreis.parent.official_key == row["regierungsbezirk_code"]
        assert row["name"] in kreis.name
    guetersloh = Region.objects.get(slug="kreis-guetersloh")
    assert (guetersloh.official_key, guetersloh.name, guetersloh.parent.slug) == (
        "05754",
        "Kreis Gütersloh",
        "regierungsbezirk-detmold",
    )
    assert Region.objects.get(official_key="05334").name == "Städteregion Aachen"
    assert Region.objects.get(official_key="05111").kind == "kreisfreie-stadt"


def test_cooperation_regions_overlap_and_group_kreise():
    cooperation = Region.objects.cooperation_regions()
    assert cooperation.count() == 9
    owl = Region.objects.get(slug="ostwestfalen-lippe")
    assert set(owl.members.values_list("official_key", flat=True)) == {
        "05711", "05754", "05758", "05762", "05766", "05770", "05774"
    }  # fmt: skip
    wesel = Region.objects.get(slug="kreis-wesel")
    assert set(wesel.cooperation_regions.values_list("slug", flat=True)) == {"ruhr", "niederrhein"}
    assert all(region.official_key == "" and region.parent is None for region in cooperation)


def test_municipalities_and_postcodes():
    assert Municipality.objects.count() == 396
    assert PostalCode.objects.values("code").distinct().count() == 865
    assert not Municipality.objects.exclude(kreis__kind__in=["kreis", "kreisfreie-stadt"]).exists()


def test_board_and_institutions():
    assert BoardMember.objects.count() == 13
    assert BoardMember.objects.current().count() == 13
    groups = dict.fromkeys(BoardMember.Group.values, 0)
    for member in BoardMember.objects.all():
        groups[member.group] += 1
    assert groups == {"landesregierung": 4, "gewerkschaften": 3, "wirtschaft": 3, "wissenschaft": 3}
    assert BoardMember.objects.filter(last_name="Jeschke", title__contains="Prof").exists()
    assert Institution.objects.filter(is_alliance_partner=True).count() >= 13
    assert not Institution.objects.filter(is_demo=True).exists()


def test_networks_with_transfer_profiles_and_coverage():
    assert RegionalNetwork.objects.count() >= 9
    its_owl = RegionalNetwork.objects.get(slug="its-owl")
    assert its_owl.kind == "spitzencluster"
    assert list(its_owl.regions.values_list("slug", flat=True)) == ["ostwestfalen-lippe"]
    assert its_owl.has_transfer_profile
    assert its_owl.formats.filter(name__icontains="Transfergutschein").exists()
    for network in RegionalNetwork.objects.all():
        assert network.regions.exists(), network
        assert network.description


def test_second_load_changes_nothing():
    def snapshot():
        return {
            model.__name__: sorted(
                model.objects.values_list("pk", "updated_at" if hasattr(model, "updated_at") else "pk")
            )
            for model in (Region, Municipality, PostalCode, Institution, BoardMember, RegionalNetwork)
        }

    before = snapshot()
    loader = Loader()
    loader.load_reference()
    assert loader.changes == 0, loader.summary()
    assert snapshot() == before


def test_load_restores_a_changed_record_and_recreates_a_missing_one():
    Region.objects.filter(slug="kreis-lippe").update(name="Falscher Name")
    Municipality.objects.filter(name="Verl").delete()
    loader = Loader()
    loader.load_reference()
    assert Region.objects.get(slug="kreis-lippe").name == "Kreis Lippe"
    assert Municipality.objects.filter(name="Verl", postal_codes__code="33415").exists()
    assert loader.changes >= 2


def test_reference_command_never_loads_demo_data():
    from offers.models import Offer

    call_command("load_reference_data", verbosity=0)
    assert not Offer.objects.exists()
