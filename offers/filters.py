"""The directory's filters. Every query parameter goes through this FilterSet's validated form."""

import django_filters
from django.db.models import Q

from regions.models import Region

from .models import Offer, Topic


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Suchbegriff", method="filter_text", max_length=200)
    region = django_filters.ModelChoiceFilter(
        label="Region", queryset=Region.objects.all(), to_field_name="slug", method="filter_region"
    )
    thema = django_filters.ModelMultipleChoiceFilter(
        label="Thema", field_name="topics", queryset=Topic.objects.all(), to_field_name="slug", distinct=True
    )
    art = django_filters.MultipleChoiceFilter(
        label="Angebotsart", field_name="offer_type", choices=Offer.OfferType.choices
    )

    class Meta:
        model = Offer
        fields = []

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(topics__name__icontains=word)
            )
        return queryset.distinct() if words else queryset

    def filter_region(self, queryset, name, value):
        return queryset.covering(value)
