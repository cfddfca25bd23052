"""CSV/Excel import and export of offers (django-import-export).

Export only: imports run through offers/importing.py (in the background, with the same columns and
widgets), not through django-import-export's import views.

Columns are the model's field names; related records are named by slug: `provider` and `network` one
slug, `coverage`, `target_groups`, `dimensions` and `topics` several, separated by commas. Dates as
YYYY-MM-DD (Excel date cells work too). `slug` identifies an offer: an existing slug updates it.

The `version` column carries each offer's version at export time, so that re-importing an old export
cannot overwrite a later edit (see offers/importing.py).
"""

from import_export import fields, resources, widgets

from partners.models import Institution
from regions.models import Region, RegionalNetwork

from . import cells
from .models import InnovationDimension, Offer, TargetGroup, Topic


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key named by slug; an unknown slug is a German error, not "matching query does not exist"."""

    def __init__(self, model, label):
        super().__init__(model, field="slug")
        self.label = label
        self.known = None  # slug -> record, after preload(): one query per import instead of one per row

    def preload(self):
        self.known = {item.slug: item for item in self.model.objects.all()}

    def clean(self, value, row=None, **kwargs):
        value = (str(value).strip() if value is not None else "") or None
        if value is None:
            return None
        if self.known is not None:
            found = self.known.get(value)
        else:
            found = self.model.objects.filter(slug=value).first()
        if found is None:
            raise ValueError(f"{self.label} „{value}“ gibt es nicht (Kurzname in der Adresse erwartet).")
        return found


class SlugListWidget(widgets.ManyToManyWidget):
    """Several related records named by slug, separated by commas; unknown slugs are listed in the error."""

    def __init__(self, model, label):
        super().__init__(model, separator=",", field="slug")
        self.label = label
        self.known = None  # slug -> record, after preload()

    def preload(self):
        self.known = {item.slug: item for item in self.model.objects.all()}

    def slugs(self, value):
        if value is None or value == "":
            return []
        return [item.strip() for item in str(value).split(self.separator) if item.strip()]

    def clean(self, value, row=None, **kwargs):
        slugs = self.slugs(value)
        if self.known is not None:
            found = [self.known[slug] for slug in dict.fromkeys(slugs) if slug in self.known]
        else:
            found = list(self.model.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {item.slug for item in found})
        if unknown:
            raise ValueError(f"Unbekannte {self.label}: {', '.join(unknown)}.")
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(item.slug for item in value.all()))


class NeutralisedCellsMixin:
    """Exported texts cannot run as spreadsheet formulas (offers.cells); an import takes the apostrophe off again."""

    def export_field(self, field, instance, **kwargs):
        return cells.neutralise(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = cells.restore(value)
        super().before_import_row(row, **kwargs)


class WholeSecondsWidget(widgets.DateTimeWidget):
    """Local time to the second, as stored (Offer.save), so an exported file imports unchanged; HH:MM is read too."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d %H:%M:%S")
        self.formats = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


class OfferResource(NeutralisedCellsMixin, resources.ModelResource):
    provider = fields.Field(attribute="provider", column_name="provider", widget=SlugWidget(Institution, "Anbieter"))
    network = fields.Field(attribute="network", column_name="network", widget=SlugWidget(RegionalNetwork, "Netzwerk"))
    coverage = fields.Field(attribute="coverage", column_name="coverage", widget=SlugListWidget(Region, "Regionen"))
    target_groups = fields.Field(
        attribute="target_groups", column_name="target_groups", widget=SlugListWidget(TargetGroup, "Zielgruppen")
    )
    dimensions = fields.Field(
        attribute="dimensions",
        column_name="dimensions",
        widget=SlugListWidget(InnovationDimension, "Innovationsdimensionen"),
    )
    topics = fields.Field(attribute="topics", column_name="topics", widget=SlugListWidget(Topic, "Themen"))
    published_at = fields.Field(attribute="published_at", column_name="published_at", widget=WholeSecondsWidget())

    REQUIRED_M2M = {"coverage": "Gebiet", "target_groups": "Zielgruppen"}

    class Meta:
        model = Offer
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "version",  # the version exported; an import refuses the row if the offer changed since
            "title",
            "summary",
            "description",
            "provider",
            "network",
            "offer_type",
            "topics",
            "target_groups",
            "dimensions",
            "coverage",
            "cost",
            "format",
            "contact_name",
            "contact_email",
            "contact_phone",
            "url",
            "start_date",
            "end_date",
            "deadline",
            "status",
            "published_at",
            "last_verified",
            "review_interval_months",
            "max_amount",
            "rate_micro",
            "rate_small",
            "rate_medium",
            "own_contribution",
            "duration",
            "price_from",
            "for_micro",
            "for_small",
            "for_medium",
        ]
        export_order = fields
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False
        skip_html_diff = False
