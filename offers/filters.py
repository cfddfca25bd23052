"""The directory's filters. Every query parameter goes through this FilterSet's validated form.

Unknown values are dropped one by one (not the whole filter) and reported as notices, so a shared
link with a stale topic still shows the rest of the selection. Within one filter the options are
alternatives (OR); different filters narrow each other (AND). The options and their labels come
from the cached facet index, so validating a request costs no query.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from regions import places
from regions.models import Region
from search import engine

from .facets import facet_index
from .models import FUNDING_STEPS, CompanySize, Offer, TaggedOffer, euro

SORT_CHOICES = [
    ("relevanz", _("Relevanz")),
    ("neu", _("Neueste zuerst")),
    ("titel", _("Titel (A–Z)")),
    ("termin", _("Nächster Termin")),
]
CURRENT_CHOICES = [("ja", _("Nur aktuelle Angebote")), ("nein", _("Auch beendete Angebote"))]
FUNDING_CHOICES = [(str(step), lazy(euro, str)(step)) for step in FUNDING_STEPS]
# Dates as people type them (31.12.2026) or in ISO form (2026-12-31, as links and the API use them).
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def size_q(sizes):
    """Offers open to at least one of `sizes`: flagged for it, or flagged for no size at all (open to every size)."""
    flags = {CompanySize.MICRO: "for_micro", CompanySize.SMALL: "for_small", CompanySize.MEDIUM: "for_medium"}
    unrestricted = Q(for_micro=False, for_small=False, for_medium=False)
    chosen = Q()
    for size in sizes:
        chosen |= Q(**{flags[size]: True})
    return unrestricted | chosen


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


class OfferFilterForm(forms.Form):
    """Reads the place: from `ort`, or – when `ort` is empty – from place words inside `q`.

    A place found inside the search text ("Robotik in Bielefeld") leaves the text and becomes the
    `ort` filter, unless `ortserkennung=nein`; an ambiguous one ("Förderung Lippe") stays in the
    text and is offered as a choice. `place` is the resolved `ort` (regions.places.PlaceMatch),
    `place_in_query` the place found in the text (regions.places.PlaceInQuery).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = None
        self.place_in_query = None

    def clean(self):
        cleaned = super().clean()
        self.place = self.place_in_query = None
        if cleaned.get("ort"):
            self.place = places.resolve(cleaned["ort"])
        elif cleaned.get("q") and cleaned.get("ortserkennung") != "nein":
            found = places.find_in_query(cleaned["q"])
            if found:
                self.place, self.place_in_query = found.match, found
                if found.match.resolved:
                    cleaned["q"], cleaned["ort"] = found.remaining, found.text
        return cleaned


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the valid values, remembers the unknown ones instead of rejecting the whole field."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        values = [item for item in values if item != ""]  # an empty select option means "all"
        valid = [item for item in values if isinstance(item, str) and self.valid_value(item)]
        self.rejected = [item for item in values if item not in valid]
        return super().clean(list(dict.fromkeys(valid)))


class LenientMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField

    def filter(self, qs, value):
        return qs if not value else self.method_filter(qs, value)

    def method_filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value})


