"""Demand and use, aggregated only: what the Bedarfsradar and the providers' statistics read.

No row holds personal data: a signal (a search without results, an enquiry, a need, a confirmed search
alert) adds 1 to the count of its month, region and topic, and is forgotten. Enquiries and needs themselves
lose their personal data after the retention period; these counts stay.
"""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


def first_of_month(day):
    return day.replace(day=1)


class DemandCount(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "suche", _("Suchen ohne Treffer")
        ENQUIRY = "anfrage", _("Anfragen")
        NEED = "bedarf", _("Transferbedarfe")
        ALERT = "suchauftrag", _("Suchaufträge")

    month = models.DateField("Monat")
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Der Kreis (oder die Region), aus dem das Signal kam; leer: ohne Ortsangabe.",
    )
    topic = models.ForeignKey(
        "offers.Topic",
        verbose_name="Thema",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leer: die Gesamtzahl über alle Themen (jedes Signal zählt dort einmal).",
    )
    count = models.PositiveIntegerField("Anzahl", default=0)
    is_demo = models.BooleanField("Beispieldaten", default=False)

    class Meta:
        verbose_name = "Nachfragesignal (Summe)"
        verbose_name_plural = "Nachfragesignale (Summen)"
        indexes = [models.Index(fields=["month", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%m/%Y}: {self.count}"


class OfferMonthStat(models.Model):
    """Per offer and month: page views (counted on the server, no cookie, no address), enquiries, alert mails."""

    offer = models.ForeignKey("offers.Offer", verbose_name="Angebot", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("Monat")
    views = models.PositiveIntegerField("Seitenaufrufe", default=0)
    enquiries = models.PositiveIntegerField("Anfragen", default=0)
    alert_mails = models.PositiveIntegerField("in Suchauftrags-E-Mails", default=0)

    class Meta:
        verbose_name = "Angebotsstatistik"
        verbose_name_plural = "Angebotsstatistik"
        constraints = [models.UniqueConstraint(fields=["offer", "month"], name="offer_month_stat_unique")]

    def __str__(self):
        return f"{self.offer_id} {self.month:%m/%Y}"


def add(model, keys, amounts):
    """Add `amounts` ({field: n}) to the row identified by `keys` (one UPDATE, so parallel additions all
    count), creating the row if there is none. Readers sum over rows, so a second row created by a race
    (DemandCount has no unique key: NULL region/topic) changes no total."""
    increments = {field: F(field) + n for field, n in amounts.items()}
    pk = model.objects.filter(**keys).values_list("pk", flat=True).first()
    if pk is not None:
        model.objects.filter(pk=pk).update(**increments)
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **amounts)
    except IntegrityError:  # OfferMonthStat: created meanwhile by another request
        model.objects.filter(**keys).update(**increments)
