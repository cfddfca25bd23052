import pytest

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    made = [make_offer(title=f"Angebot {n:02d}", topics=["Robotik" if n % 2 else "Cloud"]) for n in range(7)]
    make_offer(title="Entwurf", status="entwurf", published_at=None)
    return made


def test_offers_paginate_with_stable_ids(client, offers):
    first = client.get("/api/v1/angebote/", {"pro_seite": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and "seite=2" in first["next"]
    assert "CC BY 4.0" in first["licence"]
    last = client.get("/api/v1/angebote/", {"pro_seite": 3, "seite": 3}).json()
    ids = [item["id"] for item in first["results"] + last["results"]]
    assert len(set(ids)) == 4
    item = client.get(f"/api/v1/angebote/{ids[0]}/").json()
    assert item["id"] == ids[0] and item["offer_type"] == {"value": "beratung", "label": "Beratung"}


def test_offer_filters_match_the_website(client, offers):
    api = client.get("/api/v1/angebote/", {"thema": "robotik", "pro_seite": 200}).json()
    website = client.get("/angebote/", {"thema": "robotik"}).context["paginator"].object_list
    assert {item["id"] for item in api["results"]} == {offer.pk for offer in website}
    assert api["count"] == 3


def test_drafts_are_not_in_the_api(client, offers):
    from offers.models import Offer

    draft = Offer.objects.get(title="Entwurf")
    assert client.get(f"/api/v1/angebote/{draft.pk}/").status_code == 404
    assert "Entwurf" not in client.get("/api/v1/angebote/").content.decode()


def test_reference_resources(client):
    regions = client.get("/api/v1/regionen/", {"pro_seite": 200}).json()
    assert regions["count"] == 68
    lippe = next(region for region in regions["results"] if region["slug"] == "kreis-lippe")
    assert lippe["official_key"] == "05766" and lippe["parent"] == "regierungsbezirk-detmold"
    assert client.get("/api/v1/netzwerke/").json()["count"] >= 9
    assert client.get("/api/v1/institutionen/").status_code == 200


def test_bad_input_is_a_clear_400(client, offers):
    response = client.get("/api/v1/angebote/", {"art": "zauberei"})
    assert response.status_code == 400 and "Erlaubt" in response.json()["art"][0]
    assert client.get("/api/v1/angebote/", {"seite": "abc"}).status_code == 400
    assert client.get("/api/v1/angebote/", {"thema": "gibt-es-nicht"}).status_code == 200  # ignored, as on the site
    assert client.get("/api/v1/angebote/abc/").status_code == 404


def test_api_sets_no_cookie(client, offers):
    response = client.get("/api/v1/angebote/")
    assert not response.cookies


def test_dcat_catalogue_describes_the_dataset_and_its_licence(client, offers):
    response = client.get("/api/v1/katalog.jsonld")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    data = response.json()
    assert data["@type"] == "dcat:Catalog"
    dataset = data["dcat:dataset"]
    assert dataset["dct:license"]["@id"].endswith("cc-by/4.0")
    urls = {item["dcat:accessURL"]["@id"] for item in dataset["dcat:distribution"]}
    assert "http://testserver/angebote/export.csv" in urls and "http://testserver/api/v1/openapi.json" in urls
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200
