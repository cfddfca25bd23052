from itertools import groupby

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from allianz_portal import operator
from offers.facets import facet_index
from offers.models import Offer
from partners.models import BoardMember

from .models import Page, Recommendation, Thesis


@require_GET
def about(request):
    page = Page.objects.filter(slug=Page.Key.ABOUT).first()
    return render(request, "alliance/about.html", {"page": page, "breadcrumbs": [(None, _("Die Allianz"))]})


@require_GET
def board(request):
    members = BoardMember.objects.select_related("institution")
    labels = dict(BoardMember.Group.choices)

    def grouped(queryset):
        order = list(labels)
        rows = sorted(queryset, key=lambda member: (order.index(member.group), member.order, member.last_name))
        return [(labels[group], list(items)) for group, items in groupby(rows, key=lambda member: member.group)]

    return render(
        request,
        "alliance/board.html",
        {
            "current_groups": grouped(members.current()),
            "former_groups": grouped(members.former()),
            "breadcrumbs": alliance_breadcrumbs(_("Board")),
        },
    )


@require_GET
def theses(request):
    return render(
        request,
        "alliance/theses.html",
        {"theses": Thesis.objects.all(), "breadcrumbs": alliance_breadcrumbs(_("Thesen"))},
    )


@require_GET
def recommendations(request):
    """The recommendations with links into the portal: only topics and offers a visitor can find there."""
    listed_topics = facet_index().labels.get("thema", {})
    items = list(
        Recommendation.objects.prefetch_related(
            "topics", "networks", Prefetch("offers", queryset=Offer.objects.public().order_by("title"))
        )
    )
    for item in items:
        item.listed_topics = [topic for topic in item.topics.all() if topic.slug in listed_topics]
    return render(
        request,
        "alliance/recommendations.html",
        {"recommendations": items, "breadcrumbs": alliance_breadcrumbs(_("Empfehlungen"))},
    )


@require_GET
def page(request, slug):
    page = get_object_or_404(Page, slug=slug)
    return render(
        request,
        "alliance/page.html",
        {
            "page": page,
            "operator": settings.OPERATOR,
            "reviewed_on": operator.reviewed_on(settings.OPERATOR),
            "breadcrumbs": [(None, page.title)],
        },
    )


def alliance_breadcrumbs(label):
    return [(reverse("alliance:about"), _("Die Allianz")), (None, label)]
