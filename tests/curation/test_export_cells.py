"""Finding 8: the admin's CSV and Excel exports write formula-like texts as text; an import takes them back."""

import io

import openpyxl
import pytest
from django.urls import reverse

from offers import cells
from offers.resources import OfferResource
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://example.org/boese","Klick")'
COLUMNS = ["slug", "title", "summary", "contact_phone", "cost"]


def export(client, fmt):
    return client.post(
        reverse("admin:offers_offer_export"),
        {"format": fmt, "resource": "0", **{f"offerresource_{name}": "on" for name in COLUMNS}},
    )


@pytest.fixture
def hostile(institution_a):
    return make_offer(
        slug="formel", title=FORMULA, summary="-1+1", contact_phone="\t=1+1", provider=institution_a, status="entwurf"
    )


def test_admin_csv_export_neutralises_formulas(editor_client, hostile):
    text = export(editor_client, "0").content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert ",'-1+1," in text
    assert "kostenfrei" in text


def test_admin_excel_export_writes_text_cells(editor_client, hostile):
    response = export(editor_client, "1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["title"].value == "'" + FORMULA
    assert row["title"].data_type == "s"  # a string cell, not a formula ("f")
    assert row["summary"].value == "'-1+1" and row["summary"].data_type == "s"
    assert row["contact_phone"].value == "'\t=1+1"
    assert all(cell.data_type != "f" for cell in sheet[2])


def test_import_takes_the_apostrophe_off_again():
    row = {"title": "'" + FORMULA, "summary": "'Zitat bleibt", "contact_phone": "'+49 521 1"}
    OfferResource().before_import_row(row)
    assert row == {"title": FORMULA, "summary": "'Zitat bleibt", "contact_phone": "+49 521 1"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert cells.neutralise(f"{start}1") == f"'{start}1"
    assert cells.restore(cells.neutralise(f"{start}1")) == f"{start}1"
    assert cells.neutralise(42) == 42 and cells.neutralise("Robotik") == "Robotik"
