"""Admin forms for offers: optimistic locking, the partner editors' limits, the "add a topic" action, the export."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import ManyToManyField
from django.utils.text import capfirst
from import_export.forms import SelectableFieldsExportForm

from . import importing
from .models import Offer, Topic, record_offer_history

# Fields compared when telling an editor what someone else changed meanwhile.
M2M_FIELDS = ("coverage", "target_groups", "dimensions", "funded_by")


class OfferAdminForm(forms.ModelForm):
    """Carries the version it was loaded with; a save on a stale version is refused, the input kept.

    The check is the atomic claim `UPDATE offers_offer SET version = version + 1 WHERE id = … AND version = <loaded>`
    inside the admin's request transaction (see `_post_clean`): of two editors who loaded the same version
    only the first one's UPDATE matches, the second gets a form error naming the fields changed meanwhile.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by OfferAdmin.get_form: the version the revert view must carry (the current one, not the old record's),
    # the historical record whose many-to-many state the revert form shows, and the user's allowed statuses.
    current_version = None
    revert_record = None
    status_choices = None
    # Set while validating and saving: whether this form claimed the version, and the history entry's type.
    version_claimed = False
    history_type = "~"

    class Meta:
        model = Offer
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields through its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.current_version or self.instance.version
        if self.status_choices is not None and "status" in self.fields:
            self.fields["status"].choices = [
                (value, label) for value, label in self.fields["status"].choices if value in self.status_choices
            ]
        if self.revert_record is not None and not self.is_bound:
            self._show_revert_relations()

    def _show_revert_relations(self):
        record = self.revert_record
        for name in M2M_FIELDS:
            if name in self.fields:
                field = Offer._meta.get_field(name)
                column = f"{field.m2m_reverse_field_name()}_id"
                self.initial[name] = list(getattr(record, name).values_list(column, flat=True))
        if "topics" in self.fields:
            self.initial["topics"] = record.topic_names

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.instance.pk:
            return
        loaded = self.cleaned_data.get("loaded_version")
        if loaded is None:
            self.add_error(None, "Die Version des Formulars fehlt. Bitte laden Sie die Seite neu.")
            return
        claimed = Offer.objects.filter(pk=self.instance.pk, version=loaded).update(version=loaded + 1)
        if not claimed:
            self.add_error(None, ValidationError(conflict_message(self.instance.pk, loaded), code="stale"))
            return
        self.instance.version = loaded + 1
        self.version_claimed = True

    def _save_m2m(self):
        """After the relations: the one history entry of this admin save (OfferAdmin.save_model suppressed
        the entries simple-history would write on save() and on every relation change)."""
        super()._save_m2m()
        offer = self.instance
        if hasattr(offer, "skip_history_when_saving"):
            del offer.skip_history_when_saving
            record_offer_history(offer, self.history_type)

    def save(self, commit=True):
        # "+" for the entry of a new offer, "~" for a change (read before the save gives the offer its pk).
        self.history_type = "+" if self.instance._state.adding else "~"
        return super().save(commit)


def conflict_message(pk, loaded):
    current = Offer.objects.filter(pk=pk).first()
    if current is None:
        return (
            "Dieses Angebot wurde inzwischen gelöscht. Ihre Eingaben sind unten noch zu sehen, aber nicht gespeichert."
        )
    changed, who = changed_since(current, loaded)
    by = f" von {who}" if who else ""
    text = (
        f"Dieses Angebot wurde inzwischen{by} geändert (Version {loaded} → {current.version}). "
        "Ihre Änderungen sind nicht gespeichert, damit die andere Änderung nicht verloren geht."
    )
    if changed:
        text += f" Inzwischen geändert: {', '.join(changed)}."
    return (
        text + " Ihre Eingaben stehen unten noch im Formular: Öffnen Sie das Angebot in einem neuen Tab, "
        "übertragen Sie Ihre Änderungen dort und speichern Sie erneut."
    )


def changed_since(current, loaded):
    """(labels of fields changed after version `loaded`, who saved the latest version) from the history."""
    history = current.history.select_related("history_user").order_by("-history_date", "-history_id")
    before = history.filter(version=loaded).first()
    latest = history.first()
    who = str(latest.history_user) if latest is not None and latest.history_user else ""
    if before is None or latest is None:
        return [], who
    labels = []
    for field in Offer._meta.get_fields():
        if not getattr(field, "editable", False) or (not field.concrete and not isinstance(field, ManyToManyField)):
            continue
        if field.name in {"topics", "version"}:
            continue
        if isinstance(field, ManyToManyField):
            if field.name not in M2M_FIELDS:
                continue
            column = f"{field.m2m_reverse_field_name()}_id"
            old = set(getattr(before, field.name).values_list(column, flat=True))
            new = set(getattr(current, field.name).values_list("pk", flat=True))
        else:
            old, new = getattr(before, field.attname), getattr(current, field.attname)
        if old != new:
            labels.append(str(field.verbose_name))
    if before.topic_names != current.topic_names:
        labels.append("Themen")
    return labels, who


class AddTopicForm(forms.Form):
    """Intermediate page of the bulk action "Thema hinzufügen"."""

    topic = forms.ModelChoiceField(
        Topic.objects.order_by("name"), label="Vorhandenes Thema", required=False, empty_label="– auswählen –"
    )
    new_topic = forms.CharField(label="oder neues Thema", max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("topic") and not data.get("new_topic", "").strip():
            raise ValidationError("Bitte ein Thema auswählen oder ein neues eingeben.")
        return data

    def topic_name(self):
        return self.cleaned_data["topic"].name if self.cleaned_data.get("topic") else self.cleaned_data["new_topic"]


class OfferExportForm(SelectableFieldsExportForm):
    """The export's column choice: German labels, and every ticked column really exported.

    import-export renames the ticked checkboxes ("offerresource_format") to the column names after validation,
    into the same dictionary that holds the form's own file-format field, also called "format": the column
    Format was silently dropped. The columns are read from the checkboxes themselves instead.
    """

    def _get_field_label(self, resource, field_name):
        try:
            label = capfirst(Offer._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:
            label = field_name
        column = resource.fields[field_name].column_name if field_name in resource.fields else field_name
        return f"{label} ({column})"

    def get_selected_resource_export_fields(self):
        resource = self.get_selected_resource()
        return [
            name
            for name in resource().get_export_order()
            if self[self.create_boolean_field_name(resource, name)].value()
        ]


class OfferImportForm(forms.Form):
    """Upload of offers (CSV/XLSX); the quick checks run here, the rows are checked in the background."""

    import_file = forms.FileField(
        label="Datei",
        help_text="CSV (UTF-8, Komma oder Semikolon) oder Excel-Arbeitsmappe (.xlsx), höchstens 50 MB.",
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > importing.MAX_FILE_BYTES:
            raise ValidationError("Die Datei ist größer als 50 MB. Bitte teilen Sie sie auf.")
        self.content = upload.read()
        try:
            importing.sniff(self.content, upload.name)
        except importing.ImportFileError as error:
            raise ValidationError(str(error)) from None
        return upload
