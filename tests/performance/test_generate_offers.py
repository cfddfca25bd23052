import pytest
from django.core.management import call_command
from django.db.models import Count

from allianz_portal.freshness import data_version
from offers.models import Offer, TaggedOffer, Topic

pytestmark = pytest.mark.django_db


def test_generates_published_demo_offers_with_relations_and_search_text():
    before = data_version()
    call_command("generate_offers", count=60, seed=3, topics=20, verbosity=0)
    offers = Offer.objects.all()
    assert offers.count() == 60
    assert not offers.exclude(status=Offer.Status.PUBLISHED).exclude(is_demo=True).exists()
    assert not offers.filter(is_demo=False).exists()
    assert Topic.objects.filter(name__contains=" ").count() >= 20
    assert not offers.annotate(n=Count("coverage")).filter(n=0).exists()
    assert not offers.annotate(n=Count("target_groups")).filter(n=0).exists()
    assert TaggedOffer.objects.values("content_object").distinct().count() == 60
    offer = offers.select_related("provider").first()
    assert offer.provider_name == offer.provider.search_name
    assert offer.topic_names == ", ".join(sorted(offer.topics.values_list("name", flat=True)))
    assert {"nrw", "kreis"} & set(offers.values_list("coverage__kind", flat=True))
    assert data_version() != before  # bumped once at the end: every cached page is stale


def test_public_pages_work_with_generated_offers(client):
    call_command("generate_offers", count=30, seed=5, topics=10, verbosity=0)
    public = Offer.objects.public().first()
    assert client.get("/angebote/").status_code == 200
    assert client.get(public.get_absolute_url()).status_code == 200


def test_same_seed_gives_the_same_offers_and_slugs_never_collide():
    call_command("generate_offers", count=10, seed=9, topics=0, verbosity=0)
    titles = list(Offer.objects.order_by("pk").values_list("title", flat=True))
    call_command("generate_offers", count=10, seed=9, topics=0, verbosity=0)
    again = list(Offer.objects.order_by("pk").values_list("title", flat=True))[10:]
    assert titles == again
    assert Offer.objects.values("slug").distinct().count() == 20
