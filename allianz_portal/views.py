import sys

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from allianz_portal.freshness import per_state
from allianz_portal.middleware import is_database_unavailable, maintenance_response
from allianz_portal.pagecache import cache_public_page
from finder.counts import count_by_type, count_in_regions, deadlines_soon, topic_counts
from finder.index import facet_index
from regions.models import Region


@require_GET
@cache_public_page
def home(request):
    return render(request, "home.html", dict(per_state("home-counts", _home_counts)))  # a copy: tags set variables


def _home_counts():
    """The home page's counts: the same for every visitor of one content state (labels stay lazy, so
    one result serves every language)."""
    index = facet_index()
    current = index.current
    bezirke = list(Region.objects.regierungsbezirke().order_by("official_key"))
    region_counts = count_in_regions(index, current, bezirke)
    for bezirk in bezirke:
        bezirk.offer_count = region_counts[bezirk.pk]
    topics = topic_counts(index, current)
    return {
        "offer_total": current.bit_count(),
        "types": count_by_type(index, current),
        "topics": topics[:12],
        "all_topics": sorted(topics, key=lambda topic: topic[1].casefold()),
        "bezirke": bezirke,
        "deadlines": deadlines_soon(index, current),
    }


def bad_request(request, exception):
    """Rendered without the request: a 400 may come from a bad Host header, and anything reading the host
    (canonical links, absolute URLs) would raise DisallowedHost again and turn the answer into a 500."""
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page – or the 503 maintenance page when the database is the cause.

    No context processors, no database: this page must render even when everything else fails.
    Django calls this handler inside its `except` block, so the exception is still at hand.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return maintenance_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
