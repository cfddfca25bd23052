"""The alliance's own content: its theses, its recommendations and editable pages."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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


MAX_DOCUMENT_MB = 20


def validate_pdf(upload):
    """Only real PDF files up to MAX_DOCUMENT_MB: the extension, the declared type and the file's first bytes."""
    if upload.size > MAX_DOCUMENT_MB * 1024 * 1024:
        raise ValidationError(f"Die Datei ist zu groß: höchstens {MAX_DOCUMENT_MB} MB.")
    # A fresh upload arrives wrapped in a FieldFile; the browser's declared type sits on the inner file.
    content_type = getattr(getattr(upload, "file", upload), "content_type", None)
    if content_type and content_type != "application/pdf":
        raise ValidationError("Bitte nur PDF-Dateien hochladen.")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError("Diese Datei ist kein PDF (sie beginnt nicht mit „%PDF-“).")


class DocumentQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-date", "title")


class Document(models.Model):
    """A paper of the alliance (Thesenpapier, Gemeinsame Erklärung, position paper) as a PDF file."""

    class Kind(models.TextChoices):
        THESES = "thesenpapier", _("Thesenpapier")
        DECLARATION = "erklaerung", _("Gemeinsame Erklärung")
        POSITION = "positionspapier", _("Positionspapier")
        OTHER = "sonstiges", _("Sonstiges")

    class Language(models.TextChoices):
        GERMAN = "de", _("Deutsch")
        ENGLISH = "en", _("Englisch")
        EASY = "de-leicht", _("Leichte Sprache")

    title = models.CharField("Titel", max_length=200)
    slug = models.SlugField("Kurzname in der Adresse", max_length=200, unique=True)
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    date = models.DateField("Datum", help_text="Wann das Papier beschlossen oder veröffentlicht wurde.")
    language = models.CharField("Sprache", max_length=10, choices=Language.choices, default=Language.GERMAN)
    summary = models.TextField("Worum es geht", blank=True, help_text="Zwei, drei Sätze. Markdown.")
    file = models.FileField(
        "PDF-Datei",
        upload_to="dokumente/%Y/",
        validators=[FileExtensionValidator(["pdf"], "Bitte nur PDF-Dateien (.pdf) hochladen."), validate_pdf],
        help_text=f"Nur PDF, höchstens {MAX_DOCUMENT_MB} MB.",
    )
    size = models.PositiveIntegerField("Größe (Bytes)", default=0, editable=False)
    is_accessible = models.BooleanField(
        "barrierefreies PDF",
        default=False,
        help_text="Nur wenn geprüft: PDF/UA mit Tags, Lesereihenfolge, Alternativtexten.",
    )
    accessibility_note = models.CharField(
        "Hinweis zur Barrierefreiheit",
        max_length=300,
        blank=True,
        help_text="z. B. „Die Grafik auf Seite 4 hat keinen Alternativtext.“",
    )
    is_demo = models.BooleanField("Beispieldaten", default=False)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name="Dokument (Version)", verbose_name_plural="Dokumente (Versionen)", excluded_fields=["updated_at"]
    )

    class Meta:
        verbose_name = "Dokument"
        verbose_name_plural = "Dokumente"
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["-date", "title"], name="document_newest_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file:
            self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("alliance:document", kwargs={"slug": self.slug})
