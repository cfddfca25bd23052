"""A read-only JSON API over the public directory (open data, CC BY 4.0).

/api/v1/offers/ accepts the same filters as /angebote/ and lists what it lists (finder.finding) and pages with
`seite`; ids are the database primary keys and stay stable.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from finder.finding import find
from offers.models import FUNDING_STEPS, CompanySize, Offer
from partners.models import Institution
from regions.models import Region, RegionalNetwork

from . import serializers

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/deed.de), Allianz Wirtschaft und Arbeit 4.0"


class Pagination(PageNumberPagination):
    page_size = 50
    page_query_param = "seite"
    page_size_query_param = "pro_seite"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        """A page number past either end means the first or last page; a non-number is a 400."""
        number = _integer(request, self.page_query_param, 1)
        return min(max(number, 1), max(paginator.num_pages, 1))

    def get_page_size(self, request):
        return min(max(_integer(request, self.page_size_query_param, self.page_size), 1), self.max_page_size)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "licence": LICENCE,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["licence"] = {"type": "string"}
        response["properties"]["suggestion"] = {
            "type": "string",
            "nullable": True,
            "description": "Nur Angebote mit q: die korrigierte Suche, deren Treffer geliefert werden (sonst null).",
        }
        return response


# An empty value means "no filter", as in the website's forms.
ENUMS = {
    "art": ["", *Offer.OfferType.values],
    "kosten": ["", *Offer.Cost.values],
    "format": ["", *Offer.Format.values],
    "aktuell": ["", "ja", "nein"],
    "ortserkennung": ["", "ja", "nein"],
    "groesse": ["", *CompanySize.values],
    "foerderung": ["", *(str(step) for step in FUNDING_STEPS)],
}
FILTER_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=description, many=many, enum=ENUMS.get(name))
    for name, description, many in [
        ("q", "Volltextsuche", False),
        ("ort", "Postleitzahl, Ort, Kreis, Region oder Gemeindeschlüssel", False),
        ("ortserkennung", "nein: Ortsnamen in q nicht als Ort lesen (Standard: ja, wenn ort leer ist)", False),
        ("region", "Region (Slug)", False),
        ("netzwerk", "Netzwerk (Slug)", False),
        ("thema", "Thema (Slug), mehrfach möglich", True),
        ("art", "Angebotsart, mehrfach möglich", True),
        ("zielgruppe", "Zielgruppe (Slug), mehrfach möglich", True),
        ("dimension", "Innovationsdimension (Slug), mehrfach möglich", True),
        ("kosten", "Kosten, mehrfach möglich", True),
        ("format", "Format, mehrfach möglich", True),
        ("anbieter", "Anbieter (Slug)", False),
        ("aktuell", "ja (Standard) oder nein", False),
        ("groesse", "Unternehmensgröße (EU-Definition), mehrfach möglich", True),
        ("foerderung", "Förderung ab … Euro (Höchstbetrag mindestens so hoch)", False),
    ]
] + [
    # A date, or empty for "no filter" (as in the website's form).
    OpenApiParameter(
        name,
        {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "enum": [""]}]},
        description=description,
    )
    for name, description in [
        ("frist_bis", "Einreichungsfrist spätestens an diesem Tag (JJJJ-MM-TT)"),
        ("termin_von", "Termin endet frühestens an diesem Tag (JJJJ-MM-TT)"),
        ("termin_bis", "Termin beginnt spätestens an diesem Tag (JJJJ-MM-TT)"),
    ]
]


def _integer(request, name, default):
    values = request.query_params.getlist(name)
    if not values:
        return default
    try:
        (value,) = values
        return int(value)
    except ValueError:
        raise ValidationError({name: ["Bitte genau eine ganze Zahl angeben."]}) from None


STRICT_FILTERS = ("art", "kosten", "format", "aktuell", "ortserkennung", "groesse", "foerderung")
DATE_PARAMETERS = ("frist_bis", "termin_von", "termin_bis")

BAD_REQUEST = OpenApiResponse(
    response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="Ungültiger Parameter; die Antwort nennt ihn.",
)
NOT_FOUND = OpenApiResponse(
    response={"type": "object", "properties": {"detail": {"type": "string"}}},
    description="Kein öffentlicher Eintrag mit dieser ID.",
)


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Any id in the path reaches the view, so even a malformed one gets a JSON 404, not an HTML page."""

    lookup_value_regex = "[^/]+"
    pagination_class = Pagination


def documented(serializer, parameters=()):
    return extend_schema_view(
        list=extend_schema(parameters=list(parameters), responses={200: serializer(many=True), 400: BAD_REQUEST}),
        retrieve=extend_schema(responses={200: serializer, 404: NOT_FOUND}),
    )


@documented(serializers.OfferSerializer, parameters=FILTER_PARAMETERS)
class OfferViewSet(ReadOnlyViewSet):
    serializer_class = serializers.OfferSerializer

    def get_queryset(self):
        queryset = Offer.objects.public().select_related("provider", "network")
        queryset = queryset.prefetch_related(
            "topics", "target_groups", "dimensions", "coverage", Prefetch("funded_by", Offer.objects.all())
        )
        return queryset.order_by("-published_at", "pk")

    def list(self, request, *args, **kwargs):
        """The website's list (finder.finding): the same filters, order and ranking, and a search's
        correction as `suggestion`."""
        finding = find(request.query_params)
        self.reject_invalid(finding.filters)
        page = self.paginate_queryset(finding.results(fetch=self.rows))
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["suggestion"] = finding.suggestion
        return response

    def rows(self, pks):
        rows = self.get_queryset().in_bulk(pks)
        return [rows[pk] for pk in pks if pk in rows]

    def reject_invalid(self, filters):
        """Machines get a 400 for values outside a fixed list; unknown slugs are ignored as on the website."""
        filters.is_valid()
        errors = {}
        for name in STRICT_FILTERS:
            rejected = getattr(filters.fields[name], "rejected", [])
            if rejected or name in filters.errors:
                allowed = ", ".join(value for value, _ in filters.fields[name].choices)
                errors[name] = [f"Unbekannter Wert. Erlaubt: {allowed}"]
        for name in DATE_PARAMETERS:
            if name in filters.errors:
                errors[name] = ["Bitte ein Datum im Format JJJJ-MM-TT angeben."]
        if errors:
            raise ValidationError(errors)


@documented(serializers.RegionSerializer)
class RegionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RegionSerializer
    queryset = Region.objects.select_related("parent").prefetch_related("members").order_by("pk")


@documented(serializers.NetworkSerializer)
class NetworkViewSet(ReadOnlyViewSet):
    serializer_class = serializers.NetworkSerializer
    queryset = RegionalNetwork.objects.select_related("institution").prefetch_related("regions").order_by("pk")


@documented(serializers.InstitutionSerializer)
class InstitutionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.InstitutionSerializer
    queryset = Institution.objects.select_related("seat").order_by("pk")
