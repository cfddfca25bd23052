"""The list's parameters, declared once. Every request to the list, the API, feeds, exports and alerts
goes through this form; the finder's index (finder.index) executes it (finder.finding.find).

Unknown values are dropped one by one (not the whole filter) and reported as notices, so a shared
link with a stale topic still shows the rest of the selection. Within one filter the options are
alternatives (OR); different filters narrow each other (AND). The options and their labels come
from the facet index, so validating a request costs no query.
"""

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from offers.models import FUNDING_CHOICES, CompanySize, Offer
from regions import places

from .index import facet_index

SORT_CHOICES = [
    ("relevanz", _("Relevanz")),
    ("neu", _("Neueste zuerst")),
    ("titel", _("Titel (A–Z)")),
    ("termin", _("Nächster Termin")),
]
CURRENT_CHOICES = [("ja", _("Nur aktuelle Angebote")), ("nein", _("Auch beendete Angebote"))]
# Dates as people type them (31.12.2026) or in ISO form (2026-12-31, as links and the API use them).
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def dates_q(deadline_until=None, from_day=None, until_day=None):
    """Deadline on or before `deadline_until`; an event date (start to end) touching `from_day`–`until_day`."""
    condition = Q()
    if deadline_until:
        condition &= Q(deadline__lte=deadline_until)
    if from_day:
        condition &= Q(start_date__isnull=False) & (
            Q(end_date__gte=from_day) | Q(end_date__isnull=True, start_date__gte=from_day)
        )
    if until_day:
        condition &= Q(start_date__lte=until_day)
    return condition


PLACE_RECOGNITION_CHOICES = [("ja", _("Ortsnamen im Suchbegriff erkennen")), ("nein", _("Nur nach Text suchen"))]

# Filters whose options come from the index's vocabularies (topics, regions, networks, providers).
INDEXED_CHOICES = ("thema", "zielgruppe", "dimension", "netzwerk", "anbieter", "region")
MULTI_VALUE = ("art", "thema", "zielgruppe", "dimension", "groesse", "kosten", "format")
SINGLE_VALUE = ("region", "netzwerk", "anbieter", "foerderung")


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the valid values, remembers the unknown ones instead of rejecting the whole field."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        values = [item for item in values if item != ""]  # an empty select option means "all"
        valid = [item for item in values if isinstance(item, str) and self.valid_value(item)]
        self.rejected = [item for item in values if item not in valid]
        return super().clean(list(dict.fromkeys(valid)))


def _choice(label, choices=()):
    return forms.ChoiceField(label=label, choices=choices, required=False)


def _multiple(label, choices=()):
    return LenientMultipleChoiceField(label=label, choices=choices, required=False)


def _date(label):
    return forms.DateField(label=label, input_formats=DATE_FORMATS, required=False)


class _IndexedChoices(BaseChoiceIterator):
    """An index's (value, label) pairs of one facet, taken by the fields as they are (Django would check and
    copy them for every form: ≈ 0.5 ms a list request with hundreds of topics)."""

    def __init__(self, labels):
        self.pairs = list(labels.items())

    def __iter__(self):
        return iter(self.pairs)


_NO_LABELS = {}
_choices = {}  # id(labels) -> (labels, _IndexedChoices): an index shares a facet's labels until they change


def _indexed_choices(labels):
    found = _choices.get(id(labels))
    if found is None or found[0] is not labels:
        if len(_choices) > 64:  # labels of indexes long replaced
            _choices.clear()
        found = _choices[id(labels)] = (labels, _IndexedChoices(labels))
    return found[1]


