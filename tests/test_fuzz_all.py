"""Property-based fuzzing of every public list view's GET parameters and of the submission form's fields:
whatever arrives, the answer is a page or a clear 4xx – never a 5xx – and nothing the visitor sent comes
back unescaped. Each test counts its cases and asserts the count, so a CI run provably tries ≥ 1,000."""

import time
from urllib.parse import urlencode

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

LIST_CASES = 800
FORM_CASES = 300

# /angebote/ reads these (finder/filters.py); the other lists ignore their query strings, which must stay harmless.
OFFER_PARAMS = ["q", "ort", "region", "netzwerk", "thema", "art", "zielgruppe", "dimension", "kosten", "format"]
OFFER_PARAMS += ["anbieter", "aktuell", "sort", "seite"]
OTHER_PARAMS = ["page", "q", "o", "sort", "format", "utm_source", "_", "unbekannt", "seite[]", "a b", "ö"]
LISTS = {
    "/angebote/": OFFER_PARAMS + OTHER_PARAMS,
    "/regionen/": OTHER_PARAMS,
    "/regionen/nrw/": OTHER_PARAMS,
    "/regionen/kreis-lippe/": OTHER_PARAMS,
    "/regionen/ostwestfalen-lippe/": OTHER_PARAMS,
    "/netzwerke/": OTHER_PARAMS,
    "/partner/": OTHER_PARAMS,
    "/transferlandkarte/": [*OTHER_PARAMS, "art", "thema", "region"],
}
VALID = [
    "robotik", "beratung", "kmu", "technologie", "kostenfrei", "gefoerdert", "online", "vor-ort", "its-owl",
    "kreis-lippe", "nrw", "ostwestfalen-lippe", "33415", "48143", "Verl", "Münster", "05766", "ja", "nein", "titel",
    "termin", "relevanz", "neu", "1", "2", "0", "-1", "999999999999", "",
    "on", "a@example.org", "https://example.org", "2027-03-31", "31.03.2027", "kostenfrei", "hybrid",
]  # fmt: skip
NASTY = [
    "\x00", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' OR 1=1 --", "%00", "../../etc/passwd",
    "😀", "ä" * 300, "x" * 5_000, " ", "&amp;", "robotik:* & !", "NaN", "1e999", "０１２", "\u202e", "\ud7ff",
    "{{ 7*7 }}", "{% csrf_token %}", "${jndi:ldap://x}", "\r\nSet-Cookie: a=b", "<!--", "]]>", "\\", "'", '"',
    '"autofocus onfocus="alert(1)', "'onmouseover='alert(1)",
]  # fmt: skip
MARK = "zq9"  # prefixed to nasty input: "zq9<…" can only appear in the page if reflected unescaped
values = st.one_of(
    st.sampled_from(VALID),
    st.sampled_from(NASTY).map(MARK.__add__),
    st.text(max_size=80).map(MARK.__add__),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def list_requests(draw):
    url = draw(st.sampled_from(list(LISTS)))
    pairs = draw(st.lists(st.tuples(st.sampled_from(LISTS[url]), values), max_size=8))
    return url, pairs


def could_break_out(value):
    """Markup, or a quote followed by more than an attribute's end: `zq9"` alone is no proof, since another
    field's harmless `zq9` renders as `value="zq9"`."""
    if not value.startswith(MARK):
        return False
    if "<" in value or ">" in value:
        return True
    for quote in "\"'":
        _, found, tail = value.partition(quote)
        if found and len(tail) >= 3 and not tail[0].isspace():
            return True
    return False


def assert_not_reflected(html, sent):
    for value in sent:
        if could_break_out(value):
            assert value not in html, f"reflected unescaped: {value!r}"


@pytest.fixture
def content():
    make_offer(title="Robotikberatung", topics=["Robotik"], coverage=["kreis-lippe"])
    make_offer(title="Transfergutschein", offer_type="foerderung", topics=["Förderung"])
    make_offer(title="KI-Labor", offer_type="labor", format="online", coverage=["ostwestfalen-lippe"])


def test_public_lists_never_fail_and_never_reflect_markup(client, content):
    cases = 0

    @settings(max_examples=LIST_CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(request=list_requests())
    def run(request):
        nonlocal cases
        cases += 1
        url, pairs = request
        response = client.get(url + "?" + urlencode(pairs))
        assert response.status_code < 500, (url, pairs)
        if response.status_code == 200:
            assert_not_reflected(response.content.decode(), [value for _, value in pairs])

    run()
    print(f"\nfuzzed {cases} list requests")
    assert cases >= LIST_CASES


def submission_url():
    try:
        return reverse("submissions:submit")
    except NoReverseMatch:
        return None


def test_submission_form_never_fails_and_never_reflects_markup(client, content):
    from django.core.cache import cache

    from allianz_portal import publicforms

    url = submission_url()
    if url is None:
        pytest.skip("TODO: the submission form /angebote/vorschlagen/ (submissions:submit) is not built yet")
    page = client.get(url)
    assert page.status_code == 200
    fields = sorted(set(page.context["form"].fields) - {"token", "homepage"})
    assert "title" in fields and "consent" in fields
    field_values = st.one_of(values, st.lists(values, min_size=1, max_size=3))  # multi-value fields get lists
    cases = 0

    @settings(max_examples=FORM_CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(
        data=st.dictionaries(st.sampled_from([*fields, "unbekannt"]), field_values, max_size=len(fields) + 1),
        token=st.sampled_from(["valid", "valid", "valid", "none", "forged"]),
        honeypot=st.sampled_from(["", "", "", "", "http://spam.example"]),
    )
    def run(data, token, honeypot):
        nonlocal cases
        cases += 1
        cache.clear()  # the per-address rate limit would otherwise answer 429 to every later case
        payload = {**data, "homepage": honeypot}
        if token == "valid":
            payload["token"] = publicforms.make_token(now=time.time() - 60)
        elif token == "forged":
            payload["token"] = MARK + '"><b>'
        response = client.post(url, payload)
        assert response.status_code < 500, payload
        if response.status_code in {200, 400}:
            sent = [item for value in data.values() for item in (value if isinstance(value, list) else [value])]
            assert_not_reflected(response.content.decode(), sent)

    run()
    print(f"\nfuzzed {cases} form submissions")
    assert cases >= FORM_CASES