class M2MChoiceFilter(LenientMultipleChoiceFilter):
    """OR over a many-to-many relation through a subquery, so rows never duplicate."""

    def __init__(self, *args, through=None, fk=None, slug_path=None, **kwargs):
        self.through, self.fk, self.slug_path = through, fk, slug_path
        super().__init__(*args, **kwargs)

    def method_filter(self, qs, value):
        related = self.through.objects.filter(**{f"{self.slug_path}__in": value}).values(self.fk)
        return qs.filter(pk__in=related)


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suchbegriff"), method="filter_text", max_length=200)
    ort = django_filters.CharFilter(label=_("Postleitzahl oder Ort"), method="filter_place", max_length=100)
    ortserkennung = django_filters.ChoiceFilter(
        label=_("Ortserkennung"), choices=PLACE_RECOGNITION_CHOICES, method="filter_nothing"
    )
    region = django_filters.ChoiceFilter(label=_("Region"), method="filter_region", choices=[])
    thema = M2MChoiceFilter(
        label=_("Thema"), through=TaggedOffer, fk="content_object_id", slug_path="tag__slug", choices=[]
    )
    art = LenientMultipleChoiceFilter(label=_("Angebotsart"), field_name="offer_type", choices=Offer.OfferType.choices)
    zielgruppe = M2MChoiceFilter(
        label=_("Zielgruppe"),
        through=Offer.target_groups.through,
        fk="offer_id",
        slug_path="targetgroup__slug",
        choices=[],
    )
    dimension = M2MChoiceFilter(
        label=_("Innovationsdimension"),
        through=Offer.dimensions.through,
        fk="offer_id",
        slug_path="innovationdimension__slug",
        choices=[],
    )
    groesse = LenientMultipleChoiceFilter(
        label=_("Unternehmensgröße"), method="filter_size", choices=CompanySize.choices
    )
    kosten = LenientMultipleChoiceFilter(label=_("Kosten"), field_name="cost", choices=Offer.Cost.choices)
    foerderung = django_filters.ChoiceFilter(
        label=_("Förderung ab"), field_name="max_amount", lookup_expr="gte", choices=FUNDING_CHOICES
    )
    frist_bis = django_filters.DateFilter(label=_("Frist bis"), method="filter_nothing", input_formats=DATE_FORMATS)
    termin_von = django_filters.DateFilter(label=_("Termin ab"), method="filter_nothing", input_formats=DATE_FORMATS)
    termin_bis = django_filters.DateFilter(label=_("Termin bis"), method="filter_nothing", input_formats=DATE_FORMATS)
    format = LenientMultipleChoiceFilter(
        label=pgettext_lazy("offer format", "Format"), field_name="format", choices=Offer.Format.choices
    )
    netzwerk = django_filters.ChoiceFilter(label=_("Netzwerk"), field_name="network__slug", choices=[])
    anbieter = django_filters.ChoiceFilter(label=_("Anbieter"), field_name="provider__slug", choices=[])
    aktuell = django_filters.ChoiceFilter(
        label=_("Zeitraum"), choices=CURRENT_CHOICES, method="filter_nothing", empty_label=None
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sortierung"), choices=SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Offer
        fields = []
        form = OfferFilterForm

    def __init__(self, data=None, *args, index=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.index = index or facet_index()
        labels = self.index.labels
        for name in ("thema", "zielgruppe", "dimension", "netzwerk", "anbieter", "region"):
            self.filters[name].extra["choices"] = list(labels.get(name, {}).items())

    # -- filter methods ----------------------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        return queryset  # handled in filter_queryset / the view

    def filter_text(self, queryset, name, value):
        result = engine.search(value)
        return queryset.filter(pk__in=result.pks) if result.searchable else queryset

    def filter_size(self, queryset, name, value):
        return queryset.filter(size_q(value)) if value else queryset

    def filter_dates(self, queryset):
        """The date filters (frist_bis, termin_von, termin_bis): one definition for the list and the SQL path."""
        dates = self.dates()
        return queryset.filter(dates_q(**dates)) if dates else queryset

    def dates(self):
        """{argument of dates_q: date} of the valid date filters."""
        names = {"frist_bis": "deadline_until", "termin_von": "from_day", "termin_bis": "until_day"}
        return {argument: self.cleaned(name) for name, argument in names.items() if self.cleaned(name)}

    def filter_region(self, queryset, name, value):
        return queryset.covering(Region(pk=self.index.region_ids[value]))

    def filter_place(self, queryset, name, value):
        if self.place is not None and self.place.resolved:
            return queryset.covering(self.place.region)
        return queryset

    def filter_queryset(self, queryset):
        queryset = self.filter_dates(super().filter_queryset(queryset))
        if self.current_only:
            queryset = queryset.current()
        return queryset

    # -- what the view needs -------------------------------------------------------------------

    @property
    def place(self):
        """The place (regions.places.PlaceMatch) from "ort" or found in "q", or None without one."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.place

    @property
    def place_in_query(self):
        """The place found inside "q" (regions.places.PlaceInQuery), or None."""
        return self.form.place_in_query if self.place is not None else None

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
        if not self.is_bound or (not self.form.is_valid() and name in self.form.errors):
            return None
        return self.form.cleaned_data.get(name) or None

    def selections(self):
        """{facet: set(values)} of the active facet filters."""
        data = {}
        if self.is_bound:
            self.form.is_valid()
            data = self.form.cleaned_data
        selected = {}
        for name in ("art", "thema", "zielgruppe", "dimension", "groesse", "kosten", "format"):
            selected[name] = set(data.get(name) or [])
        for name in ("region", "netzwerk", "anbieter", "foerderung"):
            selected[name] = {data[name]} if data.get(name) else set()
        return selected

    def notices(self):
        """German messages for every part of the request that was ignored."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        messages = []
        for name, field in self.form.fields.items():
            label = self.filters[name].label
            for value in getattr(field, "rejected", []):
                messages.append(
                    gettext("%(label)s: „%(value)s“ gibt es nicht – dieser Wert wurde ignoriert.")
                    % {"label": label, "value": _short(value)}
                )
            if name in self.form.errors and isinstance(field, forms.DateField):
                messages.append(
                    gettext(
                        "%(label)s: „%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ) – dieser Filter wurde ignoriert."
                    )
                    % {"label": label, "value": _short(self.data.get(name, ""))}
                )
            elif name in self.form.errors:
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
