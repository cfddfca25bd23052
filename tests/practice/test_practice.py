"""Praxisbeispiele: public list (filter by region and topic) and detail pages, links from the offers and
networks they used, JSON-LD, sitemap, and curation with workflow and history in the admin."""

import datetime
import json
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.models import Offer
from practice.models import PracticeExample
from regions.models import Region, RegionalNetwork
from tests.conftest import make_offer
from tests.curation.conftest import make_user

pytestmark = pytest.mark.django_db


def make_example(offers=(), funding=(), networks=(), topics=(), **kwargs):
    values = {
        "title": "Ein Cobot übernimmt das Schleifen",
        "slug": "cobot-schleifen",
        "summary": "Ein Metallbauer testete einen Cobot.",
        "company_size": "klein",
        "kreis": Region.objects.get(slug="kreis-guetersloh"),
        "sector": "Metallbau",
        "challenge": "Schleifen band zwei Fachkräfte.",
        "approach": "Tests im **Cobot-Testfeld**.",
        "result": "Die Investition rechnet sich nach 20 Monaten.",
        "lessons": "Polieren klappte nicht.",
        "status": PracticeExample.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    values.update(kwargs)
    example = PracticeExample.objects.create(**values)
    example.offers.set(offers)
    example.funding.set(funding)
    example.networks.set(networks)
    if topics:
        from offers.models import Topic

        example.topics.set([Topic.objects.get_or_create(name=name)[0] for name in topics])
    return example


@pytest.fixture
def stories():
    lab = make_offer(title="Cobot-Testfeld")
    voucher = make_offer(title="Transfergutschein", offer_type="foerderung", max_amount=15000, rate_small=70)
    network = RegionalNetwork.objects.get(slug="its-owl")
    first = make_example(offers=[lab], funding=[voucher], networks=[network], topics=["Robotik"])
    second = make_example(
        title="Brötchen vorbestellen per App",
        slug="broetchen-app",
        kreis=Region.objects.get(slug="kreis-borken"),
        company_name="Bäckerei Beispiel",
        company_size="kleinst",
        sector="Bäckerhandwerk",
        topics=["E-Commerce"],
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    draft = make_example(title="Noch nicht fertig", slug="entwurf", status=PracticeExample.Status.DRAFT)
    draft.offers.set([lab])
    return {"lab": lab, "voucher": voucher, "network": network, "first": first, "second": second, "draft": draft}


def titles(html):
    return re.findall(r'<h3 class="kern-heading-small"><a class="kern-link" href="[^"]+">([^<]+)</a>', html)


def test_list_shows_public_examples_only(client, stories, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/praxisbeispiele/")
    html = response.content.decode()
    assert "<h1" in html and ">Praxisbeispiele</h1>" in html
    assert titles(html) == ["Ein Cobot übernimmt das Schleifen", "Brötchen vorbestellen per App"]
    assert "2 Praxisbeispiele" in html
    assert "Kleines Unternehmen · Metallbau · Kreis Gütersloh" in html  # anonymised company
    assert "Bäckerei Beispiel · Kreis Borken" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "ostwestfalen-lippe"}, ["Ein Cobot übernimmt das Schleifen"]),
        ({"region": "regierungsbezirk-muenster"}, ["Brötchen vorbestellen per App"]),
        ({"region": "nrw"}, ["Ein Cobot übernimmt das Schleifen", "Brötchen vorbestellen per App"]),
        ({"thema": "e-commerce"}, ["Brötchen vorbestellen per App"]),
        ({"thema": "robotik", "region": "kreis-borken"}, []),
    ],
)
def test_list_filters_by_region_and_topic(client, stories, params, expected):
    html = client.get("/praxisbeispiele/", params).content.decode()
    assert titles(html) == expected
    if not expected:
        assert "Zu dieser Auswahl gibt es noch kein Praxisbeispiel." in html


