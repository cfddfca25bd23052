"""The relevance set (tests/search/relevance): every query goes through the list page – the filter
form from GET parameters, then search.engine – on the current database. A query passes when one of
its relevant offers is among the first `within` results; a no_match query when nothing is listed."""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from offers.models import TargetGroup
from partners.models import Institution
from tests.conftest import make_offer

from .conftest import RELEVANCE_REPORT

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "relevance"
REQUIRED_PASS_RATE = 0.95


def load_offers():
    providers = {}
    for number, row in enumerate(json.loads((DATA / "offers.json").read_text(encoding="utf-8"))):
        name = row["provider"]
        if name not in providers:
            providers[name] = Institution.objects.filter(name=name).first() or Institution.objects.create(
                name=name, slug=f"relevanz-anbieter-{len(providers)}", kind="forschung"
            )
        make_offer(
            slug=row["key"],
            title=row["title"],
            summary=row["summary"],
            description=row["description"],
            topics=row["topics"],
            provider=providers[name],
            offer_type=row["offer_type"],
            cost=row["cost"],
            coverage=row["regions"],
            target_groups=[slug for slug in row["target_groups"] if TargetGroup.objects.filter(slug=slug).exists()],
        )
        assert number < 1000


def run_case(client, case):
    """(passed, reciprocal rank of the first relevant offer, what was listed)."""
    response = client.get("/angebote/", {"q": case["query"]})
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    listed = [offer.slug for offer in response.context["page_obj"]]
    if case["category"] == "no_match":
        return not listed and response.context["total"] == 0, 0.0, listed
    ranks = [listed.index(key) + 1 for key in case["relevant"] if key in listed]
    best = min(ranks) if ranks else None
    return best is not None and best <= case["within"], (1 / best if best else 0.0), listed


def test_relevance_set(client):
    load_offers()
    cases = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
    assert len(cases) >= 100
    passed, reciprocal, failures = 0, [], []
    per_category = Counter()
    totals = Counter()
    for case in cases:
        ok, rr, listed = run_case(client, case)
        totals[case["category"]] += 1
        if ok:
            passed += 1
            per_category[case["category"]] += 1
        else:
            failures.append(f"  {case['category']}: {case['query']!r} → {listed[:5]} (want {case['relevant']})")
        if case["category"] != "no_match":
            reciprocal.append(rr)
    rate = passed / len(cases)
    mrr = sum(reciprocal) / len(reciprocal)
    RELEVANCE_REPORT.append(
        f"relevance ({connection.vendor}): {passed}/{len(cases)} passed = {rate:.1%}, MRR {mrr:.3f}; "
        + ", ".join(f"{name} {per_category[name]}/{count}" for name, count in sorted(totals.items()))
    )
    RELEVANCE_REPORT.extend(failures)
    assert rate >= REQUIRED_PASS_RATE, "\n".join(failures)