class OfferFilter(forms.Form):
    """The list's GET parameters. Reads the place: from `ort`, or – when `ort` is empty – from place words
    inside `q`.

    A place found inside the search text ("Robotik in Bielefeld") leaves the text and becomes the
    `ort` filter, unless `ortserkennung=nein`; an ambiguous one ("Förderung Lippe") stays in the
    text and is offered as a choice. `place` is the resolved `ort` (regions.places.PlaceMatch),
    `place_in_query` the place found in the text (regions.places.PlaceInQuery).
    """

    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
    ort = forms.CharField(label=_("Postleitzahl oder Ort"), max_length=100, required=False)
    ortserkennung = _choice(_("Ortserkennung"), PLACE_RECOGNITION_CHOICES)
    region = _choice(_("Region"))
    thema = _multiple(_("Thema"))
    art = _multiple(_("Angebotsart"), Offer.OfferType.choices)
    zielgruppe = _multiple(_("Zielgruppe"))
    dimension = _multiple(_("Innovationsdimension"))
    groesse = _multiple(_("Unternehmensgröße"), CompanySize.choices)
    kosten = _multiple(_("Kosten"), Offer.Cost.choices)
    foerderung = _choice(_("Förderung ab"), FUNDING_CHOICES)
    frist_bis = _date(_("Frist bis"))
    termin_von = _date(_("Termin ab"))
    termin_bis = _date(_("Termin bis"))
    format = _multiple(pgettext_lazy("offer format", "Format"), Offer.Format.choices)
    netzwerk = _choice(_("Netzwerk"))
    anbieter = _choice(_("Anbieter"))
    aktuell = _choice(_("Zeitraum"), CURRENT_CHOICES)
    sort = _choice(_("Sortierung"), SORT_CHOICES)

    def __init__(self, data=None, index=None):
        super().__init__(data if data is not None else None)
        self.index = index or facet_index()
        for name in INDEXED_CHOICES:
            self.fields[name].choices = _indexed_choices(self.index.labels.get(name, _NO_LABELS))
        self._place = self._place_in_query = None

    def clean(self):
        cleaned = super().clean()
        self._place = self._place_in_query = None
        if cleaned.get("ort"):
            self._place = places.resolve(cleaned["ort"])
        elif cleaned.get("q") and cleaned.get("ortserkennung") != "nein":
            found = places.find_in_query(cleaned["q"])
            if found:
                self._place, self._place_in_query = found.match, found
                if found.match.resolved:
                    cleaned["q"], cleaned["ort"] = found.remaining, found.text
        return cleaned

    def filter_dates(self, queryset):
        """The date filters (frist_bis, termin_von, termin_bis) as SQL: the index remembers their matches."""
        dates = self.dates()
        return queryset.filter(dates_q(**dates)) if dates else queryset

    def dates(self):
        """{argument of dates_q: date} of the valid date filters."""
        names = {"frist_bis": "deadline_until", "termin_von": "from_day", "termin_bis": "until_day"}
        return {argument: self.cleaned(name) for name, argument in names.items() if self.cleaned(name)}

    # -- what the view needs -------------------------------------------------------------------

    @property
    def place(self):
        """The place (regions.places.PlaceMatch) from "ort" or found in "q", or None without one."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self._place

    @property
    def place_in_query(self):
        """The place found inside "q" (regions.places.PlaceInQuery), or None."""
        return self._place_in_query if self.place is not None else None

    @property
    def place_field_value(self):
        """What the "ort" field shows: the place as typed, also when it was found inside "q"."""
        place = self.place
        if place is None or (self.place_in_query and not place.resolved):
            return ""
        return place.query

    def link_data(self):
        """The request's parameters as the form understood them, for links built from it: a place found
        inside "q" appears as "ort" and no longer in "q", so removing one keeps the other."""
        data = self.data.copy() if self.data is not None else QueryDict(mutable=True)
        found = self.place_in_query
        if found and found.match.resolved:
            if found.remaining:
                data["q"] = found.remaining
            else:
                data.pop("q", None)
            data["ort"] = found.text
        return data

    @property
    def current_only(self):
        return self.cleaned("aktuell") != "nein"

    @property
    def ordering(self):
        chosen = self.cleaned("sort")
        if chosen == "relevanz" and not self.cleaned("q"):
            return "neu"
        return chosen or ("relevanz" if self.cleaned("q") else "neu")

    def cleaned(self, name):
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name) or None

    def selections(self):
        """{facet: set(values)} of the active facet filters."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        selected = {}
        for name in MULTI_VALUE:
            selected[name] = set(data.get(name) or [])
        for name in SINGLE_VALUE:
            selected[name] = {data[name]} if data.get(name) else set()
        return selected

    def notices(self):
        """German messages for every part of the request that was ignored."""
        if not self.is_bound:
            return []
        self.is_valid()
        messages = []
        for name, field in self.fields.items():
            label = field.label
            for value in getattr(field, "rejected", []):
                messages.append(
                    gettext("%(label)s: „%(value)s“ gibt es nicht – dieser Wert wurde ignoriert.")
                    % {"label": label, "value": _short(value)}
                )
            if name in self.errors and isinstance(field, forms.DateField):
                messages.append(
                    gettext(
                        "%(label)s: „%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ) – dieser Filter wurde ignoriert."
                    )
                    % {"label": label, "value": _short(self.data.get(name, ""))}
                )
            elif name in self.errors:
                raw = self.data.get(name, "")
                messages.append(
                    gettext("%(label)s: „%(value)s“ ist ungültig – dieser Filter wurde ignoriert.")
                    % {"label": label, "value": _short(raw)}
                )
        if self.place and self.place.unknown and not self.place_in_query:
            messages.append(
                gettext("Postleitzahl oder Ort „%(place)s“ kennen wir in NRW nicht – bitte prüfen.")
                % {"place": _short(self.place.query)}
            )
        return messages


def _short(value):
    return Truncator(str(value).replace("\x00", "")).chars(40)
