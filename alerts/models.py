"""Suchaufträge: e-mail alerts for a filtered offer list, with double opt-in and no account."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UNCONFIRMED_DAYS = 7


class SearchAlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_expired(self, now=None):
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, created_at__lt=now - datetime.timedelta(days=UNCONFIRMED_DAYS))


class SearchAlert(models.Model):
    class Frequency(models.TextChoices):
        INSTANT = "sofort", _("sofort")
        DAILY = "taeglich", _("täglich")
        WEEKLY = "woechentlich", _("wöchentlich")

    email = models.EmailField("E-Mail")
    query = models.CharField(
        "Filter", max_length=2000, blank=True, help_text="Die Filter der Angebotsliste als Adressteil (ohne Seite)."
    )
    frequency = models.CharField("Häufigkeit", max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY)
    language = models.CharField("Sprache", max_length=5, default="de")
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    confirmed_at = models.DateTimeField("bestätigt am", null=True, blank=True)
    checked_until = models.DateTimeField(
        "geprüft bis", null=True, blank=True, help_text="Angebote, die danach veröffentlicht werden, sind neu."
    )
    last_sent_at = models.DateTimeField("zuletzt gesendet am", null=True, blank=True)

    objects = SearchAlertQuerySet.as_manager()

    class Meta:
        verbose_name = "Suchauftrag"
        verbose_name_plural = "Suchaufträge"
        constraints = [models.UniqueConstraint(fields=["email", "query"], name="search_alert_unique")]
        indexes = [models.Index(fields=["frequency", "confirmed_at"])]

    def __str__(self):
        return f"Suchauftrag {self.pk} ({self.get_frequency_display()})"
