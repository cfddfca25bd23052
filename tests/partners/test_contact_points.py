"""Anlaufstellen in the institution admin: e-mail, flag and regions in their own fieldset, checked on save."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.models import Institution
from tests.conftest import make_institution, region

pytestmark = pytest.mark.django_db

ADD = reverse("admin:partners_institution_add")


def form_data(**overrides):
    data = {
        "name": "Regionalagentur Ostwestfalen-Lippe",
        "short_name": "",
        "slug": "regionalagentur-owl",
        "kind": "netzwerk",
        "website": "",
        "seat": "",
        "description": "",
        "email": "bedarf@regionalagentur-owl.example",
        "is_contact_point": "on",
        "contact_regions": [region("kreis-lippe").pk],
    }
    data.update(overrides)
    return data


def test_the_change_page_groups_the_contact_point_fields(admin_client):
    html = admin_client.get(ADD).content.decode()
    assert "Anlaufstelle für Transferbedarfe" in html
    for name in ("email", "is_contact_point", "contact_regions"):
        assert f'name="{name}"' in html


def test_a_contact_point_is_saved_with_its_regions(admin_client):
    response = admin_client.post(ADD, form_data())
    assert response.status_code == 302
    saved = Institution.objects.get(slug="regionalagentur-owl")
    assert saved.is_contact_point and saved.email == "bedarf@regionalagentur-owl.example"
    assert list(saved.contact_regions.values_list("slug", flat=True)) == ["kreis-lippe"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": ""}, "Eine Anlaufstelle braucht eine E-Mail-Adresse"),
        ({"contact_regions": []}, "Bitte wählen Sie mindestens eine Region"),
    ],
)
def test_a_contact_point_needs_an_address_and_a_region(admin_client, overrides, message):
    response = admin_client.post(ADD, form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Institution.objects.filter(slug="regionalagentur-owl").exists()


def test_other_institutions_need_neither(admin_client):
    response = admin_client.post(ADD, form_data(is_contact_point="", email="", contact_regions=[]))
    assert response.status_code == 302
    assert Institution.objects.filter(slug="regionalagentur-owl", is_contact_point=False).exists()


def test_the_model_refuses_a_contact_point_without_an_address():
    with pytest.raises(ValidationError) as error:
        Institution(name="X", slug="x", kind="kammer", is_contact_point=True).clean()
    assert "email" in error.value.message_dict


def test_the_list_filters_contact_points(admin_client):
    make_institution(name="Kammer Anlaufstelle", is_contact_point=True, email="a@kammer.example")
    make_institution(name="Institut ohne Bedarfe")
    html = admin_client.get(reverse("admin:partners_institution_changelist") + "?is_contact_point__exact=1").content
    html = html.decode()
    assert "Kammer Anlaufstelle" in html and "Institut ohne Bedarfe" not in html
