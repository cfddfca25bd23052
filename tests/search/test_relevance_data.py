"""The relevance test set and the shipped synonym list are well-formed data.

The search test itself (pass rate and MRR per database) reads the same files; this module checks that the
files say what they claim: every offer uses values the portal knows, every case names offers that exist,
every category has enough cases, a "no match" query really shares no word with any offer or synonym, and a
place case only names offers that are available at its place.
"""

import collections
import json
import re
import unicodedata
from pathlib import Path

import pytest

from offers.models import Offer, TargetGroup
from regions import coverage
from regions.models import Region

ROOT = Path(__file__).resolve().parents[2]
RELEVANCE = Path(__file__).resolve().parent / "relevance"
CATEGORIES = {
    "singular_plural",
    "compound",
    "synonym",
    "english",
    "hyphen_digit",
    "typo",
    "transliteration",
    "sentence",
    "place",
    "no_match",
}
OFFER_FIELDS = {
    "key",
    "title",
    "summary",
    "description",
    "topics",
    "provider",
    "offer_type",
    "cost",
    "regions",
    "target_groups",
}
CASE_FIELDS = {"query", "category", "relevant", "within", "note"}


def load(path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


OFFERS = load(RELEVANCE / "offers.json")
CASES = load(RELEVANCE / "cases.json")
SYNONYMS = load(ROOT / "fixtures" / "reference" / "synonyms.json")
OFFERS_BY_KEY = {offer["key"]: offer for offer in OFFERS}


def fold(text):
    """Lower case with umlauts and ß spelled out, so "Größe" and "Groesse" compare equal."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def words(text):
    return re.findall(r"[a-z0-9]+", fold(text))


def synonym_terms(group):
    return group["terms"] if "terms" in group else [group["term"], *group["expands_to"]]


def test_offers_are_many_unique_and_complete():
    assert len(OFFERS) >= 60
    keys = [offer["key"] for offer in OFFERS]
    assert len(set(keys)) == len(keys), [key for key, n in collections.Counter(keys).items() if n > 1]
    titles = [offer["title"] for offer in OFFERS]
    assert len(set(titles)) == len(titles)
    for offer in OFFERS:
        assert set(offer) == OFFER_FIELDS, offer["key"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", offer["key"]), offer["key"]
        for field in ("title", "summary", "description", "provider"):
            assert offer[field].strip(), (offer["key"], field)
        assert offer["topics"] and offer["regions"] and offer["target_groups"], offer["key"]
        sentences = re.findall(r"[.!?](?:\s|$)", offer["description"])
        assert 2 <= len(sentences) <= 5, (offer["key"], len(sentences))


def test_offer_fields_fit_the_model():
    title_length = Offer._meta.get_field("title").max_length
    summary_length = Offer._meta.get_field("summary").max_length
    for offer in OFFERS:
        assert len(offer["title"]) <= title_length, offer["key"]
        assert len(offer["summary"]) <= summary_length, offer["key"]
        assert offer["offer_type"] in Offer.OfferType.values, offer["key"]
        assert offer["cost"] in Offer.Cost.values, offer["key"]
    # every offer type and every cost value occurs, so filters combined with a search have something to do
    assert {offer["offer_type"] for offer in OFFERS} == set(Offer.OfferType.values)
    assert {offer["cost"] for offer in OFFERS} == set(Offer.Cost.values)


@pytest.mark.django_db
def test_offer_regions_and_target_groups_exist():
    regions = set(Region.objects.values_list("slug", flat=True))
    groups = set(TargetGroup.objects.values_list("slug", flat=True))
    for offer in OFFERS:
        assert set(offer["regions"]) <= regions, (offer["key"], set(offer["regions"]) - regions)
        assert set(offer["target_groups"]) <= groups, (offer["key"], set(offer["target_groups"]) - groups)


def test_cases_are_valid_and_cover_every_category():
    assert len(CASES) >= 100
    queries = [" ".join(case["query"].casefold().split()) for case in CASES]
    assert len(set(queries)) == len(queries), [q for q, n in collections.Counter(queries).items() if n > 1]
    for case in CASES:
        assert set(case) == CASE_FIELDS, case["query"]
        assert case["category"] in CATEGORIES, case
        assert case["query"].strip() and case["note"].strip(), case
        assert isinstance(case["within"], int) and 1 <= case["within"] <= 5, case
        unknown = set(case["relevant"]) - set(OFFERS_BY_KEY)
        assert not unknown, (case["query"], unknown)
        assert len(set(case["relevant"])) == len(case["relevant"]), case["query"]
        if case["category"] == "no_match":
            assert case["relevant"] == [], case["query"]
        else:
            assert case["relevant"], case["query"]
    per_category = collections.Counter(case["category"] for case in CASES)
    assert set(per_category) == CATEGORIES
    assert min(per_category.values()) >= 8, per_category


def test_no_match_queries_share_no_word_with_any_offer_or_synonym():
    """Each word of a no-match query (folded) occurs nowhere, not even inside a longer word."""
    haystack = " ".join(
        fold(" ".join([offer["title"], offer["summary"], offer["description"], offer["provider"], *offer["topics"]]))
        for offer in OFFERS
    )
    haystack += " " + " ".join(fold(term) for group in SYNONYMS for term in synonym_terms(group))
    for case in CASES:
        if case["category"] != "no_match":
            continue
        for word in words(case["query"]):
            assert word not in haystack, (case["query"], word)


@pytest.mark.django_db
def test_place_cases_name_only_offers_available_at_the_place():
    """A place case's relevant offers cover the Kreis the query names (the README's coverage rule)."""
    kreise = list(Region.objects.kreise())
    place_cases = [case for case in CASES if case["category"] == "place"]
    assert len(place_cases) >= 8
    for case in place_cases:
        query = set(words(case["query"]))
        # the Kreis whose name (without "Kreis") the query contains, or whose first name part it contains:
        # "Kreis Lippe" -> Kreis Lippe, "Siegen" -> Kreis Siegen-Wittgenstein
        named = [kreis for kreis in kreise if set(words(kreis.name)) - {"kreis"} <= query]
        named = named or [kreis for kreis in kreise if (set(words(kreis.name)) - {"kreis"}) & query]
        assert len(named) == 1, (case["query"], named)
        containing = set(coverage.containing_region_ids(named[0]))
        for key in case["relevant"]:
            slugs = OFFERS_BY_KEY[key]["regions"]
            covered = Region.objects.filter(slug__in=slugs, pk__in=containing).exists()
            assert covered, (case["query"], key, slugs)


def test_synonym_list_is_large_and_well_formed():
    assert len(SYNONYMS) >= 150
    seen = set()
    for group in SYNONYMS:
        if "terms" in group:
            assert set(group) == {"terms"}, group
            assert len(group["terms"]) >= 2, group
            key = ("=", frozenset(fold(term) for term in group["terms"]))
        else:
            assert set(group) == {"term", "expands_to"}, group
            assert group["expands_to"], group
            assert fold(group["term"]) not in {fold(target) for target in group["expands_to"]}, group
            key = (fold(group["term"]), frozenset(fold(target) for target in group["expands_to"]))
        terms = synonym_terms(group)
        assert all(isinstance(term, str) and term == term.strip() and term for term in terms), group
        assert not any("," in term for term in terms), group  # the admin keeps terms comma-separated
        assert len({fold(term) for term in terms}) == len(terms), group
        assert key not in seen, group
        seen.add(key)
    one_way = [fold(group["term"]) for group in SYNONYMS if "term" in group]
    assert len(set(one_way)) == len(one_way), "a one-way term appears twice: merge its targets"
    first_terms = [fold(synonym_terms(group)[0]) for group in SYNONYMS]
    assert len(set(first_terms)) == len(first_terms), "each group starts with its own term (a stable name for it)"


def test_synonym_list_has_the_fields_core_groups():
    groups = [{fold(term) for term in synonym_terms(group)} for group in SYNONYMS if "terms" in group]

    def together(*terms):
        return any({fold(term) for term in terms} <= group for group in groups)

    assert together("KI", "Künstliche Intelligenz", "AI")
    assert together("Förderung", "Zuschuss", "Fördermittel")
    assert together("Gründung", "Start-up", "Existenzgründung")
    assert together("Nachhaltigkeit", "ESG")
    assert together("IT-Sicherheit", "Cybersicherheit", "Cyber Security")
    assert together("Homeoffice", "Remote Work")
    assert together("Lieferkette", "Supply Chain")
