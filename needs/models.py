"""Transferbedarf: an SME states a challenge; it is routed to the contact points responsible for its Kreis."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allianz_portal.dates import retention_cutoff
from offers.models import CompanySize, Topic

# The EU SME classes (offers.models.CompanySize, the one definition), plus larger companies, who may state a
# need too.
LARGER = "gross"
COMPANY_SIZES = [*CompanySize.choices, (LARGER, _("Größeres Unternehmen (ab 250 Beschäftigten)"))]


class NeedQuerySet(models.QuerySet):
    def due_for_deletion(self, now=None):
        return self.filter(created_at__lt=retention_cutoff(now), personal_data_deleted_at__isnull=True)


class Need(models.Model):
    class Status(models.TextChoices):
        NEW = "neu", "neu"
        ROUTED = "weitergeleitet", "weitergeleitet"
        DONE = "erledigt", "erledigt"

    topics = models.ManyToManyField(Topic, verbose_name="Themen", related_name="needs", blank=True)
    kreis = models.ForeignKey(
        "regions.Region",
        verbose_name="Kreis",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": ("kreis", "kreisfreie-stadt")},
    )
    postcode = models.CharField("Postleitzahl", max_length=5, blank=True)
    company_size = models.CharField("Unternehmensgröße", max_length=20, choices=COMPANY_SIZES)
    text = models.TextField("Herausforderung")
    company = models.CharField("Unternehmen", max_length=200, blank=True)
    email = models.EmailField("E-Mail")
    language = models.CharField("Sprache", max_length=5, default="de")
    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.NEW)
    routed_to = models.ManyToManyField(
        "partners.Institution", verbose_name="weitergeleitet an", blank=True, related_name="routed_needs"
    )
    routed_to_editors = models.BooleanField(
        "an die Redaktion", default=False, help_text="Keine Anlaufstelle war zuständig: die Redaktion vermittelt."
    )
    created_at = models.DateTimeField("eingegangen am", auto_now_add=True)
    closed_at = models.DateTimeField("erledigt am", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="erledigt von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField("Vermerk der Redaktion", blank=True)
    personal_data_deleted_at = models.DateTimeField("personenbezogene Daten gelöscht am", null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "Transferbedarf"
        verbose_name_plural = "Transferbedarfe"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"Bedarf aus {self.kreis} vom {timezone.localtime(self.created_at):%d.%m.%Y}"

    def delete_personal_data(self):
        """Keep Kreis, topics, size and date for the Bedarfsradar; drop the text and who sent it."""
        self.text = self.company = self.email = self.postcode = ""
        self.personal_data_deleted_at = timezone.now()
        self.save(update_fields=["text", "company", "email", "postcode", "personal_data_deleted_at"])
