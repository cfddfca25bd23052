from django import forms
from django.utils.translation import gettext_lazy as _

from allianz_portal.publicforms import PublicForm
from regions.forms import PlaceFieldsMixin


class EnquiryForm(PlaceFieldsMixin, PublicForm):
    anchor = "anfrage-formular"

    name = forms.CharField(
        label=_("Ihr Name"), max_length=150, error_messages={"required": _("Bitte geben Sie Ihren Namen an.")}
    )
    company = forms.CharField(
        label=_("Unternehmen"),
        max_length=200,
        error_messages={"required": _("Bitte nennen Sie Ihr Unternehmen.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Der Anbieter antwortet an diese Adresse; Sie erhalten eine Kopie Ihrer Anfrage."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@firma.de."),
        },
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Was möchten Sie wissen? Worum geht es in Ihrem Unternehmen? Höchstens 4.000 Zeichen."),
        error_messages={
            "required": _("Bitte schreiben Sie eine Nachricht an den Anbieter."),
            "max_length": _("Die Nachricht darf höchstens 4.000 Zeichen lang sein (jetzt: %(show_value)d)."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Angaben an den Anbieter weitergegeben und für die Bearbeitung "
            "gespeichert werden (Details in der Datenschutzerklärung)."
        ),
        error_messages={"required": _("Bitte stimmen Sie zu, sonst können wir Ihre Anfrage nicht weitergeben.")},
    )

    field_order = ["name", "company", "email", "postcode", "kreis", "message", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, autocomplete in (("name", "name"), ("company", "organization"), ("email", "email")):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete
