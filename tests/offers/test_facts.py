"""Funding and cost facts on offers (amount, rates by EU size class, own contribution, duration, price, sizes):
validated, shown on the detail page, list cards and compare, and carried by the API, exports and import."""

import csv
import io
import json

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from offers.models import Offer
from offers.resources import OfferResource
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db


def funding(**kwargs):
    values = {
        "title": "Transfergutschein Test",
        "offer_type": Offer.OfferType.FUNDING,
        "cost": Offer.Cost.SUBSIDISED,
        "max_amount": 15000,
        "rate_micro": 80,
        "rate_small": 60,
        "rate_medium": 50,
        "own_contribution": "20 bis 50 % der Kosten",
        "duration": "bis zu 6 Monate",
        "for_micro": True,
        "for_small": True,
    }
    values.update(kwargs)
    return make_offer(**values)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rate_small", 101, "zwischen 0 und 100"),
        ("max_amount", 0, "größer als 0"),
        ("price_from", 0, "größer als 0"),
    ],
)
def test_clean_rejects_bad_facts_in_german(field, value, message):
    offer = funding()
    setattr(offer, field, value)
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert message in " ".join(error.value.message_dict[field])


@pytest.mark.parametrize(("field", "value"), [("rate_micro", 120), ("max_amount", 0), ("price_from", 0)])
def test_database_refuses_bad_facts(field, value):
    offer = funding()
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(**{field: value})


def test_key_figure():
    assert funding().key_figure == "bis 15.000 € · 50–80 % Zuschuss"
    assert funding(rate_micro=50, rate_small=50, rate_medium=None).key_figure == "bis 15.000 € · 50 % Zuschuss"
    assert make_offer(cost="kostenpflichtig", price_from=450).key_figure == "ab 450 €"
    assert make_offer().key_figure == ""


def test_detail_page_shows_the_facts_at_a_glance(client):
    offer = funding()
    html = client.get(offer.get_absolute_url()).content.decode()
    glance = html.split("Auf einen Blick")[1].split("</dl>")[0]
    for text in [
        "Förderung bis",
        "15.000 €",
        "Kleinstunternehmen: 80 %, Kleines Unternehmen: 60 %, Mittleres Unternehmen: 50 %",
        "20 bis 50 % der Kosten",
        "bis zu 6 Monate",
        "Kleinstunternehmen, Kleines Unternehmen",
    ]:
        assert text in glance


def test_english_detail_page_translates_the_labels(client):
    offer = funding()
    html = client.get("/en" + offer.get_absolute_url()).content.decode()
    assert "Funding up to" in html and "Micro enterprise: 80 %" in html


def test_list_card_shows_one_key_figure(client):
    funding()
    make_offer(title="Seminar Lean", cost="kostenpflichtig", price_from=890)
    html = client.get("/angebote/").content.decode()
    assert '<strong class="offer-card__figure">bis 15.000 € · 50–80 % Zuschuss</strong>' in html
    assert '<strong class="offer-card__figure">ab 890 €</strong>' in html


def test_compare_shows_the_facts_side_by_side(client):
    first = funding()
    second = make_offer(title="Seminar Lean", cost="kostenpflichtig", price_from=890, duration="2 Tage")
    html = client.get("/angebote/vergleich/", {"id": [first.pk, second.pk]}).content.decode()
    row = html.split(">Dauer</th>")[1].split("</tr>")[0]
    assert "bis zu 6 Monate" in row and "2 Tage" in row
    price = html.split(">Preis</th>")[1].split("</tr>")[0]
    assert "–" in price and "ab 890 €" in price


def test_api_carries_the_facts(client):
    offer = funding(price_from=None)
    data = client.get(f"/api/v1/angebote/{offer.pk}/").json()
    assert data["max_amount"] == 15000
    assert (data["rate_micro"], data["rate_small"], data["rate_medium"]) == (80, 60, 50)
    assert data["own_contribution"] == "20 bis 50 % der Kosten"
    assert data["duration"] == "bis zu 6 Monate"
    assert data["price_from"] is None
    assert data["company_sizes"] == ["kleinst", "klein"]
    schema = client.get("/api/v1/openapi.json").json()
    properties = schema["components"]["schemas"]["Offer"]["properties"]
    assert {"max_amount", "rate_micro", "company_sizes", "price_from"} <= set(properties)
    parameters = {item["name"] for item in schema["paths"]["/api/v1/angebote/"]["get"]["parameters"]}
    assert {"groesse", "foerderung", "frist_bis", "termin_von", "termin_bis"} <= parameters


def test_exports_carry_the_facts(client):
    funding()
    offers = client.get("/angebote/export.json").json()["offers"]
    assert offers[0]["max_amount"] == 15000 and offers[0]["rate_medium"] == 50
    assert offers[0]["company_sizes"] == ["Kleinstunternehmen", "Kleines Unternehmen"]
    text = client.get("/angebote/export.csv").content.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["Förderung bis (€)"] == "15000"
    assert row["Eigenanteil"] == "20 bis 50 % der Kosten"
    assert row["Unternehmensgrößen"] == "Kleinstunternehmen, Kleines Unternehmen"


def test_import_export_round_trip_keeps_the_facts():
    offer = funding(price_from=300)
    exported = OfferResource().export()
    assert exported.dict[0]["max_amount"] == "15000"
    Offer.objects.filter(pk=offer.pk).update(
        max_amount=None, rate_micro=None, own_contribution="", duration="", price_from=None, for_micro=False
    )
    data = tablib.Dataset().load(exported.csv, format="csv")
    result = OfferResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    offer.refresh_from_db()
    assert (offer.max_amount, offer.rate_micro, offer.price_from) == (15000, 80, 300)
    assert (offer.own_contribution, offer.duration) == ("20 bis 50 % der Kosten", "bis zu 6 Monate")
    assert (offer.for_micro, offer.for_small, offer.for_medium) == (True, True, False)


def test_import_reports_a_bad_rate_in_german():
    offer = funding()
    exported = OfferResource().export()
    rows = exported.dict
    rows[0]["rate_small"] = 150
    data = tablib.Dataset(*[list(row.values()) for row in rows], headers=list(rows[0]))
    result = OfferResource().import_data(data, dry_run=True)
    assert result.has_validation_errors()
    assert "zwischen 0 und 100" in json.dumps(result.invalid_rows[0].error_dict, ensure_ascii=False)
    offer.refresh_from_db()
    assert offer.rate_small == 60
