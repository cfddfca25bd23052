"""Preview: staff see unpublished offers at the public address with a banner; the public gets 404."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

BANNER = "Vorschau – nicht veröffentlicht"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": "entwurf", "published_at": None},
        {"status": "pruefung", "published_at": None},
        {"published_at": timezone.now() + datetime.timedelta(days=2)},
        {"status": "archiviert"},
    ],
    ids=["entwurf", "pruefung", "geplant", "archiviert"],
)
def test_staff_preview_with_banner_public_404(anon, editor_client, kwargs):
    offer = make_offer(title="Noch geheim", **kwargs)
    assert anon.get(offer.get_absolute_url()).status_code == 404
    response = editor_client.get(offer.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html and "Noch geheim" in html
    assert html.count("<h1") == 1
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_published_offer_has_no_banner_for_staff(editor_client):
    offer = make_offer()
    assert BANNER not in editor_client.get(offer.get_absolute_url()).content.decode()


def test_staff_without_offer_permission_gets_404(client, django_user_model):
    user = django_user_model.objects.create_user("technik", "t@example.org", "sehr-geheim-123", is_staff=True)
    client.force_login(user)
    draft = make_offer(status="entwurf", published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_preview_query_budget(anon, editor_client, django_assert_max_num_queries):
    """The preview costs the public page's queries (≤ 10) plus the login's four: session, user, two permission sets."""
    draft = make_offer(status="entwurf", published_at=None, topics=["Robotik"])
    public = make_offer(topics=["Robotik"])
    for n in range(5):
        make_offer(topics=["Robotik"], coverage=["kreis-lippe"], title=f"Verwandt {n}")
    anon.get(public.get_absolute_url())
    with django_assert_max_num_queries(10):
        assert anon.get(public.get_absolute_url()).status_code == 200
    editor_client.get(draft.get_absolute_url())  # warm per-process caches (content types, cached flags)
    with django_assert_max_num_queries(14):
        assert editor_client.get(draft.get_absolute_url()).status_code == 200


def test_public_detail_needs_no_session_queries(anon, django_assert_max_num_queries):
    offer = make_offer()
    anon.get(offer.get_absolute_url())
    with django_assert_max_num_queries(8):
        response = anon.get(offer.get_absolute_url())
    assert "Cookie" not in response.get("Vary", "")
    assert Group.objects.exists()  # sanity: the roles exist in the test database
