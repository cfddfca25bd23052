"""The facet index follows edits (issue 16): after any content change the next request's index is derived
from the previous one – no full build on the request path – and equals a full build of the same content
in every field a visitor can see (members of every facet value, "aktuell", labels and their order, every
sort order)."""

import datetime
import random
from unittest import mock

import pytest
from django.utils import timezone

from allianz_portal import freshness
from finder import index as facets
from finder.index import FACETS, ORDERINGS, set_positions
from offers.models import Offer, Topic
from regions.models import Region
from tests.conftest import make_offer, region, rows_for_the_module

pytestmark = pytest.mark.django_db
TOPICS = ["Robotik", "Logistik", "Wasserstoff", "Künstliche Intelligenz"]
TITLES = ["Beratung Robotik", "Förderprogramm Logistik", "Werkstatt Wasserstoff", "Anlauf", "Zukunftstag"]


def make_varied(rng, number):
    now = timezone.now()
    today = timezone.localdate()
    start = today + datetime.timedelta(days=rng.choice([-3, 0, 3, 9])) if number % 3 else None
    if number % 7 == 0 and start is not None:  # ends today: no longer "aktuell" after midnight
        start = today - datetime.timedelta(days=3)
    return make_offer(
        title=rng.choice(TITLES),
        published_at=now - datetime.timedelta(days=rng.choice([1, 2, 5])),
        offer_type=rng.choice(["beratung", "foerderung", "veranstaltung"]),
        start_date=start,
        end_date=today if number % 7 == 0 else None,
        deadline=today + datetime.timedelta(days=rng.choice([0, 4, 40])) if number % 4 == 0 else None,
        topics=rng.sample(TOPICS, rng.randint(0, 2)),
        coverage=[rng.choice(["nrw", "kreis-lippe", "koeln", "kreis-soest"])],
        max_amount=rng.choice([None, 8_000, 60_000]),
    )


@pytest.fixture(scope="module")
def varied_pks(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker):
        rng = random.Random(7)
        yield [make_varied(rng, number).pk for number in range(30)]


@pytest.fixture
def varied(varied_pks, db):
    """30 offers with ties and mixed facets, read anew for each test (made once for the module)."""
    offers = Offer.objects.in_bulk(varied_pks)
    return [offers[pk] for pk in varied_pks]


@pytest.fixture
def pivots(monkeypatch):
    """Place moved offers by pivots even in a small test database (as at 100k offers)."""
    monkeypatch.setattr(facets, "PIVOTS_FROM", 0)


def follow():
    """The index the next request uses, with `_build` refused."""
    with mock.patch.object(facets, "_build", side_effect=AssertionError("full build on the request path")):
        return facets.facet_index()


def full():
    """A full build of the current content (what a freshly started process would see)."""
    return facets._build(timezone.now(), timezone.localdate())


def pks_of(index, bits):
    return {index.pks[position] for position in set_positions(bits)}


def seen(index):
    """Everything a visitor can see of an index, independent of its bit positions."""
    return {
        "offers": pks_of(index, index.everything),
        "current": pks_of(index, index.current),
        "bits": {name: {value: pks_of(index, mask) for value, mask in index.bits[name].items()} for name in FACETS},
        "partly": {slug: pks_of(index, mask) for slug, mask in index.partly.items()},
        "labels": {name: list(options.items()) for name, options in index.labels.items()},
        "orders": {sort: index.select(index.everything, sort, 0, 10**6) for sort in ORDERINGS},
        "pages": {sort: index.select(index.current, sort, 2, 7) for sort in ORDERINGS},
        "newest": sorted(index.newest_places(), key=index.newest_places().__getitem__),
        "regions": (index.region_ids, index.region_kinds),
    }


def assert_like_a_full_build(index):
    expected, actual = seen(full()), seen(index)
    for key in expected:
        assert actual[key] == expected[key], key
    assert index.counter == freshness.counter_of(freshness.content_state().version)


