"""Bulk actions: publish and archive (Redaktion only), mark verified, add a topic via an intermediate page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from offers.models import Offer, Topic
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:offers_offer_changelist")


def test_add_topic_asks_first_then_adds_to_all_selected(editor_client):
    first, second = make_offer(topics=["Robotik"]), make_offer()
    untouched = make_offer()
    selected = {"action": "add_topic", ACTION_CHECKBOX_NAME: [str(first.pk), str(second.pk)]}
    page = editor_client.post(CHANGELIST, selected)
    assert page.status_code == 200
    assert "Thema hinzufügen" in page.content.decode() and first.title in page.content.decode()
    assert not Topic.objects.filter(name="Kreislaufwirtschaft").exists()  # nothing happens before confirming

    missing = editor_client.post(CHANGELIST, {**selected, "apply": "1"})
    assert "Bitte ein Thema auswählen" in missing.content.decode()

    done = editor_client.post(CHANGELIST, {**selected, "apply": "1", "new_topic": "Kreislaufwirtschaft"})
    assert done.status_code == 302
    for offer in (first, second):
        offer.refresh_from_db()
        assert "Kreislaufwirtschaft" in offer.topics.names()
        assert "Kreislaufwirtschaft" in offer.topic_names  # search text and history follow
        assert "Kreislaufwirtschaft" in offer.history.order_by("-history_date").first().topic_names
    assert "Robotik" in first.topics.names()
    assert not untouched.topics.exists()


def test_add_an_existing_topic(editor_client):
    offer = make_offer()
    topic = Topic.objects.create(name="Wasserstoff", slug="wasserstoff")
    data = {"action": "add_topic", ACTION_CHECKBOX_NAME: [str(offer.pk)], "apply": "1", "topic": str(topic.pk)}
    editor_client.post(CHANGELIST, data)
    assert list(offer.topics.all()) == [topic]


def test_publish_and_archive_are_not_offered_to_partner_editors(partner, editor):
    make_offer()

    def actions(user):
        client = Client()
        client.force_login(user)
        return dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)

    partner_actions, editor_actions = actions(partner), actions(editor)
    assert "publish" not in partner_actions and "archive" not in partner_actions
    assert {"publish", "archive", "mark_verified", "add_topic", "delete_selected"} <= set(editor_actions)


def test_bulk_delete_by_the_redaktion_is_recoverable(editor_client):
    offers = [make_offer(), make_offer()]
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(offer.pk) for offer in offers]}
    assert editor_client.post(CHANGELIST, data).status_code == 200  # confirmation page
    editor_client.post(CHANGELIST, {**data, "post": "yes"})
    assert not Offer.objects.filter(pk__in=[offer.pk for offer in offers]).exists()
    assert Offer.history.filter(history_type="-", id__in=[offer.pk for offer in offers]).count() == 2
