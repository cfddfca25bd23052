"""The filters Unternehmensgröße, Förderung ab, Frist bis and Termin ab/bis: the list, the API, the feed and the
export show the offers these hand-written cases expect, and every option's count is the number of offers the
list shows once it is chosen – on SQLite and PostgreSQL alike."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def offers():
    make_offer(title="Gutschein Kleinst", offer_type="foerderung", max_amount=5000, for_micro=True, deadline=day(10))
    make_offer(
        title="Gutschein Klein Mittel", offer_type="foerderung", max_amount=50000, for_small=True, for_medium=True,
        deadline=day(45),
    )  # fmt: skip
    make_offer(title="Kredit offen", offer_type="foerderung", max_amount=250000, deadline=day(25))
    make_offer(title="Beratung offen", deadline=day(-3))  # passed: only with aktuell=nein
    make_offer(title="Messe Juni", offer_type="veranstaltung", start_date=day(5), end_date=day(7), for_medium=True)
    make_offer(title="Kurs lang", offer_type="qualifizierung", start_date=day(20), end_date=day(60))
    make_offer(title="Tag spät", offer_type="veranstaltung", start_date=day(90))
    make_offer(title="Entwurf", status=Offer.Status.DRAFT, max_amount=90000)


def list_titles(client, params):
    response = client.get("/angebote/", params)
    assert response.status_code == 200
    return {offer.title for offer in response.context["paginator"].object_list}


CASES = [
    ({"groesse": "kleinst"}, {"Gutschein Kleinst", "Kredit offen", "Kurs lang", "Tag spät"}),
    (
        {"groesse": ["klein", "mittel"]},
        {"Gutschein Klein Mittel", "Kredit offen", "Messe Juni", "Kurs lang", "Tag spät"},
    ),
    ({"foerderung": "10000"}, {"Gutschein Klein Mittel", "Kredit offen"}),
    ({"foerderung": "5000", "groesse": "kleinst"}, {"Gutschein Kleinst", "Kredit offen"}),
    ({"frist_bis": day(30).isoformat()}, {"Gutschein Kleinst", "Kredit offen"}),
    (
        {"frist_bis": day(30).strftime("%d.%m.%Y"), "aktuell": "nein"},
        {"Gutschein Kleinst", "Kredit offen", "Beratung offen"},
    ),
    ({"termin_von": day(6).isoformat(), "termin_bis": day(30).isoformat()}, {"Messe Juni", "Kurs lang"}),
    ({"termin_von": day(61).isoformat()}, {"Tag spät"}),
    ({"termin_bis": day(10).isoformat(), "groesse": "mittel"}, {"Messe Juni"}),
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_list_api_feed_and_sql_agree(client, offers, params, expected):
    assert list_titles(client, params) == expected
    api = client.get("/api/v1/angebote/", params).json()
    assert {item["title"] for item in api["results"]} == expected
    feed = ET.fromstring(client.get("/angebote/feed/", params).content)
    assert {entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")} == expected
    exported = client.get("/angebote/export.json", params).json()["offers"]
    assert {item["title"] for item in exported} == expected


def option_counts(html, name):
    pattern = rf'name="{name}" value="([^"]+)"[^>]*>\s*<label[^>]*>[^<]*<span class="count">\((\d+)\)'
    return {value: int(count) for value, count in re.findall(pattern, html)}


@pytest.mark.parametrize("params", [{}, {"foerderung": "10000"}, {"art": "foerderung"}, {"groesse": "kleinst"}])
def test_size_counts_equal_what_the_list_then_shows(client, offers, params):
    html = client.get("/angebote/", params).content.decode()
    counts = option_counts(html, "groesse")
    others = {key: value for key, value in params.items() if key != "groesse"}
    expected = {size: len(list_titles(client, {**others, "groesse": size})) for size in ("kleinst", "klein", "mittel")}
    assert counts == {size: number for size, number in expected.items() if number}
    assert "weniger als 10 Beschäftigte und höchstens 2 Mio. € Umsatz oder Bilanzsumme" in html


@pytest.mark.parametrize("params", [{}, {"groesse": "kleinst"}, {"art": "foerderung"}])
def test_funding_step_counts_equal_what_the_list_then_shows(client, offers, params):
    html = client.get("/angebote/", params).content.decode()
    select = html.split('id="f-foerderung"')[1].split("</select>")[0]
    shown = {value: int(count) for value, count in re.findall(r'<option value="(\d+)"[^>]*>[\d.]+ € \((\d+)\)', select)}
    steps = ("5000", "10000", "25000", "50000", "100000", "250000")
    expected = {step: len(list_titles(client, {**params, "foerderung": step})) for step in steps}
    assert shown == {step: number for step, number in expected.items() if number}
    assert shown["5000"] == (2 if params.get("groesse") else 3)


def test_selected_dates_show_as_chips_and_stay_in_the_form(client, offers):
    html = client.get("/angebote/", {"frist_bis": day(30).isoformat()}).content.decode()
    assert 'name="frist_bis" type="text"' in html and f'value="{day(30).strftime("%d.%m.%Y")}"' in html
    assert f"Frist bis: {day(30).day}. " in html
    assert 'for="f-termin_von">Termin ab</label>' in html
    assert "Format: TT.MM.JJJJ" in html


@pytest.mark.parametrize("bad", ["32.13.2026", "morgen", "2026-02-30"])
def test_a_bad_date_is_a_german_notice_not_an_error(client, offers, bad):
    response = client.get("/angebote/", {"frist_bis": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ist kein gültiges Datum (TT.MM.JJJJ) – dieser Filter wurde ignoriert." in html
    assert list_titles(client, {"frist_bis": bad}) == list_titles(client, {})
    api = client.get("/api/v1/angebote/", {"frist_bis": bad})
    assert api.status_code == 400
    assert api.json() == {"frist_bis": ["Bitte ein Datum im Format JJJJ-MM-TT angeben."]}
    assert client.get("/angebote/feed/", {"frist_bis": bad}).status_code == 200


def test_unknown_size_and_step_are_ignored_on_the_site_and_rejected_by_the_api(client, offers):
    html = client.get("/angebote/", {"groesse": "riesig", "foerderung": "7"}).content.decode()
    assert "„riesig“ gibt es nicht" in html
    assert "Förderung ab: „7“ ist ungültig" in html
    response = client.get("/api/v1/angebote/", {"groesse": "riesig"})
    assert response.status_code == 400 and "groesse" in response.json()


def test_home_links_the_deadlines_of_the_next_30_days_with_their_count(client, offers):
    html = client.get("/").content.decode()
    link = f'href="/angebote/?frist_bis={day(30).isoformat()}&amp;sort=termin"'
    assert link in html
    entry = html.split(link)[1].split("</p>")[0]
    assert ">Fristen in den nächsten 30 Tagen</a>" in entry
    assert '<span class="count">2</span>' in entry
    assert list_titles(client, {"frist_bis": day(30).isoformat()}) == {"Gutschein Kleinst", "Kredit offen"}
