from django.shortcuts import render
from django.views.decorators.http import require_GET

from offers.models import Offer
from offers.stats import count_by_region, count_by_type, top_topics
from regions.models import Region


@require_GET
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


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors, no database: this page must render even when everything else fails.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
