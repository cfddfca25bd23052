"""No lost updates: the second of two editors who loaded the same version is refused, with the changed fields."""

import pytest
from django.test import Client
from django.urls import reverse

from offers.models import Offer, VersionConflict
from tests.conftest import make_offer

from .conftest import admin_form_data, make_user

pytestmark = pytest.mark.django_db


def change_url(offer):
    return reverse("admin:offers_offer_change", args=[offer.pk])


def test_every_save_raises_the_version():
    offer = make_offer()
    start = offer.version
    offer.title = "Neu"
    offer.save()
    offer.summary = "Noch neuer"
    offer.save()
    offer.refresh_from_db()
    assert offer.version == start + 2


def test_saving_a_stale_instance_raises_instead_of_overwriting():
    offer = make_offer(title="Original")
    first, second = Offer.objects.get(pk=offer.pk), Offer.objects.get(pk=offer.pk)
    first.title = "Erste Änderung"
    first.save()
    second.title = "Zweite Änderung"
    with pytest.raises(VersionConflict):
        second.save()
    assert Offer.objects.get(pk=offer.pk).title == "Erste Änderung"


def test_second_editor_is_refused_with_the_fields_changed_meanwhile(django_user_model, editor):
    offer = make_offer(title="Robotik-Sprechstunde", summary="Alt.")
    other = make_user(django_user_model, "zweiter", "Redaktion")
    anna, ben = Client(), Client()
    anna.force_login(editor)
    ben.force_login(other)
    form_anna = admin_form_data(anna.get(change_url(offer)))
    form_ben = admin_form_data(ben.get(change_url(offer)))
    loaded = int(form_anna["loaded_version"])

    form_anna["summary"] = "Annas neue Kurzbeschreibung."
    response = anna.post(change_url(offer), form_anna)
    assert response.status_code == 302

    form_ben["title"] = "Bens Titel"
    response = ben.post(change_url(offer), form_ben)
    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    errors = response.context["adminform"].form.non_field_errors()
    assert errors and "inzwischen" in errors[0]
    assert "Kurzbeschreibung" in errors[0] and "Titel" not in errors[0].split("Inzwischen geändert:")[1]
    assert f"Version {loaded} → {loaded + 1}" in errors[0]
    assert 'value="Bens Titel"' in html  # Ben's input is kept

    offer.refresh_from_db()
    assert offer.summary == "Annas neue Kurzbeschreibung."
    assert offer.title == "Robotik-Sprechstunde"
    assert offer.version == loaded + 1


def test_a_missing_version_is_refused(editor_client):
    offer = make_offer()
    data = admin_form_data(editor_client.get(change_url(offer)))
    data["loaded_version"] = ""
    data["title"] = "Ohne Version"
    response = editor_client.post(change_url(offer), data)
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.title != "Ohne Version"


def test_unchanged_resave_by_the_same_editor_works_twice(editor_client):
    offer = make_offer()
    data = admin_form_data(editor_client.get(change_url(offer)))
    assert editor_client.post(change_url(offer), data).status_code == 302
    data = admin_form_data(editor_client.get(change_url(offer)))
    data["title"] = "Zweiter Durchgang"
    assert editor_client.post(change_url(offer), data).status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Zweiter Durchgang"


def test_a_save_without_touching_the_publication_date_records_no_change(editor_client):
    """The form shows whole seconds: leaving the field alone must not change it (it lost its microseconds)."""
    offer = make_offer(title="Alter Titel")  # published_at = now() - 1 day, with microseconds
    stored = Offer.objects.get(pk=offer.pk).published_at
    data = admin_form_data(editor_client.get(change_url(offer)))
    data["title"] = "Neuer Titel"
    assert editor_client.post(change_url(offer), data).status_code == 302
    offer.refresh_from_db()
    assert offer.published_at == stored
    newer, older = offer.history.order_by("-history_date", "-history_id")[:2]
    assert [change.field for change in newer.diff_against(older).changes] == ["title"]


def test_publishing_now_stamps_whole_seconds():
    offer = make_offer(status=Offer.Status.DRAFT, published_at=None)
    offer.status = Offer.Status.PUBLISHED
    offer.save()
    offer.refresh_from_db()
    assert offer.published_at is not None and offer.published_at.microsecond == 0


def test_the_conflict_message_lists_only_what_the_other_editor_changed(django_user_model, editor):
    offer = make_offer(title="Cobot-Testfeld", summary="Alt.")
    other = make_user(django_user_model, "zweiter", "Redaktion")
    anna, ben = Client(), Client()
    anna.force_login(editor)
    ben.force_login(other)
    form_anna = admin_form_data(anna.get(change_url(offer)))
    form_ben = admin_form_data(ben.get(change_url(offer)))
    form_anna["summary"] = "Annas Kurzbeschreibung."
    assert anna.post(change_url(offer), form_anna).status_code == 302

    form_ben["title"] = "Bens Titel"
    response = ben.post(change_url(offer), form_ben)
    error = response.context["adminform"].form.non_field_errors()[0]
    changed = error.split("Inzwischen geändert: ", 1)[1].split(".", 1)[0]
    assert changed == "Kurzbeschreibung"
    assert "von redakteurin" in error
