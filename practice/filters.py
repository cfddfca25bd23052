"""Filters of the practice example list: region and topic, as GET parameters through a validated form."""

import django_filters
from django.utils.translation import gettext_lazy as _

from offers.models import Topic
from regions.models import Region

from .models import PracticeExample


class PracticeExampleFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(label=_("Region"), method="filter_region", choices=[])
    thema = django_filters.ChoiceFilter(label=_("Thema"), field_name="topics__slug", choices=[])

    class Meta:
        model = PracticeExample
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        public = PracticeExample.objects.public()
        regions = Region.objects.order_by("official_key", "name").values_list("slug", "name", "kind")
        # Land, Bezirke and Kreise by official key, then the cooperation regions by name (one query).
        self.filters["region"].extra["choices"] = [
            (slug, name) for slug, name, _kind in sorted(regions, key=lambda row: row[2] == "kooperationsregion")
        ]
        self.filters["thema"].extra["choices"] = list(
            Topic.objects.filter(practice_examples__in=public).distinct().order_by("name").values_list("slug", "name")
        )

    def filter_region(self, queryset, name, value):
        return queryset.in_region(Region.objects.get(slug=value))

    def notices(self):
        """German messages for ignored values (a stale link must not fail)."""
        if not self.is_bound or self.form.is_valid():
            return []
        return [
            _("%(label)s: „%(value)s“ gibt es nicht – dieser Filter wurde ignoriert.")
            % {"label": self.filters[name].label, "value": str(self.data.get(name, ""))[:40]}
            for name in self.form.errors
        ]

    def cleaned(self, name):
        if not self.is_bound or name in self.form.errors:
            return ""
        return self.form.cleaned_data.get(name) or ""

    def filter_queryset(self, queryset):
        # Invalid values are dropped one by one, not the whole filter set.
        for name, value in self.form.cleaned_data.items():
            if value and name not in self.form.errors:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self.form.is_valid()
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs
