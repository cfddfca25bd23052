"""For search engines: sitemap.xml (every public object, through the same public querysets as the pages)
and robots.txt."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from alliance.models import Page
from offers.models import Offer
from partners.models import Institution
from practice.models import PracticeExample
from regions.models import Region, RegionalNetwork


class OfferSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Offer.objects.public().current().order_by("pk")

    def lastmod(self, offer):
        return offer.updated_at


class RegionSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Region.objects.order_by("pk")


class NetworkSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return RegionalNetwork.objects.order_by("pk")

    def lastmod(self, network):
        return network.updated_at


class InstitutionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Institution.objects.order_by("pk")

    def lastmod(self, institution):
        return institution.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, page):
        return page.updated_at


class PracticeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return PracticeExample.objects.public().order_by("pk")

    def lastmod(self, example):
        return example.updated_at


class StaticSitemap(Sitemap):
    priority = 0.9

    def items(self):
        return [
            "home",
            "finder:list",
            "maps:regions",
            "maps:transfer-map",
            "regions:network-list",
            "partners:list",
            "practice:list",
            "alliance:board",
            "alliance:theses",
            "alliance:recommendations",
            "alliance:documents",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "seiten": StaticSitemap,
    "angebote": OfferSitemap,
    "regionen": RegionSitemap,
    "netzwerke": NetworkSitemap,
    "partner": InstitutionSitemap,
    "texte": PageSitemap,
    "praxisbeispiele": PracticeSitemap,
}


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /angebote/export.",
        "Disallow: /angebote/vorschlagen/",
        "Disallow: /en/angebote/vorschlagen/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def offer_json_ld(offer, request):
    """schema.org: an Event for dated offers, a Service for the others."""
    url = request.build_absolute_uri(offer.get_absolute_url())
    provider = {
        "@type": "Organization",
        "name": offer.provider.name,
        "url": request.build_absolute_uri(offer.provider.get_absolute_url()),
    }
    areas = [{"@type": "AdministrativeArea", "name": region.name} for region in offer.coverage.all()]
    if offer.start_date:
        data = {
            "@type": "Event",
            "name": offer.title,
            "description": offer.summary,
            "startDate": offer.start_date.isoformat(),
            "endDate": (offer.end_date or offer.start_date).isoformat(),
            "eventAttendanceMode": {
                "vor-ort": "https://schema.org/OfflineEventAttendanceMode",
                "online": "https://schema.org/OnlineEventAttendanceMode",
                "hybrid": "https://schema.org/MixedEventAttendanceMode",
            }[offer.format],
            "organizer": provider,
            "location": areas[0] if areas else {"@type": "AdministrativeArea", "name": "Nordrhein-Westfalen"},
            "url": url,
        }
    else:
        data = {
            "@type": "Service",
            "name": offer.title,
            "description": offer.summary,
            "serviceType": offer.get_offer_type_display(),
            "provider": provider,
            "areaServed": areas,
            "url": url,
        }
    return {"@context": "https://schema.org", **data}


def institution_json_ld(institution, request):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": institution.name,
        "url": request.build_absolute_uri(institution.get_absolute_url()),
    }
    if institution.short_name:
        data["alternateName"] = institution.short_name
    if institution.website:
        data["sameAs"] = [institution.website]
    return data


def breadcrumbs_json_ld(breadcrumbs, request):
    items = [("/", "Start"), *breadcrumbs]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": label,
                **({"item": request.build_absolute_uri(url)} if url else {}),
            }
            for position, (url, label) in enumerate(items, start=1)
        ],
    }
