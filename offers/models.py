"""Transfer and support offers for SMEs: the heart of the directory."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from allianz_portal.text import german_slugify
from regions import coverage


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
        ended = Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today, offer_type=Offer.OfferType.EVENT)
        return self.exclude(ended | Q(deadline__lt=today))

    def covering(self, region):
        """Offers available in `region`: their coverage includes it or a region containing it."""
        region_ids = coverage.containing_region_ids(region)
        through = Offer.coverage.through
        return self.filter(Exists(through.objects.filter(offer_id=OuterRef("pk"), region_id__in=region_ids)))

    def for_listing(self):
        """The one shaped queryset that list pages use."""
        return self.select_related("provider", "network").prefetch_related("topics")


class Offer(models.Model):
    class OfferType(models.TextChoices):
        CONSULTING = "beratung", "Beratung"
        FUNDING = "foerderung", "Förderprogramm/Finanzierung"
        TRAINING = "qualifizierung", "Qualifizierung/Weiterbildung"
        EVENT = "veranstaltung", "Veranstaltung/Dialog"
        LAB = "labor", "Labor/Testumgebung/Demonstrator"
        RESEARCH = "forschung", "Forschungskooperation/Transferprojekt"
        NETWORK = "netzwerk", "Netzwerk/Plattform"

    class Cost(models.TextChoices):
        FREE = "kostenfrei", "kostenfrei"
        SUBSIDISED = "gefoerdert", "gefördert/anteilig"
        PAID = "kostenpflichtig", "kostenpflichtig"

    class Format(models.TextChoices):
        ON_SITE = "vor-ort", "vor Ort"
        ONLINE = "online", "online"
        HYBRID = "hybrid", "hybrid"

    class Status(models.TextChoices):
        DRAFT = "entwurf", "Entwurf"
        REVIEW = "pruefung", "In Prüfung"
        PUBLISHED = "veroeffentlicht", "Veröffentlicht"
        ARCHIVED = "archiviert", "Archiviert"

    title = models.CharField("Titel", max_length=200)
    slug = models.SlugField("Kurzname in der Adresse", max_length=200, unique=True)
    summary = models.CharField("Kurzbeschreibung", max_length=300, help_text="Höchstens 300 Zeichen, ohne Markdown.")
    description = models.TextField("Beschreibung", help_text="Markdown: **fett**, *kursiv*, Listen, Links.")
    provider = models.ForeignKey(
        "partners.Institution", verbose_name="Anbieter", on_delete=models.PROTECT, related_name="offers"
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

    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "veröffentlicht ab", null=True, blank=True, help_text="Ein Zeitpunkt in der Zukunft plant die Veröffentlichung."
    )
    last_verified = models.DateField(
        "Stand", null=True, blank=True, help_text="Wann die Angaben zuletzt geprüft wurden."
    )
    is_demo = models.BooleanField("Beispieldaten", default=False)

    # Denormalised for full-text search (PostgreSQL's stored search vector can read only this row).
    topic_names = models.TextField("Themen (Suchtext)", blank=True, editable=False)
    provider_name = models.CharField("Anbieter (Suchtext)", max_length=300, blank=True, editable=False)

    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = "Angebot"
        verbose_name_plural = "Angebote"
        ordering = ["-published_at", "title"]
        indexes = [
            models.Index(fields=["-published_at", "title"], name="offer_newest_idx"),
            models.Index(fields=["status", "published_at"], name="offer_public_idx"),
            models.Index(fields=["offer_type"], name="offer_type_idx"),
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
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.provider_id:
            self.provider_name = self.provider.search_name
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "provider_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("offers:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "Das Ende darf nicht vor dem Beginn liegen."
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def covered_kreis_ids(self):
        return coverage.covered_kreis_ids(region.pk for region in self.coverage.all())
