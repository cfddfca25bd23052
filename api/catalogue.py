"""DCAT-AP.de-style catalogue metadata (JSON-LD) for the portal's open data: one dataset, several distributions."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from offers.models import Offer

LICENCE_URI = "http://dcat-ap.de/def/licenses/cc-by/4.0"
PUBLISHER = "Allianz Wirtschaft und Arbeit 4.0 (Land Nordrhein-Westfalen)"


@require_GET
def catalogue(request):
    def absolute(name):
        return request.build_absolute_uri(reverse(name))

    latest = Offer.objects.public().order_by("-updated_at").values_list("updated_at", flat=True).first()
    distributions = [
        ("CSV", "text/csv", absolute("data:export-csv"), "Alle aktuellen Angebote als CSV (Semikolon, UTF-8)"),
        ("JSON", "application/json", absolute("data:export-json"), "Alle aktuellen Angebote als JSON"),
        ("ATOM", "application/atom+xml", absolute("data:feed"), "Neue Angebote als Atom-Feed"),
        ("ICS", "text/calendar", absolute("data:calendar"), "Termine und Fristen als iCalendar"),
        ("JSON", "application/json", absolute("api:openapi"), "Lesende API (OpenAPI-3-Beschreibung)"),
    ]
    dataset_uri = absolute("api:catalogue") + "#angebote"
    data = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "dcatde": "http://dcat-ap.de/def/dcatde/",
        },
        "@id": absolute("api:catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": "Transferportal NRW – Offene Daten",
        "dct:description": "Transfer- und Unterstützungsangebote für kleine und mittlere Unternehmen in NRW.",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "dcat:dataset": {
            "@id": dataset_uri,
            "@type": "dcat:Dataset",
            "dct:title": "Transfer- und Unterstützungsangebote für KMU in Nordrhein-Westfalen",
            "dct:description": (
                "Beratung, Förderprogramme, Weiterbildung, Labore, Veranstaltungen und Forschungskooperationen "
                "mit Anbieter, Region, Themen, Zielgruppen, Kosten, Terminen und Kontakt."
            ),
            "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
            "dct:license": {"@id": LICENCE_URI},
            "dct:spatial": {"@id": "http://dcat-ap.de/def/politicalGeocoding/stateKey/05"},
            "dcatde:politicalGeocodingLevelURI": {"@id": "http://dcat-ap.de/def/politicalGeocodingLevel/state"},
            "dcat:theme": {"@id": "http://publications.europa.eu/resource/authority/data-theme/ECON"},
            "dcat:keyword": ["Transfer", "KMU", "Förderung", "Beratung", "Digitalisierung", "NRW"],
            "dct:modified": latest.isoformat() if latest else None,
            "dcat:landingPage": {"@id": absolute("finder:list")},
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dct:title": title,
                    "dct:format": {"@id": f"http://publications.europa.eu/resource/authority/file-type/{fmt}"},
                    "dcat:mediaType": media_type,
                    "dcat:accessURL": {"@id": url},
                    "dct:license": {"@id": LICENCE_URI},
                }
                for fmt, media_type, url, title in distributions
            ],
        },
    }
    return JsonResponse(data, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False})
