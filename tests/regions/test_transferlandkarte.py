"""/transferlandkarte/: regions × offer types and regions × topics, with the gaps marked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers.models import Offer
from regions.models import Region
from regions.views import count_values
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
    assert reverse("regions:transfer-map") == URL
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


def test_kreis_offer_counts_in_no_row(client):
    make_offer(coverage=["kreis-lippe"], offer_type="labor", topics=["Robotik"])
    response = client.get(URL)
    assert not any(cells(response).values())
    assert not any(cells(response, "by_topic").values())
    assert [value for value, _ in response.context["by_topic"].columns] == ["robotik"]


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
