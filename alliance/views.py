from collections import defaultdict
from itertools import groupby

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from allianz_portal import operator
from finder.index import facet_index
from offers.models import Offer
from partners.models import BoardMember

from .models import Document, Page, Recommendation, Thesis


@require_GET
def about(request):
    page = Page.objects.filter(slug=Page.Key.ABOUT).first()
    return render(
        request,
        "alliance/about.html",
        {
            "page": page,
            "documents": Document.objects.newest_first()[:5],
            "breadcrumbs": [(None, _("Die Allianz"))],
        },
    )


@require_GET
def board(request):
    """Current members with the start of their term (and earlier terms), then former members with their terms.

    A term is a row of its own (BoardMember keeps history), so one person may have several; a person with
    a running term is listed only among the current members.
    """
    today = timezone.localdate()
    terms = list(BoardMember.objects.select_related("institution").order_by("term_start"))
    by_person = defaultdict(list)
    for term in terms:
        by_person[(term.first_name, term.last_name)].append(term)
    labels = dict(BoardMember.Group.choices)
    order = list(labels)
    current, former = [], []
    for person_terms in by_person.values():
        running = [term for term in person_terms if term.term_start <= today and not term.has_ended(today)]
        ended = [term for term in person_terms if term.has_ended(today)]
        if running:
            member = running[-1]
            current.append((member, [term for term in ended if term is not member]))
        elif ended:
            former.append((ended[-1], ended))

    def grouped(rows):
        rows = sorted(rows, key=lambda row: (order.index(row[0].group), row[0].order, row[0].last_name))
        return [(labels[group], list(items)) for group, items in groupby(rows, key=lambda row: row[0].group)]

    return render(
        request,
        "alliance/board.html",
        {
            "current_groups": grouped(current),
            "former_groups": grouped(former),
            "breadcrumbs": alliance_breadcrumbs(_("Board")),
        },
    )


@require_GET
def documents(request):
    return render(
        request,
        "alliance/document_list.html",
        {
            "documents": Document.objects.newest_first(),
            "breadcrumbs": alliance_breadcrumbs(_("Dokumente")),
        },
    )


@require_GET
def document(request, slug):
    item = get_object_or_404(Document, slug=slug)
    return render(
        request,
        "alliance/document_detail.html",
        {
            "document": item,
            "breadcrumbs": [
                (reverse("alliance:about"), _("Die Allianz")),
                (reverse("alliance:documents"), _("Dokumente")),
                (None, item.title),
            ],
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
