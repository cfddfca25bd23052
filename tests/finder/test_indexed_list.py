"""The list is filtered, counted and sorted in the facet index, and only the shown page is read from the
database: it must show exactly what the equivalent SQL (a plain queryset + ORDER BY) shows, page by page."""

import datetime
import random
import re

import pytest
from django.utils import timezone

from finder import finding
from finder import index as facets
from finder.index import ORDERINGS, set_positions
from offers.models import Offer
from regions.models import Region
from tests.conftest import make_offer, rows_for_the_module

pytestmark = pytest.mark.django_db
TOPICS = ["Robotik", "Logistik", "Wasserstoff"]


@pytest.fixture(scope="module", autouse=True)
def varied_rows(django_db_setup, django_db_blocker):
    """Every test of this module sees these rows, whatever order or selection (-k) it runs in."""
    with rows_for_the_module(django_db_blocker):
        make_varied()
        yield


@pytest.fixture
def varied(varied_rows, db):
    """37 offers with ties in every sort key (same title, same day, no dates) and mixed facets."""


def make_varied():
    rng = random.Random(3)
    now = timezone.now()
    today = timezone.localdate()
    for number in range(37):
        start = today + datetime.timedelta(days=rng.choice([3, 9, 30])) if number % 3 else None
        make_offer(
            title=rng.choice(["Beratung Robotik", "Förderprogramm Logistik", "Werkstatt Wasserstoff", "Anlauf"]),
            published_at=now - datetime.timedelta(days=rng.choice([1, 2, 5])),
            offer_type=rng.choice(["beratung", "foerderung", "veranstaltung"]),
            start_date=start,
            deadline=today + datetime.timedelta(days=rng.choice([4, 40])) if number % 4 == 0 else None,
            topics=rng.sample(TOPICS, rng.randint(0, 2)),
            coverage=[rng.choice(["nrw", "kreis-lippe", "koeln"])],
        )


def slugs_on_pages(client, params):
    """Every offer's slug in list order, page after page."""
    found, page = [], 1
    while True:
        html = client.get("/angebote/", {**params, "seite": page}).content.decode()
        found += re.findall(r'class="offer-card__title"><a class="kern-link" href="/angebote/([^/"]+)/"', html)
        if f"seite={page + 1}" not in html:
            return found
        page += 1


# Each case's filters, and the same selection written as a plain queryset (the test's own oracle).
SQL_CASES = {
    "none": ({}, lambda offers: offers),
    "topic": ({"thema": "robotik"}, lambda offers: offers.filter(topics__slug="robotik")),
    "region and type": (
        {"region": "kreis-lippe", "art": "beratung"},
        lambda offers: offers.covering(Region.objects.get(slug="kreis-lippe")).filter(offer_type="beratung"),
    ),
}


@pytest.mark.parametrize("sort", ["neu", "titel", "termin"])
@pytest.mark.parametrize("case", SQL_CASES)
def test_every_page_matches_the_sql_order(client, varied, sort, case):
    params, select = SQL_CASES[case]
    expected = list(
        select(Offer.objects.public().current()).distinct().order_by(*ORDERINGS[sort]).values_list("slug", flat=True)
    )
    assert expected, "the fixture must give each case some offers"
    assert slugs_on_pages(client, {**params, "sort": sort}) == expected


def test_set_positions_pages_through_words():
    bits = sum(1 << position for position in (0, 5, 63, 64, 130, 1000))
    assert set_positions(bits) == [0, 5, 63, 64, 130, 1000]
    assert set_positions(bits, 2, 4) == [63, 64]
    assert set_positions(bits, 5, 99) == [1000]
    assert set_positions(bits, 6, 9) == [] == set_positions(0)


def test_sparse_and_dense_selection_agree(varied):
    index = facets.facet_index()
    everything = index.everything
    sparse = sum(1 << position for position in set_positions(everything)[::9])
    for sort in ("titel", "termin"):
        order = list(index.orders[sort])
        for bits in (everything, sparse):
            members = set(set_positions(bits))
            want = [index.pks[position] for position in order if position in members]
            assert index.select(bits, sort, 0, len(want)) == want
            assert index.select(bits, sort, 2, 5) == want[2:5]


def test_relevance_lists_every_match_once_title_matches_first(client):
    """Every match appears exactly once; an old title match outranks newer description matches."""
    now = timezone.now()
    for number in range(8):  # newer offers mentioning the word only in the description
        make_offer(
            title=f"Werkstatttag {number}",
            slug=f"werkstatt-{number}",
            description="Mit einem Ausflug zur Lernfabrik.",
            published_at=now - datetime.timedelta(hours=number + 1),
        )
    make_offer(title="Lernfabrik für den Mittelstand", slug="alt-titel", published_at=now - datetime.timedelta(days=90))
    shown = slugs_on_pages(client, {"q": "Lernfabrik"})
    assert sorted(shown) == sorted(["alt-titel", *(f"werkstatt-{number}" for number in range(8))])
    assert shown[0] == "alt-titel", "an old title match outranks newer description matches"


def test_list_reads_only_the_page_from_the_database(client, varied, django_assert_max_num_queries):
    client.get("/angebote/")  # builds the facet index
    with django_assert_max_num_queries(4) as captured:
        response = client.get("/angebote/", {"sort": "titel", "art": "beratung"})
    assert response.status_code == 200
    assert not any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)


def test_remembered_searches_belong_to_their_index(varied):
    """A search remembered for one content state is never combined with another state's bits."""
    before = facets.facet_index()
    old = finding.search(before, "Robotik")
    assert finding.search(before, "Robotik") is old  # remembered
    newest = make_offer(title="Robotik ganz neu")  # a new position, first in the order "neu"
    after = facets.facet_index()
    assert after is not before and not after.searches
    new = finding.search(after, "Robotik")
    assert new is not old
    assert new.pks[0] == newest.pk  # a title match, and the newest on a tie
    assert len(new.pks) == len(old.pks) + 1
    assert after.select(after.mask(new.pks), "neu", 0, 1) == [newest.pk]


def test_an_order_holds_every_position_once_even_if_rows_change_between_queries(varied):
    public = Offer.objects.public()
    positions = {
        pk: number for number, pk in enumerate(public.order_by(*ORDERINGS["neu"]).values_list("pk", flat=True))
    }
    positions[10**9] = len(positions)  # in the index, gone from the database before the order was read
    order = facets._order(public, ORDERINGS["titel"], positions)
    assert sorted(order) == list(range(len(positions)))
    assert order[-1] == positions[10**9]


def test_a_region_without_kreise_still_lists_its_own_offers(client):
    from regions.models import Region

    fresh = Region.objects.create(name="Neue Kooperationsregion", slug="neue-region", kind=Region.Kind.COOPERATION)
    make_offer(title="Für die neue Region", coverage=[fresh])
    assert list(Offer.objects.covering(fresh).values_list("title", flat=True)) == ["Für die neue Region"]
    assert "Für die neue Region" in client.get("/angebote/", {"region": "neue-region"}).content.decode()


def test_relevance_pages_neither_repeat_nor_skip(client):
    for number in range(25):  # two pages
        make_offer(title=f"Lernfabrik Tag {number}", slug=f"lf-{number}")
    shown = slugs_on_pages(client, {"q": "Lernfabrik", "sort": "relevanz"})
    assert sorted(shown) == sorted(f"lf-{number}" for number in range(25))
