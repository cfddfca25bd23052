import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from allianz_portal.text import german_slugify, render_markdown
from offers.models import Offer, Topic
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db


def test_public_excludes_drafts_review_archived_and_future_publication():
    visible = make_offer(title="Sichtbar")
    make_offer(status=Offer.Status.DRAFT, published_at=None)
    make_offer(status=Offer.Status.REVIEW, published_at=None)
    make_offer(status=Offer.Status.ARCHIVED)
    make_offer(published_at=timezone.now() + datetime.timedelta(hours=2))
    assert list(Offer.objects.public()) == [visible]
    assert visible.is_public


def test_scheduled_offer_becomes_public_when_its_time_has_come():
    offer = make_offer(published_at=timezone.now() + datetime.timedelta(days=2))
    assert offer not in Offer.objects.public()
    assert offer in Offer.objects.public(now=timezone.now() + datetime.timedelta(days=3))


def test_publishing_without_date_stamps_now():
    offer = make_offer(status=Offer.Status.DRAFT, published_at=None)
    offer.status = Offer.Status.PUBLISHED
    offer.save()
    assert offer.published_at is not None
    assert offer in Offer.objects.public()


def test_current_hides_ended_events_and_passed_deadlines():
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    running = make_offer(title="ohne Termin")
    future_event = make_offer(offer_type="veranstaltung", start_date=today + day)
    make_offer(offer_type="veranstaltung", start_date=today - 3 * day, end_date=today - 2 * day)
    make_offer(offer_type="veranstaltung", start_date=today - day)  # one-day event yesterday
    open_call = make_offer(offer_type="foerderung", deadline=today)
    make_offer(offer_type="foerderung", deadline=today - day)
    assert set(Offer.objects.public().current()) == {running, future_event, open_call}


def test_database_refuses_end_before_start():
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_offer(start_date=today, end_date=today - datetime.timedelta(days=1))


def test_clean_explains_end_before_start_in_german():
    today = timezone.localdate()
    offer = Offer(start_date=today, end_date=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        offer.clean()
    assert "Ende" in str(error.value)


def test_summary_is_limited_to_300_characters():
    offer = make_offer()
    offer.summary = "x" * 301
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert "summary" in error.value.message_dict


def test_topics_get_german_slugs():
    offer = make_offer(topics=["Künstliche Intelligenz", "Größenwachstum"])
    assert set(offer.topics.values_list("slug", flat=True)) == {"kuenstliche-intelligenz", "groessenwachstum"}
    assert Topic.objects.get(name="Künstliche Intelligenz").slug == "kuenstliche-intelligenz"


def test_funding_link_and_reverse_lookup():
    voucher = make_offer(offer_type="foerderung", title="Transfergutschein")
    lab = make_offer(offer_type="labor")
    lab.funded_by.add(voucher)
    assert list(voucher.funds.all()) == [lab]


def test_german_slugify():
    assert german_slugify("Kreis Gütersloh") == "kreis-guetersloh"
    assert german_slugify("Mülheim an der Ruhr") == "muelheim-an-der-ruhr"
    assert german_slugify("Straße & Weiß") == "strasse-weiss"


def test_markdown_cannot_inject_script_or_javascript_links():
    html = render_markdown(
        "**fett** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://nrw.de)"
    )
    assert "<strong>fett</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html
    assert 'href="https://nrw.de"' in html and 'rel="noopener noreferrer"' in html


def test_markdown_lists_directly_under_a_line_become_lists():
    html = render_markdown("**Ablauf:**\n1. Erstgespräch\n2. Skizze\n\nText\n- a\n- b")
    assert "<ol>" in html and html.count("<li>") == 4 and "<ul>" in html


def test_reserved_slugs_are_refused():
    offer = make_offer()
    offer.slug = "vorschlagen"
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert "schon vergeben" in str(error.value)


def test_publishing_without_date_passes_full_clean():
    offer = make_offer(status=Offer.Status.DRAFT, published_at=None)
    offer.status = Offer.Status.PUBLISHED
    offer.full_clean()  # the admin validates before saving: the date must already be there
    assert offer.published_at is not None
