"""Every admin write path ends a version conflict with a German message, never a 500, and writes nothing
partial (issue 13, finding 7: bulk "Thema hinzufügen" racing a form save)."""

import threading

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import IntegrityError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from offers import admin as offers_admin
from offers.models import Offer
from tests.conftest import make_offer
from tests.curation.conftest import admin_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:offers_offer_changelist")


def add_topic_data(offer, name="Kreislaufwirtschaft"):
    return {"action": "add_topic", ACTION_CHECKBOX_NAME: [str(offer.pk)], "apply": "1", "new_topic": name}


def test_bulk_action_on_an_offer_saved_meanwhile_changes_nothing(editor):
    """Sequential variant (SQLite too): the action holds an offer loaded before someone else's save."""
    offer = make_offer(title="Vorher")
    stale = Offer.objects.get(pk=offer.pk)
    offer.title = "Von der Kollegin"
    offer.save()
    history_before = offer.history.count()

    request = RequestFactory().post(CHANGELIST)
    request.user = editor
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = admin.site._registry[Offer]
    done = model_admin._save_each(request, [stale], lambda item: item.topics.add("Kreislaufwirtschaft"), ["topics"])

    assert done == []
    offer.refresh_from_db()
    assert (offer.title, offer.version, offer.topic_names) == ("Von der Kollegin", 2, "")
    assert not offer.topics.exists() and offer.history.count() == history_before
    [message] = [str(item) for item in get_messages(request)]
    assert message.startswith("Nicht geändert, weil inzwischen jemand anderes gespeichert hat: „Vorher“.")


def test_publish_on_an_offer_saved_meanwhile_is_refused_with_a_message(editor_client):
    offer = make_offer(status=Offer.Status.DRAFT, published_at=None)
    page = editor_client.get(CHANGELIST)  # the editor's list is loaded …
    assert offer.title in page.content.decode()
    Offer.objects.filter(pk=offer.pk).update(version=7)  # … someone saves …
    response = editor_client.post(CHANGELIST, {"action": "publish", ACTION_CHECKBOX_NAME: [str(offer.pk)]}, follow=True)
    # … the action loads the current version itself, so it publishes on top of the newer save (no conflict).
    assert response.status_code == 200 and "1 Angebot(e) veröffentlicht." in response.content.decode()
    offer.refresh_from_db()
    assert (offer.status, offer.version) == (Offer.Status.PUBLISHED, 8)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two connections need PostgreSQL")
def test_add_topic_racing_a_form_save_never_fails_and_never_half_writes(reseeded, editor):
    """Two real connections, 12 races: a form save and the bulk action on the same offer at the same moment."""
    assert connection.vendor == "postgresql"
    outcomes = {"action": 0, "conflict": 0}
    for number in range(12):
        offer = make_offer(title=f"Rennen {number}")
        url = reverse("admin:offers_offer_change", args=[offer.pk])
        form_client, action_client = Client(), Client()
        form_client.force_login(editor)
        action_client.force_login(editor)
        data = admin_form_data(form_client.get(url))
        data["title"] = f"Formular {number}"
        start, responses = threading.Barrier(2), {}

        def post(name, client, path, payload, start=start, responses=responses):
            try:
                start.wait(timeout=10)
                responses[name] = client.post(path, payload, follow=True)
            finally:
                connection.close()

        topic = f"Thema {number}"
        threads = [
            threading.Thread(target=post, args=("form", form_client, url, data)),
            threading.Thread(target=post, args=("action", action_client, CHANGELIST, add_topic_data(offer, topic))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert responses["form"].status_code == 200 and responses["action"].status_code == 200
        action_page = responses["action"].content.decode()
        offer.refresh_from_db()
        history = list(offer.history.order_by("history_id"))
        if topic in offer.topic_names:  # the action went through: topic, version and history entry together
            outcomes["action"] += 1
            assert "Thema „" + topic + "“ bei 1 Angebot(en) ergänzt." in action_page
            assert any(topic in (record.topic_names or "") for record in history)
        else:  # the action lost the race: told so, nothing of it written
            outcomes["conflict"] += 1
            assert "Nicht geändert, weil inzwischen jemand anderes gespeichert hat" in action_page
            assert not offer.topics.filter(name=topic).exists()
            assert all(topic not in (record.topic_names or "") for record in history)
        versions = [record.version for record in history]
        assert versions == sorted(versions) and versions[-1] == offer.version
        assert offer.history.order_by("-history_id").first().topic_names == offer.topic_names
    assert sum(outcomes.values()) == 12


def test_recovering_an_offer_someone_restored_at_the_same_moment(editor_client, monkeypatch):
    """Both restores passed the "does it exist again?" check; the database refuses the second insert."""
    offer = make_offer(title="Gelöscht")
    pk = offer.pk
    offer.delete()
    deletion = Offer.history.get(id=pk, history_type="-")
    history_before = Offer.history.filter(id=pk).count()

    real = offers_admin.recover_offer

    def restore_then_collide(record):
        real(record)  # the offer, its relations and its history entry are written …
        raise IntegrityError("duplicate key value violates unique constraint")  # … then the insert collides

    monkeypatch.setattr(offers_admin, "recover_offer", restore_then_collide)
    response = editor_client.post(reverse("admin:offers_offer_recover", args=[deletion.history_id]), follow=True)
    assert response.status_code == 200
    assert "Dieses Angebot hat gerade jemand anderes wiederhergestellt." in response.content.decode()
    assert not Offer.objects.filter(pk=pk).exists()  # rolled back: nothing half written
    assert Offer.history.filter(id=pk).count() == history_before
