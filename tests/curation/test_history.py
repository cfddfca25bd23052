"""History: who changed what when, as a diff; restore an old version; recover a deleted offer."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import escape

from alliance.models import Page
from offers.models import Offer
from partners.models import BoardMember, Institution
from regions.models import Region, RegionalNetwork
from tests.conftest import make_offer

from .conftest import admin_form_data

pytestmark = pytest.mark.django_db


def change_url(offer):
    return reverse("admin:offers_offer_change", args=[offer.pk])


@pytest.fixture
def edited(editor_client):
    """An offer edited once in the admin: title, a region and a topic changed."""
    offer = make_offer(title="Erste Fassung", coverage=["nrw"], topics=["Robotik"])
    data = admin_form_data(editor_client.get(change_url(offer)))
    data["title"] = "Zweite Fassung"
    data["coverage"] = [str(Region.objects.get(slug="kreis-lippe").pk)]
    data["topics"] = "Robotik, Cloud"
    assert editor_client.post(change_url(offer), data).status_code == 302
    offer.refresh_from_db()
    return offer


def test_one_admin_save_is_one_history_entry_with_user_and_final_relations(edited, editor):
    latest = edited.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == editor
    assert latest.title == "Zweite Fassung" and latest.version == edited.version
    assert list(latest.coverage.values_list("region__slug", flat=True)) == ["kreis-lippe"]
    assert latest.topic_names == "Cloud, Robotik"
    assert edited.history.filter(version=edited.version).count() == 1


def test_history_page_shows_the_diff(editor_client, edited):
    response = editor_client.get(reverse("admin:offers_offer_history", args=[edited.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erste Fassung" in html and "Zweite Fassung" in html
    assert "Gebiet" in html and "Kreis Lippe" in html
    assert "Themen" in html and "Cloud, Robotik" in html
    assert "redakteurin" in html


def test_restore_an_old_version_including_relations(editor_client, edited):
    first = edited.history.order_by("history_date", "history_id").filter(title="Erste Fassung").last()
    url = reverse("admin:offers_offer_simple_history", args=[edited.pk, first.history_id])
    response = editor_client.get(url)
    assert response.status_code == 200
    data = admin_form_data(response)
    assert data["title"] == "Erste Fassung"
    assert data["loaded_version"] == str(edited.version)  # the current version, so the save is not refused
    assert data["coverage"] == [str(Region.objects.get(slug="nrw").pk)]
    assert editor_client.post(url, data).status_code == 302
    edited.refresh_from_db()
    assert edited.title == "Erste Fassung"
    assert list(edited.coverage.values_list("slug", flat=True)) == ["nrw"]
    assert sorted(edited.topics.names()) == ["Robotik"]


def test_recover_a_deleted_offer(editor_client, edited):
    pk, slug = edited.pk, edited.slug
    response = editor_client.post(reverse("admin:offers_offer_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Offer.objects.filter(pk=pk).exists()

    listing = editor_client.get(reverse("admin:offers_offer_deleted"))
    assert listing.status_code == 200 and "Zweite Fassung" in listing.content.decode()
    deletion = Offer.history.get(id=pk, history_type="-")
    response = editor_client.post(reverse("admin:offers_offer_recover", args=[deletion.history_id]))
    assert response.status_code == 302
    offer = Offer.objects.get(pk=pk)
    assert (offer.slug, offer.title) == (slug, "Zweite Fassung")
    assert list(offer.coverage.values_list("slug", flat=True)) == ["kreis-lippe"]
    assert sorted(offer.topics.names()) == ["Cloud", "Robotik"]
    assert offer.target_groups.exists()
    assert not editor_client.get(reverse("admin:offers_offer_deleted")).context["records"]


def test_recover_refuses_when_the_slug_is_taken(editor_client):
    offer = make_offer(slug="doppelt")
    pk = offer.pk
    offer.delete()
    make_offer(slug="doppelt")
    deletion = Offer.history.get(id=pk, history_type="-")
    response = editor_client.post(reverse("admin:offers_offer_recover", args=[deletion.history_id]), follow=True)
    assert "ist inzwischen vergeben" in response.content.decode()
    assert not Offer.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("model", "field", "factory"),
    [
        (Institution, "short_name", lambda: Institution.objects.order_by("pk").first()),
        (RegionalNetwork, "short_name", lambda: RegionalNetwork.objects.order_by("pk").first()),
        (BoardMember, "function", lambda: BoardMember.objects.order_by("pk").first()),
        (Page, "lead", lambda: Page.objects.order_by("pk").first()),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_other_content_keeps_history_with_diff_and_restore(superuser_client_factory, model, field, factory):
    client = superuser_client_factory()
    obj = factory()
    old = getattr(obj, field)
    setattr(obj, field, "Geänderter Wert")
    obj.save()
    history_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk])
    html = client.get(history_url).content.decode()
    assert "Geänderter Wert" in html
    record = obj.history.exclude(**{field: "Geänderter Wert"}).order_by("-history_date").first()
    if record is None:  # reference data loaded before history existed: the first save is the oldest entry
        return
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history", args=[obj.pk, record.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert escape(old) in response.content.decode()


@pytest.fixture
def superuser_client_factory(client, django_user_model):
    def factory():
        user = django_user_model.objects.create_superuser("chef", "chef@example.org", "sehr-geheim-123")
        client.force_login(user)
        return client

    return factory


def history_rows(client, offer):
    """The history table as an editor reads it: [(date column, change reason, changes)] newest first."""
    page = client.get(reverse("admin:offers_offer_history", args=[offer.pk])).content.decode()
    body = page.split('id="change-history"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in body.split("</tr>")[:-1]:
        cells = [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in row.split("<td")[1:]]
        rows.append(tuple(cell.split(">", 1)[1].strip() if cell.startswith(">") else cell for cell in cells[-5:]))
    return rows


def test_history_shows_labels_names_and_local_time(editor_client, institution_a):
    """Status labels instead of stored values, providers by name, Berlin time to the minute, "–" for empty."""
    import datetime

    from django.utils import timezone

    offer = make_offer(status=Offer.Status.REVIEW, published_at=None, provider=institution_a)
    data = admin_form_data(editor_client.get(change_url(offer)))
    data["status"] = Offer.Status.PUBLISHED
    data["published_at_0"], data["published_at_1"] = "2026-07-01", "09:30:00"
    assert editor_client.post(change_url(offer), data).status_code == 302

    latest = history_rows(editor_client, offer)[0]
    date_column, _comment, _user, reason, changes = latest
    saved = offer.history.order_by("-history_date", "-history_id").first().history_date
    assert date_column == f"{timezone.localtime(saved):%d.%m.%Y, %H:%M} Uhr"
    assert reason == "–" and "None" not in " ".join(latest)
    assert "Status: In Prüfung → Veröffentlicht" in changes
    assert "pruefung" not in changes and "veroeffentlicht" not in changes
    assert "Veröffentlicht ab: – → 01.07.2026 09:30" in changes  # local (CEST) time, not UTC
    assert datetime.datetime(2026, 7, 1, 7, 30, tzinfo=datetime.UTC) == Offer.objects.get(pk=offer.pk).published_at


def test_history_names_related_records(editor_client, institution_a, institution_b):
    offer = make_offer(provider=institution_a, coverage=["nrw"])
    data = admin_form_data(editor_client.get(change_url(offer)))
    data["provider"] = str(institution_b.pk)
    data["coverage"] = [str(Region.objects.get(slug="kreis-lippe").pk), str(Region.objects.get(slug="kreis-soest").pk)]
    assert editor_client.post(change_url(offer), data).status_code == 302
    changes = history_rows(editor_client, offer)[0][-1]
    assert "Anbieter: Hochschule A → Kammer B" in changes
    assert "Gebiet: Nordrhein-Westfalen → Kreis Lippe, Kreis Soest" in changes
    assert "[" not in changes


def test_other_history_pages_are_readable_too(superuser_client_factory):
    institution = Institution.objects.create(name="Vorher GmbH", slug="vorher-gmbh", kind="unternehmen")
    client = superuser_client_factory()
    url = reverse("admin:partners_institution_change", args=[institution.pk])
    data = admin_form_data(client.get(url))
    data["name"] = "Nachher GmbH"
    data["is_alliance_partner"] = "on"
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("admin:partners_institution_history", args=[institution.pk])).content.decode()
    assert "Änderungen" in page and "Changes" not in page
    assert "Vorher GmbH" in page and "Nachher GmbH" in page
    assert "Partner der Allianz:</strong>" in page and "nein" in page and "False" not in page