def test_unknown_filter_values_are_a_notice(client, stories):
    response = client.get("/praxisbeispiele/", {"region": "atlantis", "thema": "robotik"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Region: „atlantis“ gibt es nicht – dieser Filter wurde ignoriert." in html
    assert titles(html) == ["Ein Cobot übernimmt das Schleifen"]


def test_detail_tells_the_whole_story(client, stories, django_assert_max_num_queries):
    example = stories["first"]
    with django_assert_max_num_queries(10):
        html = client.get(example.get_absolute_url()).content.decode()
    assert '<h1 class="kern-heading-large">Ein Cobot übernimmt das Schleifen</h1>' in html
    for heading in ("Ausgangslage", "Vorgehen", "Ergebnis", "Was nicht funktioniert hat", "Genutzte Angebote"):
        assert f">{heading}</h2>" in html
    assert "<strong>Cobot-Testfeld</strong>" in html  # Markdown rendered
    assert f'href="{stories["lab"].get_absolute_url()}">Cobot-Testfeld</a>' in html
    assert "bis 15.000 € · 70 % Zuschuss" in html
    assert 'href="/netzwerke/its-owl/"' in html or "its-owl" in html
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html)
    (data,) = [item for item in map(json.loads, scripts) if item["@type"] == "Article"]
    assert data["headline"] == example.title
    assert data["spatialCoverage"]["name"] == "Kreis Gütersloh"


def test_drafts_are_not_public(client, stories):
    assert client.get(stories["draft"].get_absolute_url()).status_code == 404
    html = client.get(stories["lab"].get_absolute_url()).content.decode()
    assert "Noch nicht fertig" not in html


def test_an_offer_page_shows_an_example_from_the_request_after_it_is_published(client, stories):
    other = make_offer(title="Ohne Praxisbeispiel")
    html = client.get(other.get_absolute_url()).content.decode()
    assert 'id="practice-title"' not in html and "Noch nicht fertig" not in html
    draft = stories["draft"]
    draft.offers.add(other)
    draft.status = PracticeExample.Status.PUBLISHED
    draft.published_at = timezone.now() - datetime.timedelta(hours=1)
    draft.save()
    html = client.get(other.get_absolute_url()).content.decode()
    section = html.split('id="practice-title"')[1].split("</section>")[0]
    assert 'href="/praxisbeispiele/entwurf/">Noch nicht fertig</a>' in section


def test_offer_network_and_funding_pages_link_their_examples(client, stories):
    for page in (stories["lab"].get_absolute_url(), stories["voucher"].get_absolute_url()):
        html = client.get(page).content.decode()
        section = html.split('id="practice-title"')[1].split("</section>")[0]
        assert ">Praxisbeispiele</h2>" in section
        assert 'href="/praxisbeispiele/cobot-schleifen/">Ein Cobot übernimmt das Schleifen</a>' in section
    html = client.get(stories["network"].get_absolute_url()).content.decode()
    assert 'href="/praxisbeispiele/cobot-schleifen/"' in html


def test_navigation_sitemap_and_english(client, stories):
    assert 'href="/praxisbeispiele/"' in client.get("/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/praxisbeispiele/cobot-schleifen/" in sitemap and "/praxisbeispiele/entwurf/" not in sitemap
    html = client.get("/en/praxisbeispiele/").content.decode()
    assert ">Practice examples</h1>" in html


def test_editor_curates_with_workflow_and_history(editor_client, stories):
    example = stories["draft"]
    versions = example.history.count()
    url = reverse("admin:practice_practiceexample_changelist")
    response = editor_client.post(url, {"action": "publish", "_selected_action": [example.pk]}, follow=True)
    assert "1 Praxisbeispiel(e) veröffentlicht." in response.content.decode()
    example.refresh_from_db()
    assert example.status == Offer.Status.PUBLISHED and example.published_at is not None
    assert example.history.count() == versions + 1
    assert example.history.first().status == Offer.Status.PUBLISHED
    history = editor_client.get(reverse("admin:practice_practiceexample_history", args=[example.pk]))
    assert history.status_code == 200 and "Noch nicht fertig" in history.content.decode()


def test_editor_without_publish_permission_cannot_publish(client, django_user_model, stories):
    from django.contrib.auth.models import Permission

    user = make_user(django_user_model, "autorin")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_practiceexample", "change_practiceexample"])
    )
    client.force_login(user)
    example = stories["draft"]
    form = client.get(reverse("admin:practice_practiceexample_change", args=[example.pk])).content.decode()
    assert 'value="veroeffentlicht"' not in form.split('name="status"')[1].split("</select>")[0]
    changelist = client.get(reverse("admin:practice_practiceexample_changelist")).content.decode()
    assert 'value="publish"' not in changelist
    published = client.get(reverse("admin:practice_practiceexample_change", args=[stories["first"].pk]))
    assert "Ein Cobot übernimmt das Schleifen" in published.content.decode()
    assert 'name="title"' not in published.content.decode()  # view only


def test_a_kreis_is_required_not_a_region():
    from django.core.exceptions import ValidationError

    example = PracticeExample(
        title="x",
        slug="x",
        summary="x",
        company_size="klein",
        kreis=Region.objects.get(slug="ostwestfalen-lippe"),
        sector="x",
        challenge="x",
        approach="x",
        result="x",
    )
    with pytest.raises(ValidationError) as error:
        example.full_clean()
    assert "Bitte einen Kreis oder eine kreisfreie Stadt wählen." in error.value.message_dict["kreis"]


def test_a_scheduled_example_shows_from_its_time_also_on_cached_pages(client, settings):
    """Its publication time starts a new content state, as an offer's does: the cached offer, network and
    list pages show it from then on, without any other change."""
    settings.PAGE_CACHE_TIMEOUT = 3600
    lab = make_offer(title="Cobot-Testfeld")
    network = RegionalNetwork.objects.get(slug="its-owl")
    due = timezone.now() + datetime.timedelta(hours=1)
    make_example(offers=[lab], networks=[network], published_at=due)
    cached_pages = [lab.get_absolute_url(), reverse("practice:list")]
    urls = [*cached_pages, network.get_absolute_url()]
    for url in urls:
        assert "Ein Cobot übernimmt das Schleifen" not in client.get(url).content.decode(), url
    for url in cached_pages:
        assert client.get(url).context is None, url  # the answer comes from the page cache
    with mock.patch("django.utils.timezone.now", return_value=due + datetime.timedelta(minutes=1)):
        for url in urls:
            assert "Ein Cobot übernimmt das Schleifen" in client.get(url).content.decode(), url
