"""Every admin page answers for a superuser, and changelists do not grow queries with their rows."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.models import Page, Recommendation, Thesis
from offers.models import Offer
from partners.models import BoardMember, Institution
from regions.models import Municipality, Region, RegionalNetwork
from tests.conftest import make_institution, make_offer

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
NOT_ADDED_IN_ADMIN = {"offers.OfferImport"}  # imports start on the offers' upload page


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chefredaktion", "redaktion@example.org", "sehr-geheim-123")
    client.force_login(user)
    return client


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_answer(superuser_client, model, rf, django_user_model):
    make_offer(topics=["Robotik"])
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    request = rf.get("/")
    request.user = django_user_model.objects.get(username="chefredaktion")
    # read-only admins (enquiries, needs, statistics, mail outbox) refuse "add" even to a superuser
    addable = admin.site._registry[model].has_add_permission(request)
    assert superuser_client.get(admin_url(model, "add")).status_code == (200 if addable else 403)
    obj = model.objects.first()
    if obj is not None:
        assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def count_queries(client, url):
    """Queries of a request once per-process caches are warm (content types, cached counts)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Offer, lambda n: make_offer(topics=[f"Thema {n}"], network=RegionalNetwork.objects.first())),
        (Institution, lambda n: make_institution(seat=Region.objects.get(slug="kreis-lippe"))),
        (Region, None),
        (Municipality, None),
        (RegionalNetwork, None),
        (BoardMember, None),
        (Page, None),
        (Thesis, None),
        (Recommendation, None),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_changelist_query_count_does_not_grow_with_rows(superuser_client, model, factory):
    url = admin_url(model, "changelist")
    if factory:
        factory(0)
        few = count_queries(superuser_client, url)
        for n in range(1, 12):
            factory(n)
        many = count_queries(superuser_client, url)
        assert many == few
    # Reference data lists are full already: the count must stay small and fixed.
    assert count_queries(superuser_client, url) <= 12