def test_an_edited_offer_changes_only_itself_and_no_full_build_runs(varied, pivots, django_assert_max_num_queries):
    first = facets.facet_index()
    offer = varied[3]
    offer.title = "Aaa zuerst im Alphabet"
    offer.offer_type = "veranstaltung"
    offer.save()
    # version (+ scheduled times), change log, rows, relations, at most 2 per order (pivots, segment)
    with django_assert_max_num_queries(11):
        index = follow()
    assert index is not first and index.positions is first.positions  # no offer came or went
    assert index.select(index.everything, "titel", 0, 1) == [offer.pk]
    assert_like_a_full_build(index)


def test_an_edit_that_keeps_its_place_is_not_sorted_again(varied, pivots, django_assert_max_num_queries):
    facets.facet_index()
    offer = make_offer(title="Mmm Mitte", published_at=timezone.now() - datetime.timedelta(minutes=7))
    first = follow()
    places = {sort: first.select(first.everything, sort, 0, 99).index(offer.pk) for sort in ORDERINGS}
    offer.title = "Mmm Mitte, neu"  # between the same neighbours in every order
    offer.save()
    # version (+ scheduled times), change log, rows, relations, one query ranking it with its neighbours
    with django_assert_max_num_queries(6):
        index = follow()
    assert {sort: index.select(index.everything, sort, 0, 99).index(offer.pk) for sort in ORDERINGS} == places
    assert_like_a_full_build(index)
    offer.title = "Aaa Anfang"  # moves in every order but "neu" (its own publication time)
    offer.save()
    index = follow()
    assert index.select(index.everything, "titel", 0, 1) == [offer.pk]
    assert_like_a_full_build(index)


def test_a_new_offer_first_in_every_order_needs_no_pivots(varied, pivots, django_assert_max_num_queries):
    facets.facet_index()
    today = timezone.localdate()
    make_offer(
        title="Aaa Auftakt",
        published_at=timezone.now(),
        start_date=today - datetime.timedelta(days=30),  # before every other offer's
        deadline=today + datetime.timedelta(days=1),
        provider=varied[0].provider,
    )
    with django_assert_max_num_queries(6):  # as above: one query ranks it with each order's first offer
        index = follow()
    assert_like_a_full_build(index)
    (newest,) = index.select(index.everything, "neu", 0, 1)
    assert Offer.objects.get(pk=newest).title == "Aaa Auftakt"


def test_a_few_offers_sorted_after_a_new_one_came(varied, pivots):
    index = facets.facet_index()
    index.select(index.mask([varied[0].pk]), "titel", 0, 10)  # a few offers: sorted by their ranks
    offer = make_offer(title="Mmm Mitte", provider=varied[0].provider)
    index, fresh = follow(), full()
    for built in (index, fresh):
        assert built.select(built.mask([offer.pk]), "titel", 0, 10) == [offer.pk]
    chosen = [offer.pk, varied[0].pk, varied[5].pk]
    assert index.select(index.mask(chosen), "titel", 0, 10) == fresh.select(fresh.mask(chosen), "titel", 0, 10)


@pytest.mark.parametrize("sort_by_pivots", [True, False])
def test_publish_unpublish_delete_and_topics(varied, monkeypatch, sort_by_pivots):
    if sort_by_pivots:
        monkeypatch.setattr(facets, "PIVOTS_FROM", 0)
    facets.facet_index()
    new = make_offer(
        title="Neues Wasserstoff-Labor", topics=["Wasserstoff", "Brandneues Thema"], published_at=timezone.now()
    )
    index = follow()
    assert index.select(index.everything, "neu", 0, 1) == [new.pk]
    assert "brandneues-thema" in index.labels["thema"]
    assert_like_a_full_build(index)

    varied[0].status = Offer.Status.DRAFT
    varied[0].save()
    varied[1].delete()
    varied[2].topics.add("Logistik", "Robotik")
    varied[4].topics.clear()
    varied[5].coverage.set([region("kreis-lippe"), region("kreis-soest")])
    index = follow()
    assert varied[0].pk not in index.positions and varied[1].pk not in pks_of(index, index.everything)
    assert_like_a_full_build(index)


