"""/transferlandkarte/: regions × offer types and regions × topics, with the gaps marked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finder.maps import count_values
from offers.models import Offer
from regions.models import Region
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

URL = "/transferlandkarte/"
BEZIRKE = [
    "regierungsbezirk-duesseldorf",
    "regierungsbezirk-koeln",
    "regierungsbezirk-muenster",
    "regierungsbezirk-detmold",
    "regierungsbezirk-arnsberg",
]


def cells(response, matrix="by_type"):
    """{(region slug, column value): count} from the view's context."""
    data = response.context[matrix]
    return {
        (region.slug, value): cell.count
        for _group, rows in data.groups
        for region, row in rows
        for (value, _label), cell in zip(data.columns, row, strict=True)
    }


def row_slugs(response, matrix="by_type"):
    return [region.slug for _group, rows in response.context[matrix].groups for region, _row in rows]


def test_url_rows_columns_and_breadcrumbs(client):
    assert reverse("maps:transfer-map") == URL
    response = client.get(URL)
    assert response.status_code == 200
    slugs = row_slugs(response)
    assert slugs[:5] == BEZIRKE
    assert len(slugs) == 14 and set(slugs[5:]) == set(
        Region.objects.cooperation_regions().values_list("slug", flat=True)
    )
    assert [value for value, _label in response.context["by_type"].columns] == Offer.OfferType.values
    assert response.context["breadcrumbs"] == [(None, "Transferlandkarte")]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Lücke" in html and "kein Angebot dieser Art" in html  # the intro explains the gaps


def test_nrw_wide_offer_counts_in_every_row(client):
    make_offer(coverage=["nrw"], offer_type="beratung")
    counts = cells(client.get(URL))
    assert {slug: n for (slug, art), n in counts.items() if art == "beratung"} == dict.fromkeys(
        row_slugs(client.get(URL)), 1
    )
    assert not any(n for (_slug, art), n in counts.items() if art != "beratung")


def partial_cells(response, matrix="by_type"):
    """{(region slug, column value): offers for only part of the region}, non-zero only."""
    data = response.context[matrix]
    return {
        (region.slug, value): cell.partial
        for _group, rows in data.groups
        for region, row in rows
        for (value, _label), cell in zip(data.columns, row, strict=True)
        if cell.partial
    }


def test_kreis_offer_counts_for_its_bezirk_and_cooperation_region_in_part(client):
    """A lab in Kreis Lippe (like the SmartFactory in Lemgo) is no gap for Detmold or Ostwestfalen-Lippe."""
    make_offer(coverage=["kreis-lippe"], offer_type="labor", topics=["Robotik"])
    response = client.get(URL)
    assert not any(cells(response).values())  # it serves neither region as a whole
    assert partial_cells(response) == {("regierungsbezirk-detmold", "labor"): 1, ("ostwestfalen-lippe", "labor"): 1}
    assert partial_cells(response, "by_topic") == {
        ("regierungsbezirk-detmold", "robotik"): 1,
        ("ostwestfalen-lippe", "robotik"): 1,
    }
    assert [value for value, _ in response.context["by_topic"].columns] == ["robotik"]

    html = response.content.decode()
    detmold = html.split('href="/regionen/regierungsbezirk-detmold/"', 1)[1].split("</tr>", 1)[0]
    labor_cell = re.findall(r"<td[^>]*>(.*?)</td>", detmold)[Offer.OfferType.values.index("labor")]
    assert "Lücke" not in labor_cell
    assert "1&nbsp;teilweise" in labor_cell and "(gilt nur in einem Teil der Region)" in labor_cell
    assert "<a" not in labor_cell  # the list's region filter would not show it
    koeln = html.split('href="/regionen/regierungsbezirk-koeln/"', 1)[1].split("</tr>", 1)[0]
    assert koeln.count("0 – Lücke") == 7


def test_whole_and_partial_offers_side_by_side(client):
    make_offer(coverage=["ostwestfalen-lippe"], offer_type="labor")
    make_offer(coverage=["kreis-lippe"], offer_type="labor")
    make_offer(coverage=["kreis-hoexter", "kreis-guetersloh"], offer_type="labor")
    response = client.get(URL)
    assert cells(response)[("regierungsbezirk-detmold", "labor")] == 1
    assert partial_cells(response)[("regierungsbezirk-detmold", "labor")] == 2
    html = response.content.decode()
    assert 'art=labor">1<span class="kern-sr-only"> Angebot: Labor/' in html
    assert '<span class="matrix__partial">+&nbsp;2&nbsp;teilweise' in html
    assert "Angebote nur für einzelne Kreise der Region" in html  # the legend


def test_kreis_rows_count_a_kreis_offer_fully(client):
    make_offer(coverage=["kreis-lippe"], offer_type="labor")
    response = client.get(URL, {"ebene": "kreise"})
    groups = response.context["by_type"].groups
    assert [label for label, _rows in groups] == [
        "Regierungsbezirk Düsseldorf",
        "Regierungsbezirk Köln",
        "Regierungsbezirk Münster",
        "Regierungsbezirk Detmold",
        "Regierungsbezirk Arnsberg",
    ]
    assert sum(len(rows) for _label, rows in groups) == 53
    assert {key for key, n in cells(response).items() if n} == {("kreis-lippe", "labor")}
    assert partial_cells(response) == {}
    html = response.content.decode()
    assert 'href="/angebote/?region=kreis-lippe&amp;art=labor">1<' in html
    assert '<span aria-current="page">Kreise und kreisfreie Städte</span>' in html
    assert 'href="/transferlandkarte/">Regierungsbezirke und Kooperationsregionen</a>' in html


