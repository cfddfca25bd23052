"""Feeds, calendars and exports hold exactly the offers of the list with the same filters."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.utils import timezone

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def offers():
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    return [
        make_offer(title="Robotiktag Lippe", offer_type="veranstaltung", topics=["Robotik"], coverage=["kreis-lippe"],
                   start_date=today + 5 * day, end_date=today + 6 * day),
        make_offer(title="Robotikberatung NRW", topics=["Robotik"], coverage=["nrw"]),
        make_offer(title="Förderaufruf KI", offer_type="foerderung", topics=["KI"], deadline=today + 20 * day),
        make_offer(title="Beendeter Robotiktag", offer_type="veranstaltung", topics=["Robotik"],
                   start_date=today - 5 * day),
        make_offer(title="Entwurf Robotik", topics=["Robotik"], status="entwurf", published_at=None),
    ]  # fmt: skip


def list_titles(client, params):
    response = client.get("/angebote/", params)
    return {offer.title for offer in response.context["paginator"].object_list}


@pytest.mark.parametrize("params", [{}, {"thema": "robotik"}, {"region": "kreis-lippe"}, {"aktuell": "nein"}])
def test_feed_holds_exactly_the_filtered_list(client, offers, params):
    response = client.get("/angebote/feed/", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    titles = {entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")}
    assert titles == list_titles(client, params)
    assert "Entwurf Robotik" not in titles


@pytest.mark.parametrize("params", [{}, {"thema": "robotik"}, {"art": "foerderung"}])
def test_exports_hold_exactly_the_filtered_list(client, offers, params):
    expected = list_titles(client, params)
    data = client.get("/angebote/export.json", params).json()
    assert {offer["title"] for offer in data["offers"]} == expected
    assert data["count"] == len(expected) and "CC BY 4.0" in data["licence"]
    response = client.get("/angebote/export.csv", params)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row["Titel"] for row in rows} == expected
    assert response["Content-Type"].startswith("text/csv")


def test_list_page_links_its_feed_and_exports(client, offers):
    html = client.get("/angebote/", {"thema": "robotik"}).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/angebote/feed/?thema=robotik"' in html
    assert 'href="/angebote/export.csv?thema=robotik"' in html


def test_calendar_for_list_and_offer(client, offers):
    calendar = icalendar.Calendar.from_ical(client.get("/angebote/kalender.ics").content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Robotiktag Lippe", "Frist: Förderaufruf KI"}
    event = events["Robotiktag Lippe"]
    assert event.decoded("dtstart") == offers[0].start_date
    assert event.decoded("dtend") == offers[0].end_date + datetime.timedelta(days=1)
    single = client.get(f"/angebote/{offers[0].slug}/kalender.ics")
    assert single.status_code == 200 and b"Robotiktag Lippe" in single.content
    assert client.get(f"/angebote/{offers[1].slug}/kalender.ics").status_code == 404  # no date
    assert client.get(f"/angebote/{offers[4].slug}/kalender.ics").status_code == 404  # draft


def test_bad_filters_in_feeds_and_exports_are_harmless(client, offers):
    for url in ("/angebote/feed/", "/angebote/export.json", "/angebote/export.csv", "/angebote/kalender.ics"):
        response = client.get(url, {"thema": "<script>", "seite": "x", "region": "\x00", "q": "robotik:* & !("})
        assert response.status_code == 200
        assert b"<script>" not in response.content


FORMULA = '=HYPERLINK("https://example.org/boese","Klick")'


def test_public_csv_neutralises_formula_cells(client):
    """Finding 8: a formula in a title or phone number arrives in the spreadsheet as text, not as a formula."""
    make_offer(title=FORMULA, summary="@SUMME(A1:A9)", contact_phone="+49 521 1234", slug="formel")
    response = client.get("/angebote/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    (row,) = rows
    assert row["Titel"] == "'" + FORMULA
    assert row["Kurzbeschreibung"] == "'@SUMME(A1:A9)"
    assert row["Telefon"] == "'+49 521 1234"
    assert row["Angebotsart"] == "Beratung"  # ordinary texts unchanged
    assert client.get("/angebote/export.json").json()["offers"][0]["title"] == FORMULA  # JSON is data, not cells


def test_atom_summaries_are_declared_plain_text(client):
    """Finding 9: markup typed into a summary is shown by feed readers as text."""
    make_offer(title="Markup-Test", summary='<img src=x onerror="alert(1)"> <b>fett</b>')
    root = ET.fromstring(client.get("/angebote/feed/").content)
    (entry,) = root.findall(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == '<img src=x onerror="alert(1)"> <b>fett</b>'
    assert entry.find(f"{ATOM}title").text == "Markup-Test"


def test_offer_calendar_survives_line_breaks_and_has_dates_and_location(client):
    """Finding 9: a title with CR/LF gave a 500 on the per-offer calendar; now it is escaped like the list's."""
    start = timezone.localdate() + datetime.timedelta(days=3)
    offer = make_offer(
        title="Werkstatttag\r\nBEGIN:VEVENT\r\nSUMMARY:gefälscht",
        offer_type="veranstaltung",
        coverage=["kreis-lippe"],
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
    )
    online = make_offer(title="Webinar\nKI", format="online", deadline=start)
    response = client.get(f"/angebote/{offer.slug}/kalender.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")  # the title did not open a second event
    assert str(event["summary"]) == "Werkstatttag\nBEGIN:VEVENT\nSUMMARY:gefälscht"
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + datetime.timedelta(days=2)
    assert str(event["location"]) == "Kreis Lippe"
    assert "\n" not in str(calendar["x-wr-calname"])
    listed = icalendar.Calendar.from_ical(client.get("/angebote/kalender.ics").content)
    assert {str(e["location"]) for e in listed.walk("VEVENT")} == {"Kreis Lippe", "Online"}
    single = icalendar.Calendar.from_ical(client.get(f"/angebote/{online.slug}/kalender.ics").content)
    assert str(single.walk("VEVENT")[0]["location"]) == "Online"
