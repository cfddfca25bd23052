from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offers.models import Offer
from partners.models import Institution
from regions.models import Region, RegionalNetwork


@extend_schema_field(
    {
        "type": "object",
        "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
        "required": ["value", "label"],
    }
)
class ChoiceField(serializers.Field):
    """A choice as {"value": …, "label": …}, so clients get the stable key and the German label."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return {"value": value, "label": str(self.labels.get(value, value))}


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    kind = ChoiceField(Region.Kind.choices)
    members = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Region
        fields = ["id", "slug", "name", "kind", "official_key", "parent", "members", "organisation"]


class InstitutionSerializer(serializers.ModelSerializer):
    kind = ChoiceField(Institution.Kind.choices)
    seat = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Institution
        fields = ["id", "slug", "name", "short_name", "kind", "website", "seat", "is_alliance_partner", "description"]


class NetworkSerializer(serializers.ModelSerializer):
    kind = ChoiceField(RegionalNetwork.Kind.choices)
    regions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = RegionalNetwork
        fields = [
            "id", "slug", "name", "short_name", "kind", "regions", "institution", "website", "founded", "description",
            "offers_for_smes", "transferable_methods", "success_factors", "lessons_learned",
        ]  # fmt: skip


class OfferSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    offer_type = ChoiceField(Offer.OfferType.choices)
    cost = ChoiceField(Offer.Cost.choices)
    format = ChoiceField(Offer.Format.choices)
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    topics = serializers.SerializerMethodField()
    target_groups = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    dimensions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    coverage = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    funded_by = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id", "slug", "url", "title", "summary", "description", "offer_type", "provider", "network", "topics",
            "target_groups", "dimensions", "coverage", "cost", "format", "start_date", "end_date", "deadline",
            "contact_name", "contact_email", "contact_phone", "external_url", "funded_by", "published_at",
            "last_verified", "max_amount", "rate_micro", "rate_small", "rate_medium", "own_contribution", "duration",
            "price_from", "company_sizes",
        ]  # fmt: skip

    company_sizes = serializers.SerializerMethodField(
        help_text="Förderfähige Unternehmensgrößen (EU-Definition); leer: jede Größe."
    )
    external_url = serializers.URLField(source="url", read_only=True, allow_blank=True)

    def get_url(self, offer) -> str:
        return self.context["request"].build_absolute_uri(offer.get_absolute_url())

    def get_topics(self, offer) -> list[str]:
        return [topic.slug for topic in offer.topics.all()]

    def get_company_sizes(self, offer) -> list[str]:
        return [str(size) for size in offer.company_sizes]

    def get_funded_by(self, offer) -> list[int]:
        return [funder.pk for funder in offer.funded_by.all() if funder.is_public]