def test_unknown_level_shows_the_regions(client):
    response = client.get(URL, {"ebene": "gemeinden"})
    assert response.status_code == 200 and row_slugs(response)[:5] == BEZIRKE
    assert 'href="/transferlandkarte/?ebene=kreise">Kreise und kreisfreie Städte</a>' in response.content.decode()


def test_owl_offer_counts_for_owl_and_detmold_only(client):
    make_offer(coverage=["ostwestfalen-lippe"], offer_type="foerderung", topics=["Robotik"])
    response = client.get(URL)
    found = {key for key, n in cells(response).items() if n}
    assert found == {("ostwestfalen-lippe", "foerderung"), ("regierungsbezirk-detmold", "foerderung")}
    by_topic = {key for key, n in cells(response, "by_topic").items() if n}
    assert by_topic == {("ostwestfalen-lippe", "robotik"), ("regierungsbezirk-detmold", "robotik")}


def test_only_public_current_offers_count(client):
    make_offer(coverage=["nrw"], status="entwurf", published_at=None)
    make_offer(coverage=["nrw"], offer_type="veranstaltung", start_date="2020-01-01", end_date="2020-01-02")
    assert not any(cells(client.get(URL)).values())


def test_cells_link_to_the_filtered_list_and_gaps_are_marked(client):
    make_offer(coverage=["regierungsbezirk-detmold"], offer_type="beratung", topics=["Künstliche Intelligenz"])
    html = client.get(URL).content.decode()
    assert 'href="/angebote/?region=regierungsbezirk-detmold&amp;art=beratung">1<' in html
    assert 'href="/angebote/?region=ostwestfalen-lippe&amp;art=beratung">1<' in html
    assert 'href="/angebote/?region=regierungsbezirk-detmold&amp;thema=kuenstliche-intelligenz">1<' in html
    assert 'href="/angebote/?region=regierungsbezirk-koeln&amp;art=beratung"' not in html
    gaps = re.findall(r'<td class="[^"]*matrix__gap[^"]*">(.*?)</td>', html)
    assert len(gaps) == 14 * 7 - 2 + 14 * 1 - 2
    assert all(gap == '<span class="gap">0 – Lücke</span>' for gap in gaps)  # text, no link


def test_cell_counts_match_the_offer_list(client):
    make_offer(coverage=["nrw"], offer_type="beratung")
    make_offer(coverage=["ostwestfalen-lippe"], offer_type="beratung")
    make_offer(coverage=["kreis-lippe"], offer_type="beratung")
    make_offer(coverage=["regierungsbezirk-arnsberg"], offer_type="labor")
    counts = cells(client.get(URL))
    for slug in ("regierungsbezirk-detmold", "ostwestfalen-lippe", "suedwestfalen", "ruhr"):
        for art in ("beratung", "labor"):
            listed = client.get("/angebote/", {"region": slug, "art": art}).context["total"]
            assert listed == counts[(slug, art)], (slug, art)


def test_topic_columns_are_limited_to_eight_by_frequency(client):
    for number in range(10):
        make_offer(coverage=["nrw"], topics=[f"Thema {number:02d}", *(["Häufig"] if number < 3 else [])])
    columns = [label for _value, label in client.get(URL).context["by_topic"].columns]
    assert len(columns) == 8
    assert columns[0] == "Häufig"


def test_tables_are_accessible(client):
    make_offer(coverage=["nrw"], topics=["Robotik"])
    html = client.get(URL).content.decode()
    assert html.count('class="matrix-scroll" role="region"') == 2
    assert html.count('tabindex="0"') >= 2
    assert html.count("<caption") == 2
    assert 'scope="col"' in html and 'scope="row"' in html and 'scope="rowgroup"' in html


def test_query_count_is_small_and_constant(client):
    def queries():
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    for number in range(5):
        make_offer(coverage=["kreis-lippe", "ruhr"], topics=[f"Thema {number % 3}"], offer_type="labor")
    few = queries()
    for number in range(45):
        make_offer(coverage=["nrw"], topics=[f"Thema {number % 9}", "Robotik"])
    assert queries() == few <= 10


def test_count_values_counts_each_value_per_region():
    def bits(*offers):
        return sum(1 << offer for offer in offers)

    available = {"lippe": bits(1, 2, 3), "detmold": bits(1, 2)}
    counts = count_values(available, {"beratung": bits(1), "labor": bits(2, 3)})
    assert counts["lippe"] == {"beratung": 1, "labor": 2}
    assert counts["detmold"] == {"beratung": 1, "labor": 1}


def test_an_offer_listing_every_kreis_counts_for_their_bezirk(client):
    """Coverage adds up: the map, the counts and the filtered list agree on it."""
    detmold = Region.objects.get(slug="regierungsbezirk-detmold")
    kreise = list(detmold.children.values_list("slug", flat=True))
    make_offer(title="Piecewise", coverage=kreise, offer_type="labor")
    make_offer(title="Nur zwei", coverage=kreise[:2], offer_type="labor")
    listed = client.get("/angebote/", {"region": detmold.slug}).content.decode()
    assert "Piecewise" in listed and "Nur zwei" not in listed
    assert list(Offer.objects.covering(detmold).values_list("title", flat=True)) == ["Piecewise"]
    by_type = client.get(URL).context["by_type"]
    labor = [value for value, _label in by_type.columns].index("labor")
    rows = {region.slug: cells for _group, regions in by_type.groups for region, cells in regions}
    assert rows["regierungsbezirk-detmold"][labor].count == 1
