"""The directory's filters. Every query parameter goes through this FilterSet's validated form.

Unknown values are dropped one by one (not the whole filter) and reported as notices, so a shared
link with a stale topic still shows the rest of the selection. Within one filter the options are
alternatives (OR); different filters narrow each other (AND). The options and their labels come
from the cached facet index, so validating a request costs no query.
"""

import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from regions.models import Municipality, Region
from search import engine

from .facets import facet_index
from .models import Offer, TaggedOffer

SORT_CHOICES = [
    ("relevanz", _("Relevanz")),
    ("neu", _("Neueste zuerst")),
    ("titel", _("Titel (A–Z)")),
    ("termin", _("Nächster Termin")),
]
CURRENT_CHOICES = [("ja", _("Nur aktuelle Angebote")), ("nein", _("Auch beendete Angebote"))]


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
    kosten = LenientMultipleChoiceFilter(label=_("Kosten"), field_name="cost", choices=Offer.Cost.choices)
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

    def filter_region(self, queryset, name, value):
        return queryset.covering(Region(pk=self.index.region_ids[value]))

    def filter_place(self, queryset, name, value):
        if self.place["kreis"] is not None:
            return queryset.covering(self.place["kreis"])
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.current_only:
            queryset = queryset.current()
        return queryset

    # -- what the view needs -------------------------------------------------------------------

    @cached_property
    def place(self):
        """The resolved "ort" ({query, municipalities, kreis}), or None without one."""
        value = self.cleaned("ort")
        return resolve_place(value) if value else None

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
        for name in ("art", "thema", "zielgruppe", "dimension", "kosten", "format"):
            selected[name] = set(data.get(name) or [])
        for name in ("region", "netzwerk", "anbieter"):
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
            if name in self.form.errors:
                raw = self.data.get(name, "")
                messages.append(
                    gettext("%(label)s: „%(value)s“ ist ungültig – dieser Filter wurde ignoriert.")
                    % {"label": label, "value": _short(raw)}
                )
        if self.place and not self.place["municipalities"]:
            messages.append(
                gettext("Postleitzahl oder Ort „%(place)s“ kennen wir in NRW nicht – bitte prüfen.")
                % {"place": _short(self.place["query"])}
            )
        return messages


def resolve_place(text):
    """Resolve a postcode, town name or Gemeindeschlüssel to municipalities and, if unambiguous, one Kreis."""
    query = " ".join(str(text).split())
    if query.isdigit() and len(query) == 8:
        municipalities = list(Municipality.objects.filter(official_key=query).select_related("kreis"))
    else:
        municipalities = list(Municipality.objects.matching(query).select_related("kreis")[:20])
    kreise = {municipality.kreis for municipality in municipalities}
    return {
        "query": query,
        "municipalities": municipalities,
        "kreis": kreise.pop() if len(kreise) == 1 else None,
    }


def _short(value):
    return Truncator(str(value).replace("\x00", "")).chars(40)
