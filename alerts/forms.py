from django import forms
from django.utils.translation import gettext_lazy as _

from allianz_portal.publicforms import PublicForm

from .models import SearchAlert

FREQUENCY_CHOICES = [
    (SearchAlert.Frequency.INSTANT, _("sofort, sobald ein passendes Angebot erscheint")),
    (SearchAlert.Frequency.DAILY, _("täglich (eine Sammel-E-Mail)")),
    (SearchAlert.Frequency.WEEKLY, _("wöchentlich (montags)")),
]


class SubscribeForm(PublicForm):
    anchor = "suchauftrag-formular"

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@firma.de."),
        },
    )
    frequency = forms.ChoiceField(
        label=_("Wie oft möchten Sie benachrichtigt werden?"),
        choices=FREQUENCY_CHOICES,
        initial=SearchAlert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, wie oft wir Ihnen schreiben sollen.")},
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine E-Mail-Adresse für diesen Suchauftrag gespeichert wird. "
            "Abmelden kann ich mich jederzeit mit einem Klick."
        ),
        error_messages={"required": _("Bitte stimmen Sie zu, sonst können wir Ihnen nicht schreiben.")},
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Häufigkeit"),
        choices=FREQUENCY_CHOICES,
        widget=forms.Select(attrs={"class": "kern-form-input__select"}),
    )