def test_a_topic_renamed_or_deleted_moves_its_offers(varied, pivots):
    facets.facet_index()
    topic = Topic.objects.get(name="Robotik")
    members = set(Offer.objects.public().filter(topics=topic).values_list("pk", flat=True))
    assert members
    topic.name, topic.slug = "Robotik und Automation", "robotik-automation"
    topic.save()
    index = follow()
    assert (
        "robotik" not in index.bits["thema"] and index.labels["thema"]["robotik-automation"] == "Robotik und Automation"
    )
    assert pks_of(index, index.bits["thema"]["robotik-automation"]) == members
    assert_like_a_full_build(index)
    Topic.objects.get(slug="logistik").delete()
    index = follow()
    assert "logistik" not in index.bits["thema"] and "logistik" not in index.labels["thema"]
    assert_like_a_full_build(index)


def test_a_provider_renamed_is_relabelled(varied):
    facets.facet_index()
    provider = varied[6].provider
    provider.name = "Umbenanntes Institut"
    provider.save()
    index = follow()
    assert "Umbenanntes Institut" in index.labels["anbieter"].values()
    assert_like_a_full_build(index)


def test_a_network_renamed_or_deleted(varied):
    from regions.models import RegionalNetwork

    network = RegionalNetwork.objects.create(
        name="Testnetz OWL", slug="testnetz-owl", kind="regionalagentur", description="Ein Netzwerk."
    )
    for offer in varied[:3]:
        offer.network = network
        offer.save()
    index = facets.facet_index()
    assert len(pks_of(index, index.bits["netzwerk"]["testnetz-owl"])) == 3
    network.name = "Testnetz Ostwestfalen"
    network.save()
    assert follow().labels["netzwerk"]["testnetz-owl"] == "Testnetz Ostwestfalen"
    network.delete()  # the offers' network becomes NULL without a signal of their own
    index = follow()
    assert "testnetz-owl" not in index.bits["netzwerk"] and "testnetz-owl" not in index.labels.get("netzwerk", {})
    assert_like_a_full_build(index)


def test_a_scheduled_publication_joins_when_its_time_comes(varied, pivots):
    due = timezone.now() + datetime.timedelta(hours=1)
    scheduled = make_offer(title="Geplanter Fachtag", published_at=due, topics=["Robotik"])
    index = facets.facet_index()
    assert scheduled.pk not in index.positions
    with mock.patch("django.utils.timezone.now", return_value=due + datetime.timedelta(minutes=1)):
        index = follow()  # no change was logged: the content state moved by the publication time alone
        assert scheduled.pk in index.positions
        assert index.select(index.everything, "neu", 0, 1) == [scheduled.pk]
        assert_like_a_full_build(index)


def test_midnight_updates_current_without_a_build(varied):
    first = facets.facet_index()
    ending = {offer.pk for offer in varied if offer.end_date == timezone.localdate()}
    assert ending and ending <= pks_of(first, first.current)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        index = follow()
        assert index.day == timezone.localdate(tomorrow)
        assert not ending & pks_of(index, index.current)
        assert_like_a_full_build(index)


def test_random_edits_keep_the_index_equal_to_a_full_build(varied, pivots):
    rng = random.Random(11)
    facets.facet_index()
    offers = list(varied)
    for step in range(24):
        action = rng.choice(["title", "date", "publish", "unpublish", "delete", "topics", "coverage", "type"])
        offer = rng.choice(offers)
        if action == "title":
            offer.title = rng.choice([*TITLES, "Aaa", "Zzz", "Mitte"])
            offer.save()
        elif action == "date":
            offer.published_at = timezone.now() - datetime.timedelta(hours=rng.randint(1, 200))
            offer.deadline = rng.choice([None, timezone.localdate() + datetime.timedelta(days=rng.randint(-2, 9))])
            offer.save()
        elif action == "publish":
            offers.append(make_varied(rng, step))
        elif action == "unpublish":
            offer.status = Offer.Status.DRAFT
            offer.save()
        elif action == "delete":
            offers.remove(offer)
            offer.delete()
        elif action == "topics":
            offer.topics.set(rng.sample([*TOPICS, f"Thema {step}"], rng.randint(0, 3)))
        elif action == "coverage":
            offer.coverage.set([region(rng.choice(["nrw", "kreis-lippe", "koeln", "detmold"]))])
        else:
            offer.offer_type = rng.choice(["beratung", "foerderung", "veranstaltung"])
            offer.save()
        if step % 3 == 2:  # sometimes several changes between two requests
            assert_like_a_full_build(follow())
    assert_like_a_full_build(follow())


