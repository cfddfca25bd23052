"""CSV/Excel import and export of offers (django-import-export).

Columns are the model's field names; related records are named by slug: `provider` and `network` one
slug, `coverage`, `target_groups`, `dimensions` and `topics` several, separated by commas. Dates as
YYYY-MM-DD (Excel date cells work too). `slug` identifies an offer: an existing slug updates it.

All or nothing: the whole file runs in one transaction, and any row with an error rolls everything back;
every error names its line in the file (line 1 is the header) and what is wrong, in German.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from partners.models import Institution
from regions.models import Region, RegionalNetwork

from . import cells
from .models import InnovationDimension, Offer, TargetGroup, Topic, record_offer_history


class SlugWidget(widgets.ForeignKeyWidget):
    """A foreign key named by slug; an unknown slug is a German error, not "matching query does not exist"."""

    def __init__(self, model, label):
        super().__init__(model, field="slug")
        self.label = label

    def clean(self, value, row=None, **kwargs):
        value = (str(value).strip() if value is not None else "") or None
        if value is None:
            return None
        try:
            return self.model.objects.get(slug=value)
        except self.model.DoesNotExist:
            raise ValueError(f"{self.label} „{value}“ gibt es nicht (Kurzname in der Adresse erwartet).") from None


class SlugListWidget(widgets.ManyToManyWidget):
    """Several related records named by slug, separated by commas; unknown slugs are listed in the error."""

    def __init__(self, model, label):
        super().__init__(model, separator=",", field="slug")
        self.label = label

    def slugs(self, value):
        if value is None or value == "":
            return []
        return [item.strip() for item in str(value).split(self.separator) if item.strip()]

    def clean(self, value, row=None, **kwargs):
        slugs = self.slugs(value)
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

    def __init__(self, *args, progress=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.progress = progress  # callable(rows done) for the management command

    def import_data(self, dataset, *args, **kwargs):
        # All or nothing: any invalid row rolls back the whole file, also in the admin's final step.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Check the many-to-many columns up front, so their errors appear with the row's other errors."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, field in self.fields.items():
            if not isinstance(field.widget, widgets.ManyToManyWidget) or field.column_name not in row:
                continue
            try:
                values = field.widget.clean(row[field.column_name])
            except ValueError as error:
                errors[name] = ValidationError(str(error))
                continue
            if not values and name in self.REQUIRED_M2M:
                errors[name] = ValidationError(f"{self.REQUIRED_M2M[name]}: mindestens ein Eintrag ist nötig.")
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # One history entry per row, taken after the many-to-many fields are set (see after_save_instance).
        instance.skip_history_when_saving = True
        instance._history_type = "+" if instance._state.adding else "~"

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if hasattr(instance, "skip_history_when_saving"):
            del instance.skip_history_when_saving
            instance.refresh_from_db(fields=["topic_names"])
            record_offer_history(instance, instance._history_type)

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None:
            self.progress(kwargs.get("row_number"))


def row_errors(result):
    """German lines "Zeile N: Feld: Meldung" for every failed row of an import `Result` (line 1 = header)."""
    lines = []
    labels = {
        field.name: str(field.verbose_name) for field in Offer._meta.get_fields() if hasattr(field, "verbose_name")
    }
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            label = labels.get(name, name) if name != "__all__" else "Zeile"
            for message in messages:
                lines.append(f"Zeile {invalid.number + 1}: {label}: {message}")
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(f"Zeile {number + 1}: {error.error}")
    for error in result.base_errors:
        lines.append(f"Datei: {error.error}")
    return lines
