"""The map of NRW's 53 Kreise and kreisfreie Städte as SVG path data, drawn on the server.

The outlines come from `fixtures/reference/nrw-kreise.geojson` (WGS84 lon/lat; see the README there
for source and licence). They are projected once per process with a plain equirectangular
projection: longitudes are shortened by cos(51.5°), the latitude through the middle of NRW, so the
Land keeps its shape (at the northern and southern edges east-west distances come out at most
about 2.5 % too short or too long, which nobody sees at this size), then scaled into a viewBox
`WIDTH` units wide with y pointing down.
Coordinates are rounded to one decimal, which is far below a screen pixel at that size.

Shading: `shade_classes()` sorts the Kreise into five classes by their number of offers, see there.
"""

import functools
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext

GEOJSON = settings.BASE_DIR / "fixtures" / "reference" / "nrw-kreise.geojson"
WIDTH = 600  # viewBox units; the SVG itself scales to its container
PADDING = 4  # room for borders and the focus outline at the edge of the Land
REFERENCE_LATITUDE = 51.5
SHADES = 5  # class 0 = no offers, 1 to 4 = quartiles of the other Kreise
# A few well-known places, written at the centre of their Kreis so that the map is easy to read.
ORIENTATION_LABELS = {
    "05334": "Aachen",
    "05315": "Köln",
    "05111": "Düsseldorf",
    "05913": "Dortmund",
    "05515": "Münster",
    "05711": "Bielefeld",
    "05774": "Paderborn",
    "05970": "Siegen",
}


@dataclass(frozen=True)
class NrwMap:
    width: int
    height: int
    paths: dict  # AGS (official_key) -> SVG path data
    labels: tuple  # ((x, y, text), …) for ORIENTATION_LABELS; numbers as strings, never localised

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


@functools.cache
def nrw_map(source=GEOJSON):
    """Load and project the Kreise once per process (the file never changes at runtime)."""
    with open(source, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    x_factor = math.cos(math.radians(REFERENCE_LATITUDE))
    polygons = {feature["properties"]["ags"]: _polygons(feature["geometry"]) for feature in features}
    points = [point for shapes in polygons.values() for shape in shapes for ring in shape for point in ring]
    min_x = min(lon for lon, _lat in points) * x_factor
    max_x = max(lon for lon, _lat in points) * x_factor
    min_y = min(lat for _lon, lat in points)
    max_y = max(lat for _lon, lat in points)
    scale = (WIDTH - 2 * PADDING) / (max_x - min_x)
    height = math.ceil((max_y - min_y) * scale + 2 * PADDING)

    def project(lon, lat):
        return (
            round(PADDING + (lon * x_factor - min_x) * scale, 1),
            round(PADDING + (max_y - lat) * scale, 1),
        )

    paths = {
        ags: " ".join(_ring_path([project(*point) for point in ring]) for shape in shapes for ring in shape).strip()
        for ags, shapes in polygons.items()
    }
    labels = []
    for ags, text in ORIENTATION_LABELS.items():
        if ags in polygons:
            largest = max((shape[0] for shape in polygons[ags]), key=lambda ring: abs(_area(ring)))
            x, y = project(*_centroid(largest))
            labels.append((_number(x), _number(y), text))
    return NrwMap(
        width=WIDTH,
        height=height,
        paths={ags: path for ags, path in paths.items() if path},
        labels=tuple(labels),
    )


def _polygons(geometry):
    """A Polygon or MultiPolygon as a list of polygons, each a list of rings."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"Unexpected geometry type {geometry['type']!r} in the map of the Kreise")


def _area(ring):
    """Signed area of a ring (shoelace formula), in the ring's own units."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _centroid(ring):
    """Centre of mass of a ring; in lon/lat, which is close enough for placing a label."""
    area = _area(ring)
    if not area:
        return ring[0]
    pairs = list(zip(ring, ring[1:] + ring[:1], strict=True))
    x = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    y = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    return x, y


def _ring_path(points):
    """ "M x,y x,y … Z" for one ring, without the repeated points that rounding leaves behind."""
    kept = []
    for point in points:
        if not kept or point != kept[-1]:
            kept.append(point)
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()
    if len(kept) < 3:
        return ""
    return "M" + " ".join(f"{_number(x)},{_number(y)}" for x, y in kept) + "Z"


def _number(value):
    text = f"{value:.1f}"
    return text.removesuffix(".0")


@dataclass(frozen=True)
class ShadeClass:
    index: int
    low: int
    high: int
    kreise: int = 0  # how many Kreise fall into the class

    @property
    def label(self):
        if self.high == 0:
            return gettext("keine Angebote")
        if self.low == self.high:
            return ngettext("%(count)s Angebot", "%(count)s Angebote", self.high) % {"count": self.low}
        return gettext("%(low)s–%(high)s Angebote") % {"low": self.low, "high": self.high}

    def __contains__(self, count):
        return self.low <= count <= self.high


def shade_classes(counts):
    """Five classes for a list of offer counts, as used for the map and its legend.

    Class 0 holds the Kreise without any offer. The others are split at the quartiles of the
    positive counts (nearest-rank): class 1 runs from the smallest positive count to the first
    quartile, class 2 to the median, class 3 to the third quartile and class 4 to the maximum.
    Equal counts can leave a class empty (e.g. when every Kreis has the same NRW-wide offers);
    empty classes are dropped, so the legend lists only ranges that occur and keeps the
    remaining class numbers (and with them the colours) at their quartile.
    """
    counts = list(counts)
    positive = sorted(count for count in counts if count > 0)
    classes = [ShadeClass(0, 0, 0, kreise=len(counts) - len(positive))]
    low = positive[0] if positive else None
    for index in range(1, SHADES):
        if not positive:
            break
        high = positive[math.ceil(index * len(positive) / (SHADES - 1)) - 1]
        if high >= low:
            members = sum(1 for count in positive if low <= count <= high)
            classes.append(ShadeClass(index, low, high, kreise=members))
            low = high + 1
    return classes


def shade_of(count, classes):
    """The class index for one count (0 when `classes` does not hold it, e.g. an empty list)."""
    return next((shade.index for shade in classes if count in shade), 0)