def test_remembered_searches_and_masks_do_not_survive_a_change(varied):
    from finder import finding

    first = facets.facet_index()
    finding.search(first, "Robotik")
    facets.remembered_mask(first, "probe", Offer.objects.public)
    varied[0].title = "Robotik neu"
    varied[0].save()
    index = follow()
    assert not index.searches and "_masks" not in index.__dict__
    assert varied[0].pk in finding.search(index, "Robotik").pks


@pytest.fixture
def background(monkeypatch):
    """Background rebuilds on; the thread's work is collected and run by the test itself."""
    started = []

    class Thread:
        def __init__(self, target, **kwargs):
            self.target = target

        def start(self):
            started.append(self.target)

    monkeypatch.setattr(facets, "BUILD_IN_BACKGROUND", True)
    monkeypatch.setattr(facets.threading, "Thread", Thread)
    monkeypatch.setattr(facets, "_close_connections", lambda: None)
    return started


def test_a_region_change_rebuilds_outside_the_request_and_is_not_cached(varied, background):
    """Regions are reference data: a change may move every offer's region bits, so the process rebuilds
    in a background thread and meanwhile answers from the previous index without caching the page."""
    first = facets.facet_index()
    started = background
    lippe = Region.objects.get(slug="kreis-lippe")
    lippe.name = "Kreis Lippe (neu)"
    lippe.save()
    with freshness.request_state():
        index = follow()
        assert index.provisional and freshness.is_provisional()
        assert pks_of(index, index.everything) == pks_of(first, first.everything)
    assert len(started) == 1
    started[0]()  # the thread's work: a full build, installed as the base of the next delta
    index = facets.facet_index()
    assert not index.provisional and index.labels["region"]["kreis-lippe"] == "Kreis Lippe (neu)"
    assert_like_a_full_build(index)


def test_nothing_shown_from_the_lagging_index_is_kept(client, settings, varied, background):
    """The filter sidebar made from the provisional index is used, not remembered: once the rebuild is in,
    the same content state shows the new name."""
    settings.PAGE_CACHE_TIMEOUT = 0
    client.get("/angebote/")
    lippe = Region.objects.get(slug="kreis-lippe")
    lippe.name = "Kreis Lippe (neu)"
    lippe.save()
    assert '<option value="kreis-lippe">Kreis Lippe</option>' in client.get("/angebote/").content.decode()
    background[0]()
    assert '<option value="kreis-lippe">Kreis Lippe (neu)</option>' in client.get("/angebote/").content.decode()


def test_a_new_region_and_its_offer_are_served_while_the_rebuild_runs(varied, background):
    facets.facet_index()
    fresh = Region.objects.create(name="Neue Kooperationsregion", slug="neue-region", kind=Region.Kind.COOPERATION)
    offer = make_offer(title="Für die neue Region", coverage=[fresh])
    index = follow()
    assert index.provisional and offer.pk in pks_of(index, index.everything)
    background[0]()
    index = facets.facet_index()
    assert pks_of(index, index.region("neue-region")) == {offer.pk}
    assert_like_a_full_build(index)


def test_a_change_that_names_nothing_rebuilds(varied):
    facets.facet_index()
    Offer.objects.filter(pk=varied[0].pk).update(title="Aaa anderswo geändert")  # no signal
    freshness.bump_data_version()  # "something changed"
    with mock.patch.object(facets, "_build", wraps=facets._build) as build:
        index = facets.facet_index()  # BUILD_IN_BACKGROUND is off in tests: rebuilt in place
    assert build.call_count == 1
    assert index.select(index.everything, "titel", 0, 1) == [varied[0].pk]
