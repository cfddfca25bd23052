"""Form fields for a place in NRW that the public forms share (enquiry, transfer need)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import KREIS_KINDS, Municipality, Region


def kreis_choices():
    return [
        ("", _("Bitte wählen")),
        *Region.objects.filter(kind__in=KREIS_KINDS).order_by("name").values_list("slug", "name"),
    ]


class PlaceFieldsMixin(forms.Form):
    """Postcode or Kreis, at least one: a postcode leads to its Kreis; a chosen Kreis wins over it."""

    postcode = forms.CharField(
        label=_("Postleitzahl"), max_length=5, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    kreis = forms.ChoiceField(label=_("oder Kreis / kreisfreie Stadt"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreis"].choices = kreis_choices()
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"

    def clean_postcode(self):
        code = self.cleaned_data["postcode"].strip()
        if code and not (len(code) == 5 and code.isdigit()):
            raise forms.ValidationError(_("Bitte geben Sie eine fünfstellige Postleitzahl an."))
        return code

    def clean(self):
        data = super().clean()
        code, slug = data.get("postcode"), data.get("kreis")
        kreis = None
        if slug:
            kreis = Region.objects.filter(slug=slug).first()
        elif code:
            kreis_ids = set(Municipality.objects.matching(code).values_list("kreis_id", flat=True))
            if len(kreis_ids) == 1:
                kreis = Region.objects.get(pk=kreis_ids.pop())
            elif kreis_ids:
                self.add_error(
                    "kreis", _("Diese Postleitzahl gehört zu mehreren Kreisen: bitte wählen Sie Ihren Kreis.")
                )
            else:
                self.add_error(
                    "postcode", _("Diese Postleitzahl kennen wir in NRW nicht. Bitte wählen Sie Ihren Kreis.")
                )
        elif "postcode" not in self.errors:
            self.add_error("postcode", _("Bitte geben Sie Ihre Postleitzahl an oder wählen Sie Ihren Kreis."))
        data["kreis_region"] = kreis
        return data

    def place_text(self):
        data = self.cleaned_data
        kreis = data.get("kreis_region")
        return " – ".join(part for part in (data.get("postcode"), kreis.name if kreis else "") if part)
