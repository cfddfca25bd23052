"""An SME's enquiry about one offer, passed on to the provider by e-mail and kept for follow-up."""

from django.db import models
from django.utils import timezone

from allianz_portal.dates import retention_cutoff
from offers.models import Offer


class EnquiryQuerySet(models.QuerySet):
    def due_for_deletion(self, now=None):
        """Enquiries older than the retention period that still hold personal data."""
        return self.filter(created_at__lt=retention_cutoff(now), personal_data_deleted_at__isnull=True)


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "neu", "neu"
        ANSWERED = "beantwortet", "beantwortet"
        DONE = "erledigt", "erledigt"

    offer = models.ForeignKey(Offer, verbose_name="Angebot", on_delete=models.CASCADE, related_name="enquiries")
    institution = models.ForeignKey(
        "partners.Institution",
        verbose_name="Anbieter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        help_text="Anbieter beim Eingang der Anfrage; bestimmt, wer sie sieht.",
    )
    name = models.CharField("Name", max_length=150)
    company = models.CharField("Unternehmen", max_length=200)
    email = models.EmailField("E-Mail")
    place = models.CharField("Postleitzahl oder Kreis (Angabe)", max_length=100)
    kreis = models.ForeignKey(
        "regions.Region",
        verbose_name="Kreis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": ("kreis", "kreisfreie-stadt")},
    )
    message = models.TextField("Nachricht")
    recipient = models.EmailField("zugestellt an", blank=True)
    language = models.CharField("Sprache", max_length=5, default="de")
    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField("eingegangen am", auto_now_add=True)
    status_changed_at = models.DateTimeField("Status geändert am", null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField("personenbezogene Daten gelöscht am", null=True, blank=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name = "Anfrage"
        verbose_name_plural = "Anfragen"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["institution", "status", "-created_at"])]

    def __str__(self):
        return f"Anfrage zu „{self.offer.title}“ vom {timezone.localtime(self.created_at):%d.%m.%Y}"

    def delete_personal_data(self):
        """Keep what the statistics need (offer, Kreis, date, status), drop who asked and what they wrote."""
        self.name = self.company = self.email = self.message = self.place = ""
        self.personal_data_deleted_at = timezone.now()
        self.save(update_fields=["name", "company", "email", "message", "place", "personal_data_deleted_at"])
