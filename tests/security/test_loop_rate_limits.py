"""The transfer loop's public forms share one order of checks (allianz_portal.publicforms.check_post): past the
limit a German page with 429 and nothing stored; a honeypot send counts too."""

import pytest
from django.urls import reverse

import alerts.views
import enquiries.views
import needs.views
from alerts.models import SearchAlert
from allianz_portal.publicforms import RateLimit
from enquiries.models import Enquiry
from needs.models import Need
from offers.models import Topic
from tests.conftest import make_offer
from tests.enquiries.test_enquiries import valid as valid_enquiry
from tests.loop_helpers import post_form
from tests.needs.test_needs import valid as valid_need

pytestmark = pytest.mark.django_db


def forms():
    offer = make_offer(title="Cobot-Testfeld", contact_email="cobot@x.example")
    topic = Topic.objects.create(name="Energieeffizienz", slug="energieeffizienz")
    alert = {"email": "kmu@x.example", "frequency": "woechentlich", "consent": "on", "query": "thema=robotik"}
    return {
        "enquiry": (enquiries.views, reverse("enquiries:enquire", args=[offer.slug]), valid_enquiry(), Enquiry),
        "need": (needs.views, reverse("needs:report"), valid_need(topic), Need),
        "alert": (alerts.views, reverse("alerts:subscribe"), alert, SearchAlert),
    }


@pytest.mark.parametrize("name", ["enquiry", "need", "alert"])
def test_past_the_limit_a_german_429_and_nothing_stored(client, monkeypatch, django_capture_on_commit_callbacks, name):
    module, url, data, model = forms()[name]
    monkeypatch.setattr(module, "LIMIT", RateLimit(f"test-{name}", 2))
    assert post_form(client, url, {**data, "homepage": "http://spam.example"}, django_capture_on_commit_callbacks)
    assert post_form(client, url, data, django_capture_on_commit_callbacks).status_code == 302
    assert model.objects.count() == 1
    refused = post_form(client, url, {**data, "email": "zweite@x.example"}, django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert "Zu viele Anfragen in kurzer Zeit" in refused.content.decode()
    assert model.objects.count() == 1
