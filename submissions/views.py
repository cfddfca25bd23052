"""/angebote/vorschlagen/: anyone may suggest an offer; the editors check it before anything is published.

What is stored: at once an `Offer` draft (status Entwurf, no provider, so nothing about an unknown
institution becomes public) plus an `OfferSubmission` with who submitted it, when, and the consent.
Topics typed as free text are linked only where such a topic exists already; the text itself stays in the
submission for the editors (no new public topic from an anonymous form). After the transaction commits,
an email goes to EDITORIAL_EMAIL; if sending fails the error is logged and the suggestion stays stored
(`notified_at` stays empty, the admin filters on it).

Abuse protection without cookies, shared by every public form (allianz_portal/publicforms.py):
- a signed timestamp token (django.core.signing) rendered into the form: a POST without a valid token
  is refused, one sent less than MIN_SECONDS after the form was rendered is refused politely (time trap),
  one older than MAX_AGE asks to send again;
- a honeypot field hidden from people (`hidden` attribute): filled in → pretend success, store nothing;
- each token is accepted once (used tokens are remembered in the shared cache until they expire), so a
  captured token cannot be replayed;
- at most RATE_LIMIT suggestions per address and hour (django-ratelimit, counted in the shared "ratelimit"
  cache, address from allianz_portal.clientaddr) → HTTP 429 with a German page.
"""

import logging

from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from allianz_portal.publicforms import ACCEPTED, LIMITED, SPAM, PublicForm, RateLimit, check_post
from allianz_portal.text import german_slugify
from offers.models import Offer, OfferSubmission, TargetGroup, Topic, record_offer_history
from regions.models import Region

logger = logging.getLogger(__name__)

RATE_LIMIT = 5
LIMIT = RateLimit("offers.submission", RATE_LIMIT, "h")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def required(message):
    return {"required": message}


