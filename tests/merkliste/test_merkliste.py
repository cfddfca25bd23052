import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from merkliste import views as merkliste
from offers.models import Offer
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

MERKLISTE = "/angebote/merkliste/"
ADD = "/angebote/merkliste/merken/"
REMOVE = "/angebote/merkliste/entfernen/"
COMPARE = "/angebote/vergleich/"


def saved(client):
    """The offer ids in the client's Merkliste cookie, read the way the site reads them."""
    request = RequestFactory().get("/", HTTP_COOKIE=client.cookies.output(header="", sep=";"))
    return merkliste.saved_ids(request)


def add(client, offer, headers=None, **extra):
    return client.post(ADD, {"angebot": offer.pk, **extra}, headers=headers)


def test_public_pages_set_no_cookie_before_use(client):
    offer = make_offer()
    for url in ("/angebote/", offer.get_absolute_url(), MERKLISTE, f"{COMPARE}?id={offer.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
    detail = client.get(offer.get_absolute_url()).content.decode()
    assert 'action="/angebote/merkliste/merken/"' in detail
    assert "csrfmiddlewaretoken" not in detail
    assert "Merkliste (" not in detail  # no header link without a Merkliste


def test_adding_sets_the_session_and_shows_the_offer(client):
    offer = make_offer(title="Digitalberatung Ruhr")
    response = add(client, offer)
    assert response.status_code == 302
    assert response["Location"] == offer.get_absolute_url()
    assert merkliste.COOKIE_NAME in response.cookies

    detail = client.get(offer.get_absolute_url()).content.decode()
    assert "„Digitalberatung Ruhr“ steht jetzt auf Ihrer Merkliste." in detail  # the confirmation shows once
    assert "Von der Merkliste entfernen" in detail
    html = client.get(MERKLISTE).content.decode()
    assert "steht jetzt auf Ihrer Merkliste" not in html
    assert "Digitalberatung Ruhr" in html
    assert "Merkliste (1)" in html


def test_adding_twice_keeps_one_entry_and_redirects_to_safe_next(client):
    offer = make_offer()
    add(client, offer)
    response = add(client, offer, next="/angebote/?seite=2")
    assert response["Location"] == "/angebote/?seite=2"
    assert saved(client) == [offer.pk]
    response = add(client, offer, next="https://evil.example/")
    assert response["Location"] == offer.get_absolute_url()


def test_removing(client):
    first, second = make_offer(title="Erstes Angebot"), make_offer(title="Zweites Angebot")
    add(client, first)
    add(client, second)
    response = client.post(REMOVE, {"angebot": first.pk})
    assert response["Location"] == MERKLISTE
    assert saved(client) == [second.pk]
    html = client.get(MERKLISTE).content.decode()
    assert "„Erstes Angebot“ wurde von der Merkliste entfernt." in html
    assert "Zweites Angebot" in html
    assert f'value="{first.pk}"' not in html


def test_only_public_offers(client):
    draft = make_offer(status=Offer.Status.DRAFT)
    response = add(client, draft)
    assert response.status_code == 400
    assert "nicht mehr veröffentlicht" in response.content.decode()
    assert saved(client) == []
    assert client.post(ADD, {"angebot": "abc"}).status_code == 400
    assert client.post(REMOVE, {"angebot": "<script>"}).status_code == 400


def test_offers_unpublished_later_disappear_from_the_list(client):
    offer = make_offer(title="Bald weg")
    add(client, offer)
    client.get("/")  # shows the confirmation
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ARCHIVED)
    html = client.get(MERKLISTE).content.decode()
    assert "Bald weg" not in html
    assert "Noch nichts gemerkt" in html


