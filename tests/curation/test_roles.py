"""Roles: Redaktion publishes everything; a partner editor curates only their institution's drafts.

The matrix: a partner editor of A tries every door to B's offer (change, delete, history, revert, each
bulk action) and gets 403/404/a redirect or no effect – the database stays as it was.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from offers.models import Offer
from offers.roles import EDITORS, PARTNER_EDITORS
from tests.conftest import make_offer

from .conftest import admin_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:offers_offer_changelist"


def snapshot(offer):
    row = Offer.objects.filter(pk=offer.pk).values().first()
    return row, sorted(offer.topics.names()) if row else None


def test_roles_exist_with_the_publish_permission_only_for_the_redaktion():
    call_command("setup_roles", verbosity=0)  # idempotent: running it again changes nothing
    editors, partners = Group.objects.get(name=EDITORS), Group.objects.get(name=PARTNER_EDITORS)
    assert editors.permissions.filter(codename="publish_offer").exists()
    assert editors.permissions.filter(codename="change_institution").exists()
    assert not partners.permissions.filter(codename="publish_offer").exists()
    assert set(partners.permissions.filter(content_type__model="offer").values_list("codename", flat=True)) == {
        "add_offer",
        "change_offer",
        "view_offer",
        "delete_offer",
    }


def test_partner_sees_only_their_institutions_offers(partner_client, institution_a, institution_b):
    own = make_offer(title="Eigenes Angebot", provider=institution_a, status="entwurf", published_at=None)
    make_offer(title="Fremder Entwurf", provider=institution_b, status="entwurf", published_at=None)
    make_offer(title="Fremdes öffentliches Angebot", provider=institution_b)
    response = partner_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert [offer.pk for offer in response.context["cl"].result_list] == [own.pk]
    # the autocomplete used by other admin forms is scoped as well
    url = reverse("admin:autocomplete") + "?app_label=alliance&model_name=recommendation&field_name=offers&term=Fremd"
    assert "Fremd" not in partner_client.get(url).content.decode()


def test_partner_creates_a_draft_for_their_institution_and_cannot_publish(partner_client, institution_a, institution_b):
    add_url = reverse("admin:offers_offer_add")
    response = partner_client.get(add_url)
    form = response.context["adminform"].form
    assert "provider" not in form.fields  # fixed to their institution
    assert [value for value, _ in form.fields["status"].choices] == ["entwurf", "pruefung"]
    data = {
        "title": "Neues Partnerangebot",
        "slug": "neues-partnerangebot",
        "summary": "Kurz.",
        "description": "Lang.",
        "offer_type": "beratung",
        "target_groups": ["1"],
        "coverage": [str(Offer.coverage.field.related_model.objects.get(slug="nrw").pk)],
        "cost": "kostenfrei",
        "format": "online",
        "status": "veroeffentlicht",  # not among the choices
        "review_interval_months": "12",
        "topics": "",
        "loaded_version": "",
    }
    response = partner_client.post(add_url, data)
    assert response.status_code == 200 and "status" in response.context["adminform"].form.errors
    data["status"] = "pruefung"
    assert partner_client.post(add_url, data).status_code == 302
    offer = Offer.objects.get(slug="neues-partnerangebot")
    assert offer.provider == institution_a and offer.status == "pruefung" and offer.published_at is None


def test_partner_cannot_publish_by_posting_the_status(partner_client, institution_a):
    draft = make_offer(provider=institution_a, status="entwurf", published_at=None)
    url = reverse("admin:offers_offer_change", args=[draft.pk])
    data = admin_form_data(partner_client.get(url))
    data["status"] = "veroeffentlicht"
    partner_client.post(url, data)
    draft.refresh_from_db()
    assert draft.status == "entwurf"


def test_partner_may_view_but_not_change_their_published_offer(partner_client, institution_a):
    published = make_offer(provider=institution_a, title="Läuft schon")
    url = reverse("admin:offers_offer_change", args=[published.pk])
    response = partner_client.get(url)
    assert response.status_code == 200 and "adminform" in response.context
    assert response.context["has_change_permission"] is False
    before = snapshot(published)
    partner_client.post(url, {**admin_form_data(response), "title": "Geändert"})
    assert snapshot(published) == before


@pytest.fixture
def foreign(institution_b):
    """B's draft with a history of two versions."""
    offer = make_offer(title="Geheimer Entwurf von B", provider=institution_b, status="entwurf", published_at=None)
    offer.summary = "Zweite Fassung."
    offer.save()
    return offer


