"""Where the open data starts: the "Offene Daten" page, the API's landing page and its documentation.

`/api/v1/` negotiates: browsers (Accept: text/html) get the "Offene Daten" page, every other client a
JSON index of the same links. The documentation is Swagger UI from drf-spectacular-sidecar, served from
our own static files (no third-party request) and started by a static script, so the strict Content
Security Policy of the public pages applies unchanged.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .catalogue import LICENCE_URI
from .views import LICENCE

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.de"


RESOURCES = [  # (key, label, URL name, media type, description) – every open-data address, in reading order
    ("api", _("API-Einstieg"), "api:root", "application/json", _("alle Adressen der Schnittstelle als JSON")),
    ("angebote", _("Angebote"), "api:offer-list", "application/json",
     _("alle veröffentlichten Angebote, mit denselben Filtern wie die Suche")),
    ("regionen", _("Regionen"), "api:region-list", "application/json",
     _("NRW, Regierungsbezirke, Kreise und Kooperationsregionen")),
    ("netzwerke", _("Netzwerke"), "api:network-list", "application/json", _("regionale Netzwerke mit Transfermodell")),
    ("institutionen", _("Institutionen"), "api:institution-list", "application/json", _("Anbieter und Partner")),
    ("openapi", _("OpenAPI-Beschreibung"), "api:openapi", "application/json",
     _("maschinenlesbare Beschreibung der API (OpenAPI 3)")),
    ("dokumentation", _("API-Dokumentation"), "api:docs", "text/html", _("alle Abfragen zum Ausprobieren im Browser")),
    ("katalog", _("DCAT-Katalog"), "api:catalogue", "application/ld+json",
     _("Metadaten nach DCAT-AP.de für Datenportale")),
    ("export-csv", _("CSV-Export"), "data:export-csv", "text/csv", _("alle aktuellen Angebote als Tabelle")),
    ("export-json", _("JSON-Export"), "data:export-json", "application/json",
     _("alle aktuellen Angebote in einer Datei")),
    ("feed", _("Atom-Feed"), "data:feed", "application/atom+xml", _("neue Angebote zum Abonnieren")),
    ("kalender", _("Kalender"), "data:calendar", "text/calendar", _("Termine und Fristen im iCalendar-Format")),
]  # fmt: skip


def resources():
    """[(key, label, path, media type, description)] of every open-data address."""
    return [(key, label, reverse(name), media, description) for key, label, name, media, description in RESOURCES]


@require_GET
def open_data(request):
    return render(
        request,
        "api/open_data.html",
        {"resources": resources(), "licence_url": LICENCE_URL, "breadcrumbs": [(None, _("Offene Daten"))]},
    )


@require_GET
def api_root(request):
    """The API's landing page: HTML for browsers, JSON for everyone else."""
    if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
        response = open_data(request)
    else:
        response = JsonResponse(
            {
                "title": "Transferportal NRW – Offene Daten",
                "licence": LICENCE,
                "licence_uri": LICENCE_URI,
                "links": {
                    key: {"href": request.build_absolute_uri(path), "type": media_type, "title": str(label)}
                    for key, label, path, media_type, _description in resources()
                },
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def docs(request):
    """Swagger UI over /api/v1/openapi.json, from the pinned drf-spectacular-sidecar package."""
    return render(
        request,
        "api/docs.html",
        {
            "swagger_css": static("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"),
            "swagger_bundle": static("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
            "schema_url": reverse("api:openapi"),
            "breadcrumbs": [(reverse("open-data"), _("Offene Daten")), (None, _("API-Dokumentation"))],
        },
    )
