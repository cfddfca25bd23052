from django import forms
from django.utils.translation import gettext_lazy as _

from allianz_portal.publicforms import PublicForm
from offers.models import Topic
from regions.forms import PlaceFieldsMixin

from .models import COMPANY_SIZES


class NeedForm(PlaceFieldsMixin, PublicForm):
    anchor = "bedarf-formular"

    topics = forms.MultipleChoiceField(
        label=_("Um welche Themen geht es?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wählen Sie eines oder mehrere."),
        error_messages={"required": _("Bitte wählen Sie mindestens ein Thema.")},
    )
    company_size = forms.ChoiceField(
        label=_("Größe Ihres Unternehmens"),
        choices=[("", _("Bitte wählen")), *COMPANY_SIZES],
        error_messages={"required": _("Bitte wählen Sie die Größe Ihres Unternehmens.")},
    )
    text = forms.CharField(
        label=_("Beschreiben Sie Ihre Herausforderung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was wollen Sie erreichen, was fehlt Ihnen dafür? Höchstens 2.000 Zeichen."),
        error_messages={
            "required": _("Bitte beschreiben Sie kurz, worum es geht."),
            "max_length": _("Die Beschreibung darf höchstens 2.000 Zeichen lang sein (jetzt: %(show_value)d)."),
        },
    )
    company = forms.CharField(label=_("Unternehmen"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail-Adresse für die Antwort"),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an, damit die Anlaufstelle antworten kann."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@firma.de."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Angaben an die zuständigen Anlaufstellen in meiner Region "
            "weitergegeben und für die Bearbeitung gespeichert werden (Details in der Datenschutzerklärung)."
        ),
        error_messages={"required": _("Bitte stimmen Sie zu, sonst können wir Ihren Bedarf nicht weitergeben.")},
    )

    field_order = ["topics", "postcode", "kreis", "company_size", "text", "company", "email", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = list(Topic.objects.order_by("name").values_list("slug", "name"))
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["company"].widget.attrs["autocomplete"] = "organization"

    def clean_topics(self):
        slugs = self.cleaned_data["topics"]
        return list(Topic.objects.filter(slug__in=slugs))