@pytest.mark.parametrize(
    "url_name",
    ["admin:offers_offer_change", "admin:offers_offer_delete", "admin:offers_offer_history"],
)
def test_partner_is_refused_on_direct_urls_of_other_institutions(partner_client, foreign, url_name):
    before = snapshot(foreign)
    url = reverse(url_name, args=[foreign.pk])
    for response in (partner_client.get(url), partner_client.post(url, {"post": "yes", "title": "Gekapert"})):
        assert response.status_code in {302, 403, 404}
        if response.status_code == 302:
            assert response.url == reverse("admin:index")  # "does not exist", not a success
        assert "Geheimer Entwurf" not in response.content.decode()
    assert snapshot(foreign) == before


def test_partner_is_refused_on_revert_urls_of_other_institutions(partner_client, foreign):
    before = snapshot(foreign)
    record = foreign.history.order_by("history_date").first()
    url = reverse("admin:offers_offer_simple_history", args=[foreign.pk, record.history_id])
    assert partner_client.get(url).status_code == 403
    data = {"title": "Gekapert", "loaded_version": str(foreign.version), "status": "entwurf"}
    assert partner_client.post(url, data).status_code == 403
    assert snapshot(foreign) == before


def test_partner_cannot_see_or_recover_deleted_offers(partner_client, foreign):
    foreign_pk = foreign.pk
    foreign.delete()
    deletion = Offer.history.get(id=foreign_pk, history_type="-")
    assert partner_client.get(reverse("admin:offers_offer_deleted")).status_code == 403
    assert partner_client.post(reverse("admin:offers_offer_recover", args=[deletion.history_id])).status_code == 403
    assert not Offer.objects.filter(pk=foreign_pk).exists()


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("submit_for_review", {}),
        ("publish", {}),
        ("archive", {}),
        ("mark_verified", {}),
        ("add_topic", {"apply": "1", "new_topic": "Gekapert"}),
        ("delete_selected", {"post": "yes"}),
    ],
)
def test_bulk_actions_of_a_partner_act_only_on_permitted_rows(partner_client, institution_a, foreign, action, extra):
    own = make_offer(provider=institution_a, status="entwurf", published_at=None)
    foreign_published = make_offer(provider=foreign.provider, title="Öffentlich bei B")
    before = [snapshot(foreign), snapshot(foreign_published)]
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(foreign.pk), str(foreign_published.pk), str(own.pk)], **extra}
    response = partner_client.post(reverse(CHANGELIST), data)
    assert response.status_code in {200, 302, 403}
    assert [snapshot(foreign), snapshot(foreign_published)] == before
    assert "Geheimer Entwurf" not in response.content.decode()


def test_partner_actions_still_work_on_their_own_drafts(partner_client, institution_a):
    own = make_offer(provider=institution_a, status="entwurf", published_at=None)
    partner_client.post(reverse(CHANGELIST), {"action": "submit_for_review", ACTION_CHECKBOX_NAME: [str(own.pk)]})
    own.refresh_from_db()
    assert own.status == "pruefung"


def test_partner_preview_shows_own_drafts_only(partner_client, institution_a, foreign):
    own = make_offer(provider=institution_a, status="entwurf", published_at=None)
    assert partner_client.get(own.get_absolute_url()).status_code == 200
    assert partner_client.get(foreign.get_absolute_url()).status_code == 404