class SubmissionForm(PublicForm):
    anchor = "vorschlag-formular"

    title = forms.CharField(
        label=_("Titel des Angebots"), max_length=200, error_messages=required(_("Bitte geben Sie den Titel an."))
    )
    summary = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ein bis zwei Sätze, höchstens 300 Zeichen."),
        error_messages={
            "required": _("Bitte beschreiben Sie das Angebot kurz."),
            "max_length": _("Die Kurzbeschreibung darf höchstens 300 Zeichen lang sein (jetzt: %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Was bekommt ein Unternehmen, wie läuft es ab, was ist Voraussetzung?"),
        error_messages=required(_("Bitte beschreiben Sie das Angebot.")),
    )
    offer_type = forms.ChoiceField(
        label=_("Angebotsart"),
        choices=[("", _("Bitte wählen")), *Offer.OfferType.choices],
        error_messages=required(_("Bitte wählen Sie die Angebotsart.")),
    )
    topics = forms.CharField(
        label=_("Themen"),
        max_length=300,
        required=False,
        help_text=_("Durch Komma getrennt, z. B. Robotik, Fachkräfte, Energieeffizienz."),
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Für wen ist das Angebot?"),
        queryset=TargetGroup.objects.order_by("order", "name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages=required(_("Bitte wählen Sie mindestens eine Zielgruppe.")),
    )
    region = forms.ChoiceField(
        label=_("Wo gilt das Angebot?"),
        help_text=_("Ganz NRW, ein Regierungsbezirk, eine Kooperationsregion oder ein Kreis."),
        error_messages={
            "required": _("Bitte wählen Sie, wo das Angebot gilt."),
            "invalid_choice": _("Bitte wählen Sie eine Region aus der Liste."),
        },
    )
    extra_region = forms.ChoiceField(
        label=_("Gilt es zusätzlich in einer weiteren Region?"),
        required=False,
        help_text=_("Weitere Regionen nennen Sie gern in der Beschreibung."),
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Region aus der Liste.")},
    )
    cost = forms.ChoiceField(
        label=_("Kosten"),
        choices=Offer.Cost.choices,
        widget=forms.RadioSelect,
        error_messages=required(_("Bitte geben Sie an, was das Angebot kostet.")),
    )
    format = forms.ChoiceField(
        label=pgettext_lazy("offer format", "Format"),
        choices=Offer.Format.choices,
        widget=forms.RadioSelect,
        error_messages=required(_("Bitte geben Sie das Format an.")),
    )
    contact_name = forms.CharField(label=_("Ansprechperson"), max_length=150, required=False)
    contact_email = forms.EmailField(
        label=_("E-Mail für Anfragen"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de an.")},
    )
    contact_phone = forms.CharField(label=_("Telefon für Anfragen"), max_length=40, required=False)
    url = forms.URLField(
        label=_("Link zu weiteren Informationen"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Bitte geben Sie eine Internetadresse wie https://www.beispiel.de an.")},
    )
    start_date = forms.DateField(
        label=_("Beginn"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Nur für Veranstaltungen und befristete Angebote."),
        error_messages={"invalid": _("Bitte geben Sie den Beginn als Datum an, z. B. 31.03.2027.")},
    )
    end_date = forms.DateField(
        label=_("Ende"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie das Ende als Datum an, z. B. 31.03.2027.")},
    )
    deadline = forms.DateField(
        label=_("Einreichungsfrist"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Für Ausschreibungen und Förderaufrufe."),
        error_messages={"invalid": _("Bitte geben Sie die Frist als Datum an, z. B. 31.03.2027.")},
    )
    submitter_name = forms.CharField(
        label=_("Ihr Name"), max_length=150, error_messages=required(_("Bitte geben Sie Ihren Namen an."))
    )
    submitter_email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_("Nur für Rückfragen der Redaktion; wird nicht veröffentlicht."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de an."),
        },
    )
    institution_name = forms.CharField(
        label=_("Ihre Institution (Anbieter des Angebots)"),
        max_length=200,
        error_messages=required(_("Bitte geben Sie die Institution an, die das Angebot macht.")),
    )
    consent = forms.BooleanField(
        label=_("Ich bin einverstanden, dass die Redaktion meine Angaben zur Prüfung des Vorschlags speichert."),
        error_messages=required(
            _("Bitte stimmen Sie der Speicherung zu, sonst können wir den Vorschlag nicht annehmen.")
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = region_groups()
        self.fields["region"].choices = [("", _("Bitte wählen")), *groups]
        self.fields["extra_region"].choices = [("", _("Keine weitere")), *groups]
        for name, autocomplete in (
            ("submitter_name", "name"),
            ("submitter_email", "email"),
            ("institution_name", "organization"),
            ("contact_email", "off"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def clean_region(self):
        return Region.objects.get(slug=self.cleaned_data["region"])

    def clean_extra_region(self):
        slug = self.cleaned_data["extra_region"]
        return Region.objects.get(slug=slug) if slug else None

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Das Ende darf nicht vor dem Beginn liegen."))
        return data


def region_groups():
    groups = [
        (_("Land und Regierungsbezirke"), ("land", "regierungsbezirk")),
        (_("Kooperationsregionen"), ("kooperationsregion",)),
        (_("Kreise und kreisfreie Städte"), ("kreis", "kreisfreie-stadt")),
    ]
    regions = list(Region.objects.order_by("name").values_list("slug", "name", "kind"))
    return [
        (
            label,
            sorted(
                ((slug, name) for slug, name, kind in regions if kind in kinds),
                key=lambda item: (item[0] != "nrw", item[1]),
            ),
        )
        for label, kinds in groups
    ]


def unique_slug(title):
    base = (german_slugify(title)[:180] or "vorschlag").strip("-")
    slug, number = base, 1
    while Offer.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def store(form, admin_url_for):
    data = form.cleaned_data
    offer = Offer(
        title=data["title"],
        slug=unique_slug(data["title"]),
        summary=data["summary"],
        description=data["description"],
        offer_type=data["offer_type"],
        cost=data["cost"],
        format=data["format"],
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
        url=data["url"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        deadline=data["deadline"],
        status=Offer.Status.DRAFT,
    )
    offer.skip_history_when_saving = True
    offer.full_clean()
    offer.save()
    offer.target_groups.set(data["target_groups"])
    offer.coverage.set([region for region in (data["region"], data["extra_region"]) if region])
    names = [name.strip() for name in data["topics"].split(",") if name.strip()]
    known = [topic for topic in Topic.objects.all() if topic.name.casefold() in {name.casefold() for name in names}]
    if known:
        offer.topics.set(known)
    del offer.skip_history_when_saving
    offer._change_reason = "Vorschlag über das Formular"
    record_offer_history(offer, "+")
    submission = OfferSubmission.objects.create(
        offer=offer,
        submitter_name=data["submitter_name"],
        submitter_email=data["submitter_email"],
        institution_name=data["institution_name"],
        consent_at=timezone.now(),
        details={
            "title": data["title"],
            "topics": data["topics"],
            "regions": [region.name for region in (data["region"], data["extra_region"]) if region],
        },
    )
    admin_url = admin_url_for(offer)
    transaction.on_commit(lambda: notify_editors(submission.pk, admin_url))
    return submission


def notify_editors(submission_pk, admin_url):
    """Email the editors; on failure log it and leave `notified_at` empty (the suggestion is stored anyway)."""
    submission = OfferSubmission.objects.select_related("offer").filter(pk=submission_pk).first()
    if submission is None:
        return
    body = (
        f"Neuer Vorschlag über das Transferportal:\n\n"
        f"Angebot: {submission.details.get('title', '')}\n"
        f"Institution (Angabe): {submission.institution_name}\n"
        f"Eingereicht von: {submission.submitter_name} <{submission.submitter_email}>\n"
        f"Themen (Freitext): {submission.details.get('topics') or '–'}\n\n"
        f"Zum Entwurf (Anbieter zuordnen, prüfen, veröffentlichen):\n{admin_url}\n"
    )
    try:
        send_mail(
            f"Neuer Angebotsvorschlag: {submission.details.get('title', '')}"[:180],
            body,
            settings.DEFAULT_FROM_EMAIL,
            [settings.EDITORIAL_EMAIL],
        )
    except Exception:
        logger.exception(
            "Vorschlag %s: E-Mail an die Redaktion fehlgeschlagen; der Vorschlag ist gespeichert.", submission_pk
        )
        return
    OfferSubmission.objects.filter(pk=submission_pk).update(notified_at=timezone.now())


# The form is csrf_exempt on purpose: public GET pages must not set cookies, so there is no CSRF cookie
# to check against. The form carries a signed, time-limited token instead (see `check_token`), and the
# view changes nothing a forged cross-site POST could abuse: no login is involved, every suggestion is a
# draft the editors review, and the per-IP rate limit applies to every source alike.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def submit_offer(request):
    status = 200
    if request.method == "POST":
        form = SubmissionForm(request.POST)
        outcome = check_post(request, form, LIMIT)
        if outcome == LIMITED:
            return render(request, "submissions/offer_submit_limit.html", status=429)
        if outcome == SPAM:
            logger.info("Vorschlag verworfen: Honeypot ausgefüllt.")
            return redirect("submissions:done")
        if outcome == ACCEPTED:
            store(form, lambda offer: request.build_absolute_uri(reverse("admin:offers_offer_change", args=[offer.pk])))
            return redirect("submissions:done")
        status = 400
    else:
        form = SubmissionForm()
    form.prepare_widgets()
    return render(
        request,
        "submissions/offer_submit.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "breadcrumbs": [(reverse("finder:list"), _("Angebote")), (None, _("Angebot vorschlagen"))],
        },
        status=status,
    )


@require_GET
def submit_done(request):
    return render(
        request,
        "submissions/offer_submit_done.html",
        {"breadcrumbs": [(reverse("finder:list"), _("Angebote")), (None, _("Vorschlag eingegangen"))]},
    )
