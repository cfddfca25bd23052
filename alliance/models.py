"""The alliance's own content: its theses, its recommendations and editable pages."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Page(models.Model):
    """An editable text page: the alliance's self-description and the legal/public-sector pages."""

    class Key(models.TextChoices):
        ABOUT = "allianz", "Über die Allianz"
        IMPRINT = "impressum", "Impressum"
        PRIVACY = "datenschutz", "Datenschutz"
        ACCESSIBILITY = "barrierefreiheit", "Barrierefreiheit"
        EASY_LANGUAGE = "leichte-sprache", "Leichte Sprache"
        CONTACT = "kontakt", "Kontakt"

    slug = models.SlugField("Seite", max_length=40, unique=True, choices=Key.choices)
    title = models.CharField("Überschrift", max_length=200)
    lead = models.CharField("Einleitung", max_length=400, blank=True, help_text="Ein Satz unter der Überschrift.")
    body = models.TextField("Text", help_text="Markdown.")
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    history = HistoricalRecords(
        verbose_name="Seite (Version)", verbose_name_plural="Seiten (Versionen)", excluded_fields=["updated_at"]
    )

    class Meta:
        verbose_name = "Seite"
        verbose_name_plural = "Seiten"
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug == self.Key.ABOUT:
            return reverse("alliance:about")
        return reverse("alliance:page", kwargs={"slug": self.slug})


class Thesis(models.Model):
    """One thesis of the alliance's Thesenpapier on transfer."""

    number = models.PositiveSmallIntegerField("Nummer", unique=True, validators=[MinValueValidator(1)])
    title = models.CharField("Titel", max_length=200)
    text = models.TextField("Text", help_text="Markdown.")

    class Meta:
        verbose_name = "These"
        verbose_name_plural = "Thesen"
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=models.Q(number__gte=1), name="thesis_number_positive")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Recommendation(models.Model):
    """One of the alliance's seven recommendations, linked to what the portal offers on it."""

    number = models.PositiveSmallIntegerField(
        "Nummer", unique=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    title = models.CharField("Titel", max_length=200)
    text = models.TextField("Text", help_text="Markdown.")
    topics = models.ManyToManyField(
        "offers.Topic", verbose_name="passende Themen", blank=True, related_name="recommendations"
    )
    offer_types = models.JSONField(
        "passende Angebotsarten", default=list, blank=True, help_text='Liste von Angebotsarten, z. B. ["beratung"].'
    )
    offers = models.ManyToManyField(
        "offers.Offer", verbose_name="ausgewählte Angebote", blank=True, related_name="recommendations"
    )
    networks = models.ManyToManyField(
        "regions.RegionalNetwork", verbose_name="passende Netzwerke", blank=True, related_name="recommendations"
    )

    class Meta:
        verbose_name = "Empfehlung"
        verbose_name_plural = "Empfehlungen"
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=models.Q(number__gte=1), name="recommendation_number_positive")]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def clean(self):
        from offers.models import Offer

        unknown = [value for value in self.offer_types or [] if value not in Offer.OfferType.values]
        if not isinstance(self.offer_types, list) or unknown:
            raise ValidationError(
                {"offer_types": "Bitte nur diese Angebotsarten verwenden: " + ", ".join(Offer.OfferType.values)}
            )

    def offer_type_choices(self):
        """[(value, label)] of the offer types that serve this recommendation."""
        from offers.models import Offer

        return [(value, Offer.OfferType(value).label) for value in self.offer_types if value in Offer.OfferType.values]
