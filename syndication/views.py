"""Ways for the directory to come to the SME: an Atom feed and an iCalendar file for every filtered list
(an alert without an account), a calendar entry per offer, and CSV/JSON exports of the filtered list.

All of them read the same GET parameters as /angebote/ through the finder (finder.finding), so a feed or export holds
exactly the offers of the list with the same filters (default: only current offers, newest first).
"""

import csv
import datetime

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from finder.finding import find
from finder.index import remembered_mask
from offers import cells
from offers.models import Offer

FEED_LIMIT = 50
EXPORT_LIMIT = 5000
LICENCE = "CC BY 4.0 – https://creativecommons.org/licenses/by/4.0/deed.de"


def listed_offers(request, limit, dated_only=False):
    """At most `limit` offers of the list with the request's parameters, in the list's order (finder.finding:
    the same filters, search and ranking as the page), with their related rows loaded."""
    finding = find(request.GET)
    within = None
    if dated_only:
        within = remembered_mask(
            finding.index, ("dated",), lambda: Offer.objects.public().exclude(start_date=None, deadline=None)
        )
    return finding.results(fetch=_rows, within=within)[:limit]


def _rows(pks):
    queryset = Offer.objects.filter(pk__in=pks).select_related("provider", "network")
    rows = queryset.prefetch_related("topics", "coverage", "target_groups", "funded_by").in_bulk()
    return [rows[pk] for pk in pks if pk in rows]


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are declared plain text: a feed reader shows stored markup as text, never as HTML.

    Django's Atom1Feed always writes `<summary type="html">`; the summaries here are plain text (no Markdown,
    no HTML), so that declaration would make a reader render whatever markup an editor or a suggestion typed.
    """

    def add_item_elements(self, handler, item):
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class OfferFeed(Feed):
    feed_type = PlainTextAtomFeed
    title = "Transferportal NRW – neue Angebote"
    subtitle = "Transfer- und Unterstützungsangebote für KMU in Nordrhein-Westfalen, mit Ihren Filtern."

    def get_object(self, request):
        self.request = request
        return request

    def link(self, request):
        query = request.GET.urlencode()
        return reverse("finder:list") + (f"?{query}" if query else "")

    def items(self, request):
        return listed_offers(request, FEED_LIMIT)

    def item_title(self, offer):
        return offer.title

    def item_description(self, offer):
        return offer.summary

    def item_pubdate(self, offer):
        return offer.published_at

    def item_updateddate(self, offer):
        return offer.updated_at

    def item_author_name(self, offer):
        return offer.provider.name

    def item_categories(self, offer):
        return [offer.get_offer_type_display(), *[topic.name for topic in offer.topics.all()]]


def _event(offer, request):
    start = offer.start_date or offer.deadline
    event = icalendar.Event()
    event.add("uid", f"angebot-{offer.pk}@transferportal.nrw")
    event.add("dtstamp", offer.updated_at)
    event.add("summary", offer.title if offer.start_date else f"Frist: {offer.title}")
    event.add("dtstart", start)
    end = offer.end_date if offer.start_date and offer.end_date else start
    event.add("dtend", end + datetime.timedelta(days=1))  # all-day events end exclusively
    event.add("description", f"{offer.summary}\n\nAnbieter: {offer.provider.name}")
    event.add("url", request.build_absolute_uri(offer.get_absolute_url()))
    location = event_location(offer)
    if location:
        event.add("location", location)
    if offer.contact_email:
        event.add("organizer", f"mailto:{offer.contact_email}", parameters={"cn": offer.provider.name})
    return event


def event_location(offer):
    """ "Online" for online offers, else the regions the offer is for (no venue is recorded, only the area)."""
    if offer.format == Offer.Format.ONLINE:
        return "Online"
    return ", ".join(region.name for region in offer.coverage.all())


def one_line(text):
    """Line breaks and tabs as spaces: for single-line values (the calendar's name) that must not break a line."""
    return " ".join(str(text).split())


def _calendar(offers, request, name):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Transferportal NRW//Angebote//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", icalendar.vText(one_line(name)))
    for offer in offers:
        if offer.start_date or offer.deadline:
            calendar.add_component(_event(offer, request))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="transferportal-nrw.ics"'
    return response


@require_GET
def offer_calendar(request, slug):
    offer = get_object_or_404(Offer.objects.public().select_related("provider").prefetch_related("coverage"), slug=slug)
    if not (offer.start_date or offer.deadline):
        raise Http404("Dieses Angebot hat keinen Termin.")
    return _calendar([offer], request, offer.title)


@require_GET
def list_calendar(request):
    offers = listed_offers(request, EXPORT_LIMIT, dated_only=True)
    return _calendar(offers, request, "Transferportal NRW – Termine")


EXPORT_FIELDS = [
    ("id", "ID"),
    ("url", "Adresse"),
    ("title", "Titel"),
    ("summary", "Kurzbeschreibung"),
    ("offer_type", "Angebotsart"),
    ("provider", "Anbieter"),
    ("network", "Netzwerk"),
    ("topics", "Themen"),
    ("target_groups", "Zielgruppen"),
    ("coverage", "Gebiet"),
    ("cost", "Kosten"),
    ("format", "Format"),
    ("start_date", "Beginn"),
    ("end_date", "Ende"),
    ("deadline", "Frist"),
    ("contact_email", "E-Mail"),
    ("contact_phone", "Telefon"),
    ("external_url", "Link"),
    ("funded_by", "Finanzierbar über"),
    ("last_verified", "Stand"),
    ("max_amount", "Förderung bis (€)"),
    ("rate_micro", "Förderquote Kleinstunternehmen (%)"),
    ("rate_small", "Förderquote kleine Unternehmen (%)"),
    ("rate_medium", "Förderquote mittlere Unternehmen (%)"),
    ("own_contribution", "Eigenanteil"),
    ("duration", "Dauer"),
    ("price_from", "Preis ab (€)"),
    ("company_sizes", "Unternehmensgrößen"),
]


def export_row(offer, request):
    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": offer.pk,
        "url": request.build_absolute_uri(offer.get_absolute_url()),
        "title": offer.title,
        "summary": offer.summary,
        "offer_type": offer.get_offer_type_display(),
        "provider": offer.provider.name,
        "network": offer.network.name if offer.network else None,
        "topics": [topic.name for topic in offer.topics.all()],
        "target_groups": [group.name for group in offer.target_groups.all()],
        "coverage": [region.name for region in offer.coverage.all()],
        "cost": offer.get_cost_display(),
        "format": offer.get_format_display(),
        "start_date": iso(offer.start_date),
        "end_date": iso(offer.end_date),
        "deadline": iso(offer.deadline),
        "contact_email": offer.contact_email or None,
        "contact_phone": offer.contact_phone or None,
        "external_url": offer.url or None,
        "funded_by": [funder.title for funder in offer.funded_by.all() if funder.is_public],
        "last_verified": iso(offer.last_verified),
        "max_amount": offer.max_amount,
        "rate_micro": offer.rate_micro,
        "rate_small": offer.rate_small,
        "rate_medium": offer.rate_medium,
        "own_contribution": offer.own_contribution or None,
        "duration": offer.duration or None,
        "price_from": offer.price_from,
        "company_sizes": offer.company_size_labels(),
    }


@require_GET
def export_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="transferportal-nrw-angebote.csv"'
    response.write("\ufeff")  # BOM: spreadsheet programs then read UTF-8 umlauts correctly
    writer = csv.writer(response, delimiter=";")
    writer.writerow([label for _, label in EXPORT_FIELDS])
    for offer in listed_offers(request, EXPORT_LIMIT):
        row = export_row(offer, request)
        writer.writerow(
            [
                cells.neutralise(", ".join(value) if isinstance(value, list) else ("" if value is None else value))
                for value in row.values()
            ]
        )
    return response


@require_GET
def export_json(request):
    offers = [export_row(offer, request) for offer in listed_offers(request, EXPORT_LIMIT)]
    return JsonResponse(
        {
            "licence": LICENCE,
            "publisher": "Allianz Wirtschaft und Arbeit 4.0 / Transferportal NRW",
            "generated": timezone.now().isoformat(),
            "source": request.build_absolute_uri(reverse("finder:list")),
            "count": len(offers),
            "offers": offers,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1 if settings.DEBUG else None},
    )
