"""Practice examples where other pages need them: the section on offer and network pages, and JSON-LD."""

from django import template

from allianz_portal.freshness import per_state
from allianz_portal.templatetags.seo import _script

from ..models import PracticeExample

register = template.Library()


@register.inclusion_tag("includes/_practice_examples.html")
def practice_examples_for(obj, kind="offer"):
    """The public practice examples that used this offer (also as funding) or network."""
    if kind == "offer" and obj.pk not in per_state("practice:offers", _offers_with_examples):
        return {"examples": []}  # most offers: no query on their page
    public = PracticeExample.objects.public().select_related("kreis")
    if kind == "offer":
        examples = public.filter(pk__in=obj.practice_examples.values("pk")) | public.filter(
            pk__in=obj.funded_practice_examples.values("pk")
        )
    else:
        examples = public.filter(networks=obj)
    return {"examples": list(examples.order_by("-published_at", "title")[:6])}


def _offers_with_examples():
    """The pks of the offers that public practice examples used or were funded by, once per content state
    (a scheduled example's publication time starts a new one: practice.models.publication_times)."""
    public = PracticeExample.objects.public()
    used = public.filter(offers__isnull=False).values_list("offers", flat=True)
    funding = public.filter(funding__isnull=False).values_list("funding", flat=True)
    return frozenset(used) | frozenset(funding)


@register.simple_tag(takes_context=True)
def practice_json_ld(context, example):
    """schema.org Article for a practice example."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": example.title,
        "description": example.summary,
        "url": request.build_absolute_uri(example.get_absolute_url()),
        "datePublished": example.published_at.isoformat() if example.published_at else None,
        "dateModified": example.updated_at.isoformat(),
        "inLanguage": "de",
        "about": [topic.name for topic in example.topics.all()],
        "spatialCoverage": {"@type": "AdministrativeArea", "name": example.kreis.name},
        "publisher": {"@type": "Organization", "name": "Allianz Wirtschaft und Arbeit 4.0 – Transferportal NRW"},
    }
    return _script(data, nonce=context.get("csp_nonce"))
