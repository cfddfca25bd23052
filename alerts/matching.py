"""Which offers a Suchauftrag stands for: the list's own filters (finder.filters.OfferFilter), stored as the
list's query string, found by the list's finder among the offers published in a time window."""

from django.http import QueryDict
from django.utils.translation import gettext as _

from finder.filters import OfferFilter
from finder.finding import find
from finder.index import facet_index
from offers.models import Offer

NOT_FILTERS = {"seite", "sort"}


def normalised_query(params):
    """The filter part of a list URL's GET parameters, in a stable order: two links that show the same
    list give the same string (so one address holds one alert per list)."""
    keep = QueryDict(mutable=True)
    for name in sorted(OfferFilter.base_fields):
        if name in NOT_FILTERS:
            continue
        values = sorted({value.strip() for value in params.getlist(name) if value.strip()})
        if values:
            keep.setlist(name, values)
    return keep.urlencode()


def describe(query):
    """[(label, "value, value")] of an alert's filters in words, for pages and mails."""
    params = QueryDict(query)
    labels = facet_index().labels
    described = []
    for name, filter_ in OfferFilter.base_fields.items():
        values = params.getlist(name)
        if not values or name in NOT_FILTERS:
            continue
        names = [str(labels.get(name, {}).get(value, value)) for value in values]
        if name == "aktuell":
            names = [_("auch beendete Angebote") if value == "nein" else _("nur aktuelle Angebote") for value in values]
        described.append((str(filter_.label), ", ".join(names)))
    return described or [(_("Filter"), _("alle Angebote"))]


def new_offers(query, since, until):
    """Public current offers matching `query` (through the list's own finder), published after `since` and
    by `until`, newest first."""
    finding = find(QueryDict(query))
    window = Offer.objects.public(now=until).filter(published_at__gt=since).values_list("pk", flat=True)
    pks = finding.results(fetch=list, within=finding.index.mask(window))[:]
    return Offer.objects.filter(pk__in=pks).select_related("provider").order_by("-published_at", "title")
