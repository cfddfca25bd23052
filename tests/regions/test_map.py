"""The NRW map on /regionen/: server-drawn SVG, shaded by offers, with a table alternative."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions import svgmap
from regions.models import Region
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

MAP_LINK = re.compile(
    r'<a href="(?P<href>[^"]+)" aria-label="(?P<label>[^"]+)"><title>(?P<title>[^<]+)</title>'
    r'<path class="(?P<shade>shade-\d)" d="(?P<d>[^"]+)"/></a>'
)


def page(client):
    response = client.get("/regionen/")
    assert response.status_code == 200
    return response.content.decode()


def map_links(html):
    svg = html[html.index('<svg class="nrw-map__svg"') : html.index("</svg>")]
    return {match["href"]: match for match in MAP_LINK.finditer(svg)}


def test_map_links_every_kreis_with_its_count(client):
    make_offer(coverage=["kreis-lippe"])
    links = map_links(page(client))
    kreise = list(Region.objects.kreise())
    assert len(kreise) == 53
    assert set(links) == {kreis.get_absolute_url() for kreis in kreise}
    assert links["/regionen/kreis-lippe/"]["label"] == "Kreis Lippe: 1 Angebot"
    assert links["/regionen/kreis-lippe/"]["title"] == "Kreis Lippe: 1 Angebot"
    assert links["/regionen/kreis-soest/"]["label"] == "Kreis Soest: 0 Angebote"


def test_nrw_wide_offers_count_in_every_kreis(client):
    make_offer(coverage=["nrw"])
    make_offer(coverage=["nrw"])
    make_offer(coverage=["ostwestfalen-lippe"])
    links = map_links(page(client))
    assert links["/regionen/kreis-soest/"]["label"] == "Kreis Soest: 2 Angebote"
    assert links["/regionen/kreis-hoexter/"]["label"] == "Kreis Höxter: 3 Angebote"


def test_shading_follows_the_counts(client):
    make_offer(coverage=["kreis-lippe"])
    links = map_links(page(client))
    assert links["/regionen/kreis-soest/"]["shade"] == "shade-0"
    assert links["/regionen/kreis-lippe/"]["shade"] > links["/regionen/kreis-soest/"]["shade"]


def test_legend_names_the_count_ranges_in_text(client):
    make_offer(coverage=["kreis-lippe"])
    make_offer(coverage=["kreis-lippe"])
    make_offer(coverage=["kreis-soest"])
    html = page(client)
    legend = html[html.index('<ul class="map-legend">') : html.index("</ul>", html.index('<ul class="map-legend">'))]
    assert "keine Angebote" in legend and "(51 Kreise/Städte)" in legend
    assert "1 Angebot " in legend and "2 Angebote" in legend


def test_table_alternative_lists_all_kreise(client):
    make_offer(coverage=["kreis-lippe"])
    html = page(client)
    table = html[html.index('<details class="kern-accordion map-table">') : html.index("</details>")]
    assert "<caption" in table and "Karte als Tabelle" in table
    rows = re.findall(r'<tr class="kern-table__row"><th scope="row"', table)
    assert len(rows) == 53
    assert re.search(r'>Kreis Lippe</a></th><td class="kern-table__cell">Detmold</td><td [^>]*>1</td>', table)


def test_page_keeps_lists_links_to_the_transfer_map_and_has_one_h1(client):
    html = page(client)
    assert html.count("<h1") == 1
    assert 'href="/transferlandkarte/"' in html
    assert "Regierungsbezirk Detmold" in html and "Kooperationsregionen" in html
    assert 'aria-labelledby="karte-titel karte-beschreibung"' in html
    assert 'role="img"' not in html  # would hide the Kreis links from assistive technology


def test_query_count_is_small_and_constant(client):
    def queries():
        client.get("/regionen/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/regionen/")
        return len(captured)

    for _ in range(5):
        make_offer(coverage=["kreis-lippe"], topics=["Robotik"])
    few = queries()
    for _ in range(45):
        make_offer(coverage=["ostwestfalen-lippe"], topics=["Robotik"])
    assert queries() == few <= 10


# -- regions.svgmap ------------------------------------------------------------------------------


def test_map_is_projected_once_and_fits_the_view_box():
    nrw = svgmap.nrw_map()
    assert svgmap.nrw_map() is nrw  # cached for the process, not recomputed per request
    assert len(nrw.paths) == 53 and nrw.width == 600
    assert 560 < nrw.height < 630  # NRW is about as tall as wide once longitudes are corrected
    numbers = [float(n) for d in nrw.paths.values() for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    assert min(numbers) >= 0 and max(numbers) <= nrw.width
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in re.findall(r"[-\d.]+", nrw.paths["05766"]))
    assert nrw.paths["05766"].startswith("M") and nrw.paths["05766"].endswith("Z")


def test_lippe_lies_east_of_soest_and_muenster_north_of_koeln():
    nrw = svgmap.nrw_map()

    def centre(ags):
        pairs = [tuple(map(float, pair.split(","))) for pair in re.findall(r"[\d.]+,[\d.]+", nrw.paths[ags])]
        return sum(x for x, _ in pairs) / len(pairs), sum(y for _, y in pairs) / len(pairs)

    assert centre("05766")[0] > centre("05974")[0]  # Lippe east of Soest
    assert centre("05515")[1] < centre("05315")[1]  # Münster above Köln (y points down)


def test_multipolygons_and_holes_are_drawn(tmp_path):
    square = [[7.0, 51.0], [8.0, 51.0], [8.0, 52.0], [7.0, 52.0], [7.0, 51.0]]
    hole = [[7.4, 51.4], [7.6, 51.4], [7.6, 51.6], [7.4, 51.6], [7.4, 51.4]]
    island = [[6.0, 50.5], [6.2, 50.5], [6.1, 50.7], [6.0, 50.5]]
    source = tmp_path / "test.geojson"
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"properties": {"ags": "05001"}, "geometry": {"type": "Polygon", "coordinates": [square, hole]}},
                    {
                        "properties": {"ags": "05002"},
                        "geometry": {
                            "type": "MultiPolygon",
                            "coordinates": [[island], [[[p[0] + 2, p[1]] for p in island]]],
                        },
                    },
                ],
            }
        )
    )
    nrw = svgmap.nrw_map(source)
    assert nrw.paths["05001"].count("M") == 2  # outer ring and hole
    assert nrw.paths["05002"].count("M") == 2  # both parts
    assert nrw.width == 600


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([0, 0, 0], [(0, 0, 0, 3)]),
        ([0, 5, 5, 5], [(0, 0, 0, 1), (1, 5, 5, 3)]),
        ([0, 1, 2, 3, 4], [(0, 0, 0, 1), (1, 1, 1, 1), (2, 2, 2, 1), (3, 3, 3, 1), (4, 4, 4, 1)]),
        ([3, 3, 3, 3, 4, 5, 9], [(0, 0, 0, 0), (1, 3, 3, 4), (3, 4, 5, 2), (4, 6, 9, 1)]),
    ],
)
def test_shade_classes_split_positive_counts_at_quartiles(counts, expected):
    classes = svgmap.shade_classes(counts)
    assert [(c.index, c.low, c.high, c.kreise) for c in classes] == expected
    for count in counts:
        assert count in next(c for c in classes if c.index == svgmap.shade_of(count, classes))


def test_shade_labels_are_text():
    classes = svgmap.shade_classes([0, 1, 2, 3, 10])
    assert [c.label for c in classes] == ["keine Angebote", "1 Angebot", "2 Angebote", "3 Angebote", "4–10 Angebote"]
