"""Page-cache misses stay lean (issue 16): the list, a search and the detail page read a fixed number of
rows from the database, the filter sidebar and the offer cards are remembered per content state – and
what a visitor sees is still right after every change, in every language, with or without a Merkliste."""

import re

import pytest
from django.urls import reverse

from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    robotics = make_offer(title="Robotik in der Werkstatt", slug="robotik-werkstatt", coverage=["kreis-lippe"])
    robotics.topics.add("Robotik")
    robotics.topics.add("Automatisierung")  # assigned second: shown second, though "A" sorts first
    consulting = make_offer(title="Beratung Logistik", slug="beratung-logistik", topics=["Logistik"])
    make_offer(title="Förderung Logistik", slug="foerderung-logistik", offer_type="foerderung", topics=["Logistik"])
    return {"robotics": robotics, "consulting": consulting}


def sidebar(response):
    html = response.content.decode()
    return html[html.index('<aside class="directory__filters"') : html.index("</aside>")]


def topic_count(response, slug):
    found = re.search(rf'id="f-thema-{slug}"[^>]*>\s*<label[^>]*>[^<]*<span class="count">\((\d+)\)', sidebar(response))
    return int(found.group(1)) if found else 0


def card_titles(response):
    return re.findall(
        r'class="offer-card__title"><a class="kern-link" href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def test_list_miss_reads_the_version_the_rows_and_their_topics(client, offers, django_assert_num_queries):
    client.get("/angebote/")  # builds the facet index
    with django_assert_num_queries(3):  # content state, the page's offers, their topics
        response = client.get("/angebote/", {"art": "beratung", "sort": "titel"})
    assert 'id="ergebnisse">2 Angebote</h1>' in response.content.decode()
    assert card_titles(response) == ["Beratung Logistik", "Robotik in der Werkstatt"]


def test_card_topics_in_the_order_they_were_assigned(client, offers):
    html = client.get("/angebote/", {"thema": "robotik"}).content.decode()
    assert '<ul class="topic-list" aria-label="Themen"><li>Robotik</li><li>Automatisierung</li></ul>' in html
    detail = client.get(offers["robotics"].get_absolute_url()).content.decode()
    assert "Robotik, Automatisierung</dd>" in detail


def test_sidebar_of_a_selection_is_the_same_on_every_page_and_sort(client, offers):
    first = client.get("/angebote/", {"thema": "logistik"})
    by_title = client.get("/angebote/", {"thema": "logistik", "sort": "neu", "seite": "1"})
    assert sidebar(first) == sidebar(by_title)
    assert topic_count(first, "logistik") == 2
    kept = client.get("/angebote/", {"thema": "logistik", "sort": "titel"})
    assert '<input type="hidden" name="sort" value="titel">' in sidebar(kept)
    assert 'name="sort"' not in sidebar(first)


def test_sidebar_and_cards_follow_every_change(client, offers):
    response = client.get("/angebote/")
    assert topic_count(response, "logistik") == 2
    assert "Beratung Logistik" in card_titles(response)
    make_offer(title="Logistik digital", topics=["Logistik"])
    consulting = Offer.objects.get(pk=offers["consulting"].pk)
    consulting.title = "Beratung Lagerlogistik"
    consulting.save()
    response = client.get("/angebote/")
    assert topic_count(response, "logistik") == 3
    titles = card_titles(response)
    assert "Beratung Lagerlogistik" in titles and "Beratung Logistik" not in titles
    assert "Logistik digital" in titles


def test_sidebar_and_cards_per_language(client, offers):
    german = client.get("/angebote/").content.decode()
    english = client.get("/en/angebote/").content.decode()
    assert 'href="/angebote/robotik-werkstatt/"' in german and "Angebotsart" in german
    assert 'href="/en/angebote/robotik-werkstatt/"' in english and "Type of offer" in english


def test_remembered_card_carries_this_page_and_this_visitors_merkliste(client, offers):
    pk = offers["robotics"].pk
    client.get("/angebote/", {"region": "kreis-lippe"})
    client.post(reverse("merkliste:add"), {"angebot": pk})  # the signed Merkliste cookie
    html = client.get("/angebote/", {"region": "kreis-lippe"}).content.decode()
    assert html.count("Von der Merkliste entfernen:") == 1
    assert '<input type="hidden" name="next" value="/angebote/?region=kreis-lippe">' in html
    other = client.get("/angebote/", {"q": "Robotik", "region": "kreis-lippe"}).content.decode()
    assert '<input type="hidden" name="next" value="/angebote/?q=Robotik&amp;region=kreis-lippe">' in other
    client.post(reverse("merkliste:remove"), {"angebot": pk})
    html = client.get("/angebote/", {"region": "kreis-lippe"}).content.decode()
    assert "Von der Merkliste entfernen" not in html


def test_search_highlights_the_searched_words_on_every_card(client, offers, django_assert_max_num_queries):
    client.get("/angebote/", {"q": "Logistik"})  # the ranking is remembered for this content state
    with django_assert_max_num_queries(3):  # content state, the page's offers, their topics
        response = client.get("/angebote/", {"q": "Logistik", "sort": "titel"})
    html = response.content.decode()
    assert "Beratung <mark>Logistik</mark>" in html
    assert "Förderung <mark>Logistik</mark>" in html
    assert "<mark>Robotik</mark>" not in html


def detail_facts(response):
    """{label: value} of the offer page's "Auf einen Blick" list."""
    html = response.content.decode()
    return dict(re.findall(r'__key">([^<]+)</dt><dd class="kern-description-list-item__value">(.*?)</dd>', html))


def test_detail_miss_query_count(client, offers, django_assert_num_queries):
    url = offers["consulting"].get_absolute_url()
    client.get(url)
    # content state, offer (+ provider, seat, network), its topics, target groups, dimensions, regions and
    # funding programmes (one statement; none to read); the related offers were read for this content state
    with django_assert_num_queries(3):
        response = client.get(url)
    html = response.content.decode()
    assert '<h1 class="kern-heading-large">Beratung Logistik</h1>' in html
    assert "Förderung Logistik" in html  # a related offer (shared topic)
    facts = detail_facts(response)
    assert facts["Für wen"] == "KMU"
    assert facts["Wo"] == '<a class="kern-link" href="/regionen/nrw/">Nordrhein-Westfalen</a>'
    assert facts["Themen"] == "Logistik"
    funding = Offer.objects.get(slug="foerderung-logistik")
    funding.title = "Förderung Logistik und Lager"
    funding.save()
    client.get(offers["robotics"].get_absolute_url())  # the index and the state's vocabularies follow the edit
    # in the new content state the related offers and their topics are read again (no practice example)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert "Förderung Logistik und Lager" in response.content.decode()


def test_detail_facts_follow_renamed_topics_target_groups_and_regions(client, offers):
    from offers.models import TargetGroup, Topic
    from regions.models import Region

    url = offers["consulting"].get_absolute_url()
    assert "Logistik</dd>" in client.get(url).content.decode()
    renames = [
        (Topic, "logistik", "Logistik und Lager"),
        (TargetGroup, "kmu", "Kleine und mittlere Unternehmen"),
        (Region, "nrw", "Land Nordrhein-Westfalen"),
    ]
    for model, slug, name in renames:
        renamed = model.objects.get(slug=slug)
        renamed.name = name
        renamed.save()
    facts = detail_facts(client.get(url))
    assert facts["Themen"] == "Logistik und Lager"
    assert facts["Für wen"] == "Kleine und mittlere Unternehmen"
    assert facts["Wo"] == '<a class="kern-link" href="/regionen/nrw/">Land Nordrhein-Westfalen</a>'


def test_home_counts_follow_every_change(client, offers, django_assert_num_queries):
    assert "Alle 3 Angebote ansehen" in client.get("/").content.decode()
    with django_assert_num_queries(1):  # the content state; the counts are remembered for it
        html = client.get("/").content.decode()
    assert 'href="/angebote/?thema=logistik">Logistik</a> <span class="count">2</span>' in html
    make_offer(title="Logistik für alle", topics=["Logistik"])
    html = client.get("/").content.decode()
    assert "Alle 4 Angebote ansehen" in html
    assert 'href="/angebote/?thema=logistik">Logistik</a> <span class="count">3</span>' in html
    assert "View all 4 offers" in client.get("/en/").content.decode()


def card_providers(response):
    return re.findall(r'<p class="offer-card__meta">\s*<span>([^<]+)</span>', response.content.decode())


def test_an_edit_renders_only_the_cards_it_changed(client, offers, monkeypatch):
    from django.template.loader import get_template

    from finder.templatetags import finder

    client.get("/angebote/")
    rendered = []
    card = get_template(finder.CARD, using="jinja2")
    monkeypatch.setattr(finder, "get_template", lambda name, using: rendered.append(name) or card)
    consulting = Offer.objects.get(pk=offers["consulting"].pk)
    consulting.title = "Beratung Lagerlogistik"
    consulting.save()
    response = client.get("/angebote/")
    assert sorted(card_titles(response)) == ["Beratung Lagerlogistik", "Förderung Logistik", "Robotik in der Werkstatt"]
    assert rendered == ["finder/offer_card.html"]  # the two unchanged cards are remembered


def test_cards_follow_their_provider_and_topic_names(client, offers):
    from offers.models import Topic

    client.get("/angebote/")
    provider = offers["robotics"].provider
    provider.name = "Lernfabrik Lippe"
    provider.save()
    topic = Topic.objects.get(slug="automatisierung")
    topic.name = "Automation"
    topic.save()
    response = client.get("/angebote/", {"thema": "robotik"})
    assert card_providers(response) == ["Lernfabrik Lippe"]
    topics = '<ul class="topic-list" aria-label="Themen"><li>Robotik</li><li>Automation</li></ul>'
    assert topics in response.content.decode()


def test_a_highlighted_card_follows_the_synonyms(client, offers):
    from search.models import Synonym

    make_offer(title="Robotik und Automation", slug="robotik-automation")
    html = client.get("/angebote/", {"q": "Robotik"}).content.decode()
    assert "<mark>Robotik</mark> und Automation</a>" in html
    Synonym.objects.create(terms="Robotik, Automation")
    html = client.get("/angebote/", {"q": "Robotik"}).content.decode()
    assert "<mark>Robotik</mark> und <mark>Automation</mark></a>" in html
