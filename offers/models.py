"""Transfer and support offers for SMEs: the heart of the directory."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from allianz_portal.dates import add_months
from allianz_portal.text import german_slugify
from regions import coverage
from regions.models import Region

# Addresses under /angebote/ that are pages of their own, so no offer may take them as its slug.
RESERVED_SLUGS = frozenset({"vorschlagen", "feed", "export", "kalender", "merkliste", "vergleich"})


def validate_not_reserved_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"„{value}“ ist als Adresse schon vergeben. Bitte einen anderen Kurznamen wählen.")


class CompanySize(models.TextChoices):
    """The EU's SME classes (Recommendation 2003/361/EC), the one definition the portal uses."""

    MICRO = "kleinst", _("Kleinstunternehmen")
    SMALL = "klein", _("Kleines Unternehmen")
    MEDIUM = "mittel", _("Mittleres Unternehmen")


# What each class means, in the words shown next to the filter and on the detail page.
COMPANY_SIZE_THRESHOLDS = {
    CompanySize.MICRO: _("weniger als 10 Beschäftigte und höchstens 2 Mio. € Umsatz oder Bilanzsumme"),
    CompanySize.SMALL: _("weniger als 50 Beschäftigte und höchstens 10 Mio. € Umsatz oder Bilanzsumme"),
    CompanySize.MEDIUM: _("weniger als 250 Beschäftigte und höchstens 50 Mio. € Umsatz oder 43 Mio. € Bilanzsumme"),
}

# Fixed steps of the filter "Förderung ab … €" (an offer counts for every step up to its maximum amount).
FUNDING_STEPS = (5_000, 10_000, 25_000, 50_000, 100_000, 250_000)


