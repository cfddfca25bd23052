import sys

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from allianz_portal.middleware import is_database_unavailable, maintenance_response
from allianz_portal.pagecache import cache_public_page
from offers.models import Offer
from offers.stats import count_by_region, count_by_type, top_topics
from regions.models import Region


@require_GET
@cache_public_page
def home(request):
    offers = Offer.objects.public().current()
    bezirke = list(Region.objects.regierungsbezirke().order_by("official_key"))
    region_counts = count_by_region(offers, bezirke)
    for bezirk in bezirke:
        bezirk.offer_count = region_counts[bezirk.pk]
    return render(
        request,
        "home.html",
        {
            "offer_total": offers.count(),
            "types": count_by_type(offers),
            "topics": top_topics(offers, limit=12),
            "all_topics": sorted(top_topics(offers, limit=None), key=lambda topic: topic[1].casefold()),
            "bezirke": bezirke,
        },
    )


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
