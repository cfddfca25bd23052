"""With the whole-page cache on, every content change shows on the very next request – everywhere.

Run with local memory and (when reachable) Redis, see conftest.py. A response served from the cache
rendered no template, so the test client gives it no `context`.
"""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from offers.models import Offer
from tests.conftest import make_offer, region

pytestmark = pytest.mark.django_db

LIST, HOME, MAP, TRANSFER_MAP = "/angebote/", "/", "/regionen/", "/transferlandkarte/"


def cached(response):
    return response.context is None


def warm(client, *urls):
    """Fetch every URL twice; the second answer must come from the cache."""
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200 and not cached(first), url
        second = client.get(url)
        assert cached(second) and second.content == first.content, url


def kreis_lippe_count(html):
    return int(re.search(r'aria-label="Kreis Lippe: (\d+) Angebot', html).group(1))


def heading(html):
    return re.search(r"<h1[^>]*>([^<]*)</h1>", html).group(1)


@pytest.fixture
def existing():
    return make_offer(title="Robotiklabor", coverage=["kreis-lippe"], topics=["Robotik"])


def test_cached_page_costs_one_query_sets_no_cookie_and_answers_304(client, page_cache, existing,
                                                                      django_assert_num_queries):  # fmt: skip
    for url in (LIST, HOME, MAP, TRANSFER_MAP, existing.get_absolute_url()):
        first = client.get(url)
        assert not first.cookies and first["ETag"] and first["Last-Modified"] and first["Cache-Control"] == "no-cache"
        with django_assert_num_queries(1):  # the data version
            again = client.get(url)
        assert cached(again) and again["ETag"] == first["ETag"]
        not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert not_modified.status_code == 304 and not not_modified.content


def test_published_offer_shows_on_the_next_request(client, page_cache, existing):
    warm(client, LIST, HOME, MAP, TRANSFER_MAP, f"{LIST}?region=kreis-lippe")
    etag = client.get(LIST)["ETag"]
    assert kreis_lippe_count(client.get(MAP).content.decode()) == 1
    new = make_offer(title="Wasserstoff-Sprechstunde", coverage=["kreis-lippe"], topics=["Wasserstoff"])

    listing = client.get(LIST, headers={"If-None-Match": etag})
    assert listing.status_code == 200 and "Wasserstoff-Sprechstunde" in listing.content.decode()
    assert heading(listing.content.decode()) == "2 Angebote"
    assert "Wasserstoff-Sprechstunde" in client.get(f"{LIST}?region=kreis-lippe").content.decode()
    assert "Alle 2 Angebote" in client.get(HOME).content.decode()
    assert kreis_lippe_count(client.get(MAP).content.decode()) == 2
    assert "Wasserstoff" in client.get(TRANSFER_MAP).content.decode()
    assert client.get(new.get_absolute_url()).status_code == 200


def test_changed_offer_shows_on_the_next_request(client, page_cache, existing):
    detail = existing.get_absolute_url()
    warm(client, LIST, detail, HOME)
    existing.title = "Robotik-Testfeld"
    existing.save()
    assert "Robotik-Testfeld" in client.get(LIST).content.decode()
    assert "Robotik-Testfeld" in client.get(detail).content.decode()


def test_deleted_and_unpublished_offers_vanish_on_the_next_request(client, page_cache, existing):
    other = make_offer(title="Fachtag KI")
    detail, other_detail = existing.get_absolute_url(), other.get_absolute_url()
    warm(client, LIST, HOME, MAP, detail, other_detail)
    existing.delete()
    assert client.get(detail).status_code == 404
    assert "Robotiklabor" not in client.get(LIST).content.decode()
    assert "Alle 1 Angebote" in client.get(HOME).content.decode()
    assert kreis_lippe_count(client.get(MAP).content.decode()) == 1  # the NRW-wide one
    other.status = Offer.Status.DRAFT
    other.save()
    assert client.get(other_detail).status_code == 404
    assert heading(client.get(LIST).content.decode()) == "0 Angebote"


def test_topic_and_coverage_changes_show_on_the_next_request(client, page_cache, existing):
    soest = f"{LIST}?region=kreis-soest"
    warm(client, LIST, soest, f"{LIST}?thema=robotik", MAP)
    assert "Robotiklabor" not in client.get(soest).content.decode()

    existing.topics.add("Wasserstoff")
    assert "Robotiklabor" in client.get(f"{LIST}?thema=wasserstoff").content.decode()
    existing.topics.remove("Robotik")
    # no public offer has the topic any more: the filter value is now unknown and reported
    assert "„robotik“ gibt es nicht" in client.get(f"{LIST}?thema=robotik").content.decode()

    existing.coverage.set([region("kreis-soest")])
    assert "Robotiklabor" in client.get(soest).content.decode()
    assert kreis_lippe_count(client.get(MAP).content.decode()) == 0


def test_scheduled_publication_shows_when_its_time_comes(client, page_cache, existing):
    due = timezone.now() + datetime.timedelta(hours=1)
    make_offer(title="Geplanter Fachtag", published_at=due)
    warm(client, LIST, HOME)
    assert "Geplanter Fachtag" not in client.get(LIST).content.decode()
    later = due + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Geplanter Fachtag" in client.get(LIST).content.decode()
        assert "Alle 2 Angebote" in client.get(HOME).content.decode()


def test_change_made_by_another_process_shows_on_the_next_request(client, page_cache, existing):
    """Another worker or container changed the data: only the version row in the database tells."""
    warm(client, LIST)
    Offer.objects.filter(pk=existing.pk).update(title="Anderswo geändert")  # no signal in this process
    with connection.cursor() as cursor:
        cursor.execute("UPDATE allianz_portal_dataversion SET counter = counter + 1 WHERE id = 1")
    assert "Anderswo geändert" in client.get(LIST).content.decode()


def test_staff_requests_are_never_cached(client, page_cache, existing, django_user_model):
    draft = make_offer(title="Entwurf in Arbeit", status=Offer.Status.DRAFT, published_at=None)
    user = django_user_model.objects.create_user("redaktion", "r@example.org", "sehr-geheim-123", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_offer", "publish_offer"]))
    client.force_login(user)
    for _ in range(2):
        preview = client.get(draft.get_absolute_url())
        assert preview.status_code == 200 and not cached(preview) and "ETag" not in preview
        assert not cached(client.get(LIST))
    client.logout()
    client.cookies.clear()
    assert client.get(draft.get_absolute_url()).status_code == 404