def test_get_and_cross_site_posts_are_refused(client):
    offer = make_offer()
    assert client.get(ADD).status_code == 405
    assert add(client, offer, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert add(client, offer, headers={"Origin": "https://evil.example"}).status_code == 403
    assert saved(client) == []
    same_site = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert add(client, offer, headers=same_site).status_code == 302
    assert saved(client) == [offer.pk]


def test_cap(client, monkeypatch):
    monkeypatch.setattr(merkliste, "MAX_ENTRIES", 3)
    offers = [make_offer() for _ in range(4)]
    for offer in offers:
        add(client, offer)
    assert saved(client) == [offer.pk for offer in offers[:3]]
    assert "Ihre Merkliste ist voll (3 Angebote)" in client.get(MERKLISTE).content.decode()


def test_cap_default_is_fifty():
    assert merkliste.MAX_ENTRIES == 50


def test_empty_merkliste_explains(client):
    html = client.get(MERKLISTE).content.decode()
    assert "Noch nichts gemerkt" in html
    assert "„Merken“" in html


@pytest.mark.parametrize("count", [2, 3, 4])
def test_compare_shows_the_fields(client, django_assert_max_num_queries, count):
    funder = make_offer(title="Förderprogramm Mittelstand", offer_type=Offer.OfferType.FUNDING)
    hidden_funder = make_offer(title="Geheimer Topf", offer_type=Offer.OfferType.FUNDING, status=Offer.Status.DRAFT)
    offers = [
        make_offer(
            title=f"Vergleichsangebot {number}",
            contact_email=f"kontakt{number}@example.org",
            contact_phone="+49 211 12345-0",
        )
        for number in range(count)
    ]
    offers[0].funded_by.set([funder, hidden_funder])
    query = "&".join(f"id={offer.pk}" for offer in offers)
    with django_assert_max_num_queries(10):
        response = client.get(f"{COMPARE}?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{count} Angebote im Vergleich" in html
    for offer in offers:
        assert offer.title in html
        assert f"mailto:{offer.contact_email}" in html
    assert 'href="tel:+4921112345' in html
    for label in ("Angebotsart", "Anbieter", "Kosten", "Format", "Gebiet", "Zielgruppen", "Finanzierbar über", "Stand"):
        assert f'<th scope="row" class="kern-table__header">{label}</th>' in html
    assert "<caption" in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert "Förderprogramm Mittelstand" in html
    assert "Geheimer Topf" not in html
    assert "Nordrhein-Westfalen" in html
    assert not response.cookies


@pytest.mark.parametrize(
    ("ids", "status", "message"),
    [
        (1, 200, "mindestens 2"),
        (5, 200, "höchstens 4"),
    ],
)
def test_compare_with_too_few_or_too_many(client, ids, status, message):
    offers = [make_offer() for _ in range(ids)]
    response = client.get(COMPARE, {"id": [offer.pk for offer in offers]})
    assert response.status_code == status
    assert message in response.content.decode()
    assert "<table" not in response.content.decode()


@pytest.mark.parametrize("query", ["id=abc&id=2", "id=", "id=-1&id=3", "id=99999999999999999999&id=1", "id=1.5"])
def test_compare_garbage(client, query):
    response = client.get(f"{COMPARE}?{query}")
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()


def test_compare_without_ids_and_with_unpublished(client):
    assert "mindestens 2" in client.get(COMPARE).content.decode()
    public, draft = make_offer(), make_offer(status=Offer.Status.DRAFT)
    response = client.get(COMPARE, {"id": [public.pk, draft.pk]})
    assert response.status_code == 200
    assert "zu wenige noch veröffentlicht" in response.content.decode()
    assert draft.title not in response.content.decode()
    three = [public, draft, make_offer()]
    html = client.get(COMPARE, {"id": [offer.pk for offer in three]}).content.decode()
    assert "2 Angebote im Vergleich" in html
    assert "Ein Angebot ist nicht mehr veröffentlicht" in html


def test_merkliste_compare_form_and_query_budget(client, django_assert_max_num_queries):
    offers = [make_offer() for _ in range(5)]
    for offer in offers:
        add(client, offer)
    with django_assert_max_num_queries(10):
        response = client.get(MERKLISTE)
    html = response.content.decode()
    assert f'action="{COMPARE}"' in html
    assert html.count('name="id"') == 5
    assert "Merkliste (5)" in html


def test_list_card_shows_state(client):
    offer = make_offer()
    assert ">Merken</span>" in client.get("/angebote/").content.decode()
    add(client, offer)
    assert "Von der Merkliste entfernen" in client.get("/angebote/").content.decode()


@override_settings(PAGE_CACHE_TIMEOUT=300)
def test_page_cache_never_mixes_merklisten(client):
    from django.test import Client

    offer = make_offer()
    anonymous = Client()
    for url in ("/angebote/", offer.get_absolute_url()):
        assert anonymous.get(url).status_code == 200  # fills the cache for anonymous visitors
    add(client, offer)
    client.get(offer.get_absolute_url())  # consumes the confirmation message
    for url in ("/angebote/", offer.get_absolute_url()):
        mine = client.get(url)
        assert "ETag" not in mine  # ran the view, not served from the cache
        assert "Von der Merkliste entfernen" in mine.content.decode()
        theirs = Client().get(url)
        assert "ETag" in theirs  # the anonymous page, from the cache
        assert "Von der Merkliste entfernen" not in theirs.content.decode()
        assert "Merkliste (" not in theirs.content.decode()
        assert not theirs.cookies


def test_saving_offers_anonymously_stores_no_session_row(client):
    """Finding 12: each anonymous Merkliste POST created a session row; the Merkliste is a signed cookie now."""
    from django.contrib.sessions.models import Session

    offers = [make_offer(title=f"Gemerkt {n}") for n in range(3)]
    for offer in offers:
        assert add(client, offer).status_code == 302
    client.post(REMOVE, {"angebot": offers[0].pk})
    client.get("/")  # shows the confirmations
    html = client.get(MERKLISTE).content.decode()
    assert "Gemerkt 1" in html and "Gemerkt 2" in html and "Gemerkt 0" not in html
    assert Session.objects.count() == 0
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    for _ in range(5):  # a bot without cookies
        add(Client(), offers[1])
    assert Session.objects.count() == 0


def test_a_forged_merkliste_cookie_is_ignored(client):
    offer = make_offer(title="Echt")
    client.cookies[merkliste.COOKIE_NAME] = f"{offer.pk}"  # unsigned
    assert "Noch nichts gemerkt" in client.get(MERKLISTE).content.decode()
    add(client, offer)
    value = client.cookies[merkliste.COOKIE_NAME].value
    client.cookies[merkliste.COOKIE_NAME] = value.replace(f"{offer.pk}:", "99999:", 1)
    assert saved(client) == []


def test_the_page_cache_knows_the_merkliste_cookie():
    from allianz_portal.pagecache import PERSONAL_COOKIES

    assert merkliste.COOKIE_NAME in PERSONAL_COOKIES