def choice_label(choices, value):
    """The label of `value` in the TextChoices `choices` as text in the active language (as Django's
    get_FOO_display: an unknown value is shown as it is)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def euro(amount):
    """15000 -> "15.000 €" (grouped as the active language writes numbers)."""
    return f"{formats.number_format(amount, decimal_pos=0, force_grouping=True)} €"


# The steps as choices: value "5000", label "5.000 €" in the language of the page.
FUNDING_CHOICES = [(str(step), lazy(euro, str)(step)) for step in FUNDING_STEPS]


class Vocabulary(models.Model):
    """A small editable list of terms (slug + label) that offers can carry several of."""

    slug = models.SlugField("Kurzname in der Adresse", max_length=40, unique=True)
    name = models.CharField("Bezeichnung", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class TargetGroup(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = "Zielgruppe"
        verbose_name_plural = "Zielgruppen"


class InnovationDimension(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = "Innovationsdimension"
        verbose_name_plural = "Innovationsdimensionen"


class Topic(TagBase):
    """A topic (django-taggit tag) with a transliterated slug: "Künstliche Intelligenz" -> kuenstliche-intelligenz."""

    class Meta:
        verbose_name = "Thema"
        verbose_name_plural = "Themen"
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = german_slugify(tag)[:90]
        return f"{slug}-{i}" if i is not None else slug


class TaggedOffer(TaggedItemBase):
    """Topic assignment with a real foreign key, so topic filters and counts are plain joins."""

    content_object = models.ForeignKey("Offer", verbose_name="Angebot", on_delete=models.CASCADE)
    tag = models.ForeignKey(Topic, verbose_name="Thema", on_delete=models.CASCADE, related_name="tagged_offers")

    class Meta:
        verbose_name = "Themenzuordnung"
        verbose_name_plural = "Themenzuordnungen"
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_offer_unique")]


def ended_q(today):
    """Offers whose event has ended or whose deadline has passed (the complement of `current()`)."""
    ended = Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today, offer_type=Offer.OfferType.EVENT)
    return ended | Q(deadline__lt=today)


class VersionConflict(Exception):
    """Someone saved this offer after it was loaded: saving now would overwrite their changes."""

    def __init__(self, offer, loaded_version):
        self.offer = offer
        self.loaded_version = loaded_version
        super().__init__(f"Offer {offer.pk}: version {loaded_version} is stale")


class OfferQuerySet(models.QuerySet):
    def public(self, now=None):
        """What the public may see: published, with a publication time that has come.

        Every public page, count, feed and export goes through this one method.
        """
        now = now or timezone.now()
        return self.filter(status=Offer.Status.PUBLISHED, published_at__lte=now)

    def current(self, today=None):
        """Hide offers whose event has ended or whose deadline has passed."""
        today = today or timezone.localdate()
        return self.exclude(ended_q(today))

    # -- curation (admin) ------------------------------------------------------------------------

    def expired(self, today=None):
        """Published offers that `current()` hides: shown to staff as "abgelaufen"."""
        today = today or timezone.localdate()
        return self.filter(ended_q(today), status=Offer.Status.PUBLISHED)

    def scheduled(self, now=None):
        """Published offers whose publication time lies in the future."""
        return self.filter(status=Offer.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def awaiting_review(self):
        return self.filter(status=Offer.Status.REVIEW)

    def due_for_review(self, today=None):
        """Published offers whose last check is older than their review interval (or that were never checked)."""
        today = today or timezone.localdate()
        return self.filter(status=Offer.Status.PUBLISHED, review_due__lte=today).exclude(ended_q(today))

    def expiring_within(self, days=30, today=None):
        """Published, still current offers whose end date, deadline or (single-day) event falls within `days`."""
        today = today or timezone.localdate()
        until = today + datetime.timedelta(days=days)
        window = (
            Q(end_date__range=(today, until))
            | Q(deadline__range=(today, until))
            | Q(end_date__isnull=True, offer_type=Offer.OfferType.EVENT, start_date__range=(today, until))
        )
        return self.filter(window, status=Offer.Status.PUBLISHED).exclude(ended_q(today))

    def of_institution(self, institution_id):
        return self.filter(provider_id=institution_id)

    def covering(self, region):
        """Offers available in `region`: their coverage regions together include every Kreis of it.

        So an offer for Kreis Lippe and one for "all of NRW" are both available in Lippe, and an offer
        listing every Kreis of a Regierungsbezirk one by one is available in that Bezirk (the facet
        index counts by the same rule, finder/index.py).
        """
        through = Offer.coverage.through

        def covered_by(region_ids):
            return Exists(through.objects.filter(offer_id=OuterRef("pk"), region_id__in=region_ids))

        whole = covered_by(coverage.containing_region_ids(region))
        kreise = coverage.kreis_ids(region)
        if len(kreise) <= 1:
            return self.filter(whole)
        piecewise = Q()
        for kreis_id in sorted(kreise):
            piecewise &= covered_by(coverage.containing_region_ids(Region(pk=kreis_id)))
        return self.filter(whole | piecewise)

    def for_listing(self):
        """The one shaped queryset that list pages use."""
        return self.select_related("provider", "network").prefetch_related("topics")


# Version history of offers, including their regions, target groups, dimensions and funding links
# (simple-history's m2m_fields); topics are recorded through the denormalised `topic_names` text.
offer_history = HistoricalRecords(
    verbose_name="Angebot (Version)",
    verbose_name_plural="Angebote (Versionen)",
    m2m_fields=["coverage", "target_groups", "dimensions", "funded_by"],
    excluded_fields=["provider_name", "updated_at"],
)


def join_topic_names(names):
    """The denormalised topic text an offer carries for search and history (`Offer.topic_names`)."""
    return ", ".join(sorted(names))


def record_offer_history(offer, history_type="~"):
    """One history entry with the offer's complete current state (fields and relations).

    Admin saves and imports suppress the entries simple-history would write on `save()` and on every
    relation change, then call this once at the end, so one edit is one entry with the final relations.
    """
    offer_history.create_historical_record(offer, history_type)


class Offer(models.Model):
    class OfferType(models.TextChoices):
        CONSULTING = "beratung", _("Beratung")
        FUNDING = "foerderung", _("Förderprogramm/Finanzierung")
        TRAINING = "qualifizierung", _("Qualifizierung/Weiterbildung")
        EVENT = "veranstaltung", _("Veranstaltung/Dialog")
        LAB = "labor", _("Labor/Testumgebung/Demonstrator")
        RESEARCH = "forschung", _("Forschungskooperation/Transferprojekt")
        NETWORK = "netzwerk", _("Netzwerk/Plattform")

    class Cost(models.TextChoices):
        FREE = "kostenfrei", _("kostenfrei")
        SUBSIDISED = "gefoerdert", _("gefördert/anteilig")
        PAID = "kostenpflichtig", _("kostenpflichtig")

    class Format(models.TextChoices):
        ON_SITE = "vor-ort", _("vor Ort")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        REVIEW = "pruefung", _("In Prüfung")
        PUBLISHED = "veroeffentlicht", _("Veröffentlicht")
        ARCHIVED = "archiviert", _("Archiviert")

    title = models.CharField("Titel", max_length=200)
    slug = models.SlugField(
        "Kurzname in der Adresse", max_length=200, unique=True, validators=[validate_not_reserved_slug]
    )
    summary = models.CharField("Kurzbeschreibung", max_length=300, help_text="Höchstens 300 Zeichen, ohne Markdown.")
    description = models.TextField("Beschreibung", help_text="Markdown: **fett**, *kursiv*, Listen, Links.")
    provider = models.ForeignKey(
        "partners.Institution",
        verbose_name="Anbieter",
        on_delete=models.PROTECT,
        related_name="offers",
        null=True,
        blank=True,
        help_text="Pflicht zum Veröffentlichen; leer nur bei Vorschlägen, deren Anbieter noch zu prüfen ist.",
    )
    network = models.ForeignKey(
        "regions.RegionalNetwork",
        verbose_name="Netzwerk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    offer_type = models.CharField("Angebotsart", max_length=20, choices=OfferType.choices)
    topics = TaggableManager("Themen", through=TaggedOffer, blank=True, help_text="Durch Komma getrennt.")
    target_groups = models.ManyToManyField(TargetGroup, verbose_name="Zielgruppen", related_name="offers")
    dimensions = models.ManyToManyField(
        InnovationDimension, verbose_name="Innovationsdimensionen", related_name="offers", blank=True
    )
    coverage = models.ManyToManyField(
        "regions.Region",
        verbose_name="Gebiet",
        related_name="offers",
        help_text="Wo das Angebot gilt: ganz NRW, Regierungsbezirke, Kooperationsregionen oder Kreise.",
    )
    cost = models.CharField("Kosten", max_length=20, choices=Cost.choices)
    format = models.CharField("Format", max_length=20, choices=Format.choices)

    contact_name = models.CharField("Ansprechperson", max_length=150, blank=True)
    contact_email = models.EmailField("E-Mail", blank=True)
    contact_phone = models.CharField("Telefon", max_length=40, blank=True)
    url = models.URLField("Weitere Informationen (Link)", blank=True, max_length=500)

    start_date = models.DateField(
        "Beginn", null=True, blank=True, help_text="Für Veranstaltungen und befristete Angebote."
    )
    end_date = models.DateField("Ende", null=True, blank=True)
    deadline = models.DateField(
        "Einreichungsfrist", null=True, blank=True, help_text="Für Ausschreibungen und Förderaufrufe."
    )

    funded_by = models.ManyToManyField(
        "self",
        verbose_name="finanzierbar über",
        symmetrical=False,
        blank=True,
        related_name="funds",
        limit_choices_to={"offer_type": "foerderung"},
        help_text="Förderprogramme, mit denen sich dieses Angebot bezahlen lässt.",
    )

    # Funding and cost facts an SME decides by (all optional; shown where set).
    max_amount = models.PositiveIntegerField(
        "Förderung bis (€)", null=True, blank=True, help_text="Höchstbetrag der Förderung je Vorhaben in Euro."
    )
    rate_micro = models.PositiveSmallIntegerField(
        "Förderquote Kleinstunternehmen (%)", null=True, blank=True, help_text="0 bis 100."
    )
    rate_small = models.PositiveSmallIntegerField(
        "Förderquote kleine Unternehmen (%)", null=True, blank=True, help_text="0 bis 100."
    )
    rate_medium = models.PositiveSmallIntegerField(
        "Förderquote mittlere Unternehmen (%)", null=True, blank=True, help_text="0 bis 100."
    )
    own_contribution = models.CharField(
        "Eigenanteil", max_length=200, blank=True, help_text="z. B. „50 % der förderfähigen Kosten“."
    )
    duration = models.CharField("Dauer", max_length=100, blank=True, help_text="z. B. „bis zu 12 Monate“, „2 Tage“.")
    price_from = models.PositiveIntegerField(
        "Preis ab (€)", null=True, blank=True, help_text="Typischer Preis für kostenpflichtige Angebote, in Euro."
    )
    for_micro = models.BooleanField(
        "für Kleinstunternehmen",
        default=False,
        help_text="Unter 10 Beschäftigte, bis 2 Mio. € Umsatz/Bilanz. Keine Größe angekreuzt: jede Größe.",
    )
    for_small = models.BooleanField(
        "für kleine Unternehmen", default=False, help_text="Weniger als 50 Beschäftigte, höchstens 10 Mio. €."
    )
    for_medium = models.BooleanField(
        "für mittlere Unternehmen",
        default=False,
        help_text="Weniger als 250 Beschäftigte, höchstens 50 Mio. € Umsatz oder 43 Mio. € Bilanzsumme.",
    )

    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "veröffentlicht ab",
        null=True,
        blank=True,
        help_text="Planen: Status „Veröffentlicht“ und ein Zeitpunkt in der Zukunft. Leer: sofort.",
    )
    last_verified = models.DateField(
        "Stand", null=True, blank=True, help_text="Wann die Angaben zuletzt geprüft wurden."
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "Prüfintervall (Monate)",
        default=12,
        help_text="Nach so vielen Monaten seit dem Stand gilt das Angebot als „Prüfung fällig“.",
    )
    review_due = models.DateField("Prüfung fällig ab", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(
        "Version", default=1, editable=False, help_text="Steigt mit jedem Speichern; schützt vor Überschreiben."
    )
    is_demo = models.BooleanField("Beispieldaten", default=False)

    # Denormalised for full-text search (PostgreSQL's stored search vector can read only this row).
    topic_names = models.TextField("Themen (Suchtext)", blank=True, editable=False)
    provider_name = models.CharField("Anbieter (Suchtext)", max_length=300, blank=True, editable=False)

    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    objects = OfferQuerySet.as_manager()
    history = offer_history

    class Meta:
        verbose_name = "Angebot"
        verbose_name_plural = "Angebote"
        ordering = ["-published_at", "title"]
        permissions = [("publish_offer", "Angebote veröffentlichen und archivieren")]
        indexes = [
            models.Index(fields=["-published_at", "title"], name="offer_newest_idx"),
            models.Index(fields=["status", "published_at"], name="offer_public_idx"),
            models.Index(fields=["offer_type"], name="offer_type_idx"),
            models.Index(fields=["status", "review_due"], name="offer_review_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="offer_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="veroeffentlicht") | Q(published_at__isnull=False),
                name="offer_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["entwurf", "pruefung", "veroeffentlicht", "archiviert"]),
                name="offer_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="veroeffentlicht") | Q(provider__isnull=False),
                name="offer_published_has_provider",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0), name="offer_max_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(price_from__isnull=True) | Q(price_from__gt=0), name="offer_price_from_positive"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (0, 100)}),
                    name=f"offer_{name}_percent",
                )
                for name in ("rate_micro", "rate_small", "rate_medium")
            ],
        ]

    def __str__(self):
        return self.title

    def save(self, *args, version_claimed=False, **kwargs):
        """Save with optimistic locking: every save of an existing offer raises its version by one.

        The bump is a conditional UPDATE (`… WHERE version = <the version this instance was loaded with>`) in
        the same transaction as the save, so of two editors who loaded the same version only the first one
        saves; the second gets `VersionConflict` instead of silently overwriting. A caller that has claimed the
        version itself (the admin form during validation, offers/admin_forms.py; bulk actions) passes
        `version_claimed=True`.
        """
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        derived = {"review_due", "version", "provider_name"}
        self.fill_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or "default"
        with transaction.atomic(using=using):
            if not version_claimed:
                self.claim_version(using)
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("finder:detail", kwargs={"slug": self.slug})

    # The labels of the choice fields that offer cards and pages show. Django's own get_FOO_display()
    # rebuilds a dict of all choices on every call (lazy labels, made hashable), which cost ≈ 20 % of
    # rendering the offer list; the enum lookup gives the same text.
    def get_offer_type_display(self):
        return choice_label(self.OfferType, self.offer_type)

    def get_cost_display(self):
        return choice_label(self.Cost, self.cost)

    def get_format_display(self):
        return choice_label(self.Format, self.format)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "Das Ende darf nicht vor dem Beginn liegen."
        if self.status == self.Status.PUBLISHED and not self.provider_id:
            errors["provider"] = "Bitte vor dem Veröffentlichen einen Anbieter zuordnen."
        for name in ("rate_micro", "rate_small", "rate_medium"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                errors[name] = "Eine Förderquote liegt zwischen 0 und 100 %."
        for name in ("max_amount", "price_from"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                errors[name] = "Bitte einen Betrag größer als 0 € angeben – oder das Feld leer lassen."
        if errors:
            raise ValidationError(errors)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            # "Leer: sofort" – stamp it here, so the constraint check of full_clean() already sees the date.
            self.published_at = timezone.now().replace(microsecond=0)

    # -- funding and cost facts ---------------------------------------------------------------

    @property
    def company_sizes(self):
        """The eligible EU size classes; an empty list means open to companies of every size."""
        flags = ((CompanySize.MICRO, self.for_micro), (CompanySize.SMALL, self.for_small))
        return [size for size, flag in (*flags, (CompanySize.MEDIUM, self.for_medium)) if flag]

    def company_size_labels(self):
        return [str(size.label) for size in self.company_sizes]

    @property
    def funding_rates(self):
        """[(size class, rate in %)] for the classes with a rate."""
        rates = zip(CompanySize, (self.rate_micro, self.rate_small, self.rate_medium), strict=True)
        return [(size, rate) for size, rate in rates if rate is not None]

    @property
    def key_figure(self):
        """The one figure a list card shows: "bis 15.000 € · 50 % Zuschuss", "bis 80 % Zuschuss" or "ab 450 €"."""
        parts = []
        if self.max_amount:
            parts.append(gettext("bis %(amount)s") % {"amount": euro(self.max_amount)})
        rates = sorted({rate for _size, rate in self.funding_rates})
        if rates:
            low, high = rates[0], rates[-1]
            rate = f"{low} %" if low == high else f"{low}–{high} %"
            parts.append(gettext("%(rate)s Zuschuss") % {"rate": rate})
        if not parts and self.price_from:
            parts.append(gettext("ab %(price)s") % {"price": euro(self.price_from)})
        return " · ".join(parts)

    def funding_facts(self):
        """[(label, text or None)] of the funding and cost facts, in the order pages show them."""
        rates = [f"{size.label}: {rate} %" for size, rate in self.funding_rates]
        sizes = self.company_size_labels()
        return [
            (_("Förderung bis"), euro(self.max_amount) if self.max_amount else None),
            (_("Förderquote"), ", ".join(rates) or None),
            (_("Eigenanteil"), self.own_contribution or None),
            (_("Dauer"), self.duration or None),
            (_("Preis"), gettext("ab %(price)s") % {"price": euro(self.price_from)} if self.price_from else None),
            (_("Unternehmensgröße"), ", ".join(sizes) if sizes else None),
        ]

    def claim_version(self, using="default"):
        """Raise the stored version by one if it is still the one this instance was loaded with.

        Otherwise someone saved in between: `VersionConflict`. Inside a transaction the row stays locked
        until the end, so a writer that claims first (e.g. a bulk action, before it touches relations)
        either gets the whole change through or nothing.
        """
        bumped = Offer.objects.using(using).filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
        if not bumped:
            raise VersionConflict(self, self.version)
        self.version += 1

    def fill_derived_fields(self):
        """The values `save()` derives from the others: the provider's search name and the review date.

        Bulk writes (offers/importing.py) call it too, since they bypass `save()`. `published_at` is kept to the
        second, as the admin's time field and the export show it: otherwise every save through the form (or an
        export/import round trip) moved it by the microseconds it cannot show, and the history and the
        lost-update message named a field nobody touched.
        """
        if self.published_at is not None:
            self.published_at = self.published_at.replace(microsecond=0)
        self.provider_name = self.provider.search_name if self.provider_id else ""
        self.review_due = self.compute_review_due()

    def compute_review_due(self):
        """The day the offer needs checking again: last check (or creation) plus the review interval."""
        basis = self.last_verified or (timezone.localdate(self.created_at) if self.created_at else None)
        basis = basis or timezone.localdate()
        return add_months(basis, self.review_interval_months or 0)

    @property
    def is_expired(self):
        today = timezone.localdate()
        if self.deadline and self.deadline < today:
            return True
        if self.end_date:
            return self.end_date < today
        return bool(self.offer_type == self.OfferType.EVENT and self.start_date and self.start_date < today)

    @property
    def state(self):
        """(key, label) of the editorial state as staff see it, including "geplant" and "abgelaufen"."""
        if self.status == self.Status.PUBLISHED:
            if self.published_at and self.published_at > timezone.now():
                return "geplant", "geplant"
            if self.is_expired:
                return "abgelaufen", "abgelaufen"
            return "oeffentlich", "veröffentlicht"
        return self.status, self.get_status_display()

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def covered_kreis_ids(self):
        return coverage.covered_kreis_ids(region.pk for region in self.coverage.all())


def publication_times(now):
    """The times after `now` at which scheduled offers go public (allianz_portal.freshness keys pages by them)."""
    return Offer.objects.scheduled(now).values_list("published_at", flat=True)


class OfferSubmission(models.Model):
    """Who suggested an offer through the public form /angebote/vorschlagen/, when, and with which consent.

    The suggestion itself is stored at once as an `Offer` draft without provider (nothing about an unknown
    institution is published); the editors assign or create the institution before publishing.
    """

    offer = models.OneToOneField(
        Offer,
        verbose_name="Angebotsentwurf",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
    )
    submitted_at = models.DateTimeField("eingereicht am", auto_now_add=True)
    submitter_name = models.CharField("Name", max_length=150)
    submitter_email = models.EmailField("E-Mail")
    institution_name = models.CharField("Institution (Angabe)", max_length=200)
    consent_at = models.DateTimeField("Einwilligung Datenschutz am")
    details = models.JSONField("weitere Angaben", default=dict, blank=True)
    notified_at = models.DateTimeField(
        "Redaktion benachrichtigt am", null=True, blank=True, help_text="Leer: die E-Mail an die Redaktion schlug fehl."
    )

    class Meta:
        verbose_name = "Vorschlag"
        verbose_name_plural = "Vorschläge"
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.institution_name}: {self.details.get('title', '–')}"


class OfferImport(models.Model):
    """One upload of offers (CSV/XLSX): checked and written in the background (offers/importing.py).

    The file is kept until the import ran, so the editor can look at the preview first and the worker can
    check it again when the editor confirms.
    """

    class Status(models.TextChoices):
        CHECKING = "pruefung", "wird geprüft"
        READY = "bereit", "Vorschau bereit – bitte bestätigen"
        INVALID = "fehlerhaft", "fehlerhaft – nichts importiert"
        QUEUED = "wartet", "bestätigt – wartet auf den Start"
        RUNNING = "laeuft", "läuft"
        DONE = "fertig", "abgeschlossen"
        REFUSED = "abgelehnt", "abgelehnt – Daten geändert, nichts importiert"
        FAILED = "abgebrochen", "abgebrochen"

    file_name = models.CharField("Datei", max_length=255)
    content = models.BinaryField("Inhalt", editable=False)
    status = models.CharField("Zustand", max_length=20, choices=Status.choices, default=Status.CHECKING)
    created_by = models.ForeignKey(
        "auth.User", verbose_name="hochgeladen von", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField("hochgeladen am", auto_now_add=True)
    started_at = models.DateTimeField("gestartet am", null=True, blank=True)
    finished_at = models.DateTimeField("beendet am", null=True, blank=True)
    rows_total = models.PositiveIntegerField("Zeilen", default=0)
    rows_done = models.PositiveIntegerField("Zeilen erledigt", default=0)
    created_count = models.PositiveIntegerField("neu", default=0)
    updated_count = models.PositiveIntegerField("aktualisiert", default=0)
    unchanged_count = models.PositiveIntegerField("unverändert", default=0)
    refused_count = models.PositiveIntegerField("abgelehnt", default=0)
    errors = models.JSONField("Meldungen", default=list, blank=True)
    preview = models.JSONField("Vorschau", default=list, blank=True)
    # slug -> version each existing offer had at preview time (0: new), so confirm can tell what changed since.
    checked_versions = models.JSONField("geprüfte Versionen", default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = "Import"
        verbose_name_plural = "Importe"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({timezone.localtime(self.created_at):%d.%m.%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:offers_offerimport_change", args=[self.pk])

    @property
    def is_active(self):
        return self.status in {self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self):
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
