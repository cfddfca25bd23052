"""Praxisbeispiele: what an offer, a network or a funding programme achieved in one company – and what did not work."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from offers.models import CompanySize, Offer
from regions import coverage


class PracticeExampleQuerySet(models.QuerySet):
    def public(self, now=None):
        """Published examples whose publication time has come (the same rule as offers)."""
        return self.filter(status=Offer.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        """Published examples whose publication time lies in the future."""
        return self.filter(status=Offer.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def in_region(self, region):
        """Examples from a company in one of the region's Kreise."""
        return self.filter(kreis_id__in=coverage.kreis_ids(region))

    def for_listing(self):
        return self.select_related("kreis").prefetch_related("topics")


class PracticeExample(models.Model):
    Status = Offer.Status

    title = models.CharField("Titel", max_length=200)
    slug = models.SlugField("Kurzname in der Adresse", max_length=200, unique=True)
    summary = models.CharField("Kurzfassung", max_length=300, help_text="Ein bis zwei Sätze, ohne Markdown.")
    company_name = models.CharField(
        "Unternehmen", max_length=200, blank=True, help_text="Leer lassen, wenn das Unternehmen anonym bleiben möchte."
    )
    company_size = models.CharField("Unternehmensgröße", max_length=10, choices=CompanySize.choices)
    kreis = models.ForeignKey(
        "regions.Region",
        verbose_name="Kreis / kreisfreie Stadt",
        on_delete=models.PROTECT,
        related_name="practice_examples",
        limit_choices_to={"kind__in": ("kreis", "kreisfreie-stadt")},
    )
    sector = models.CharField("Branche", max_length=120, help_text="z. B. „Metallverarbeitung“, „Bäckerhandwerk“.")
    challenge = models.TextField("Ausgangslage", help_text="Vor welcher Aufgabe stand das Unternehmen? Markdown.")
    approach = models.TextField("Vorgehen", help_text="Was wurde getan, mit wem? Markdown.")
    result = models.TextField("Ergebnis", help_text="Was hat es gebracht – möglichst mit Zahlen. Markdown.")
    lessons = models.TextField(
        "Was nicht funktioniert hat", blank=True, help_text="Umwege, Fehlschläge, Tipps für andere. Markdown."
    )
    offers = models.ManyToManyField(
        Offer, verbose_name="genutzte Angebote", blank=True, related_name="practice_examples"
    )
    funding = models.ManyToManyField(
        Offer,
        verbose_name="genutzte Förderung",
        blank=True,
        related_name="funded_practice_examples",
        limit_choices_to={"offer_type": "foerderung"},
    )
    networks = models.ManyToManyField(
        "regions.RegionalNetwork", verbose_name="beteiligte Netzwerke", blank=True, related_name="practice_examples"
    )
    topics = models.ManyToManyField("offers.Topic", verbose_name="Themen", blank=True, related_name="practice_examples")
    status = models.CharField("Status", max_length=20, choices=Offer.Status.choices, default=Offer.Status.DRAFT)
    published_at = models.DateTimeField(
        "veröffentlicht ab", null=True, blank=True, help_text="Leer: sofort beim Veröffentlichen."
    )
    is_demo = models.BooleanField("Beispieldaten", default=False)
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    objects = PracticeExampleQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name="Praxisbeispiel (Version)",
        verbose_name_plural="Praxisbeispiele (Versionen)",
        m2m_fields=["offers", "funding", "networks", "topics"],
        excluded_fields=["updated_at"],
    )

    class Meta:
        verbose_name = "Praxisbeispiel"
        verbose_name_plural = "Praxisbeispiele"
        ordering = ["-published_at", "title"]
        permissions = [("publish_practiceexample", "Praxisbeispiele veröffentlichen und archivieren")]
        indexes = [models.Index(fields=["status", "published_at"], name="practice_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="veroeffentlicht") | Q(published_at__isnull=False),
                name="practice_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("practice:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.kreis_id and self.kreis.kind not in ("kreis", "kreisfreie-stadt"):
            raise ValidationError({"kreis": "Bitte einen Kreis oder eine kreisfreie Stadt wählen."})
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    @property
    def company_label(self):
        """The company's name, or an anonymous description ("Mittleres Unternehmen der Metallverarbeitung")."""
        return self.company_name or f"{self.get_company_size_display()} · {self.sector}"


def publication_times(now):
    """The times after `now` at which scheduled examples go public (allianz_portal.freshness keys pages by
    them, so an offer's or network's cached page shows the example from its time on)."""
    return PracticeExample.objects.scheduled(now).values_list("published_at", flat=True)
