"""Regions of NRW: the administrative hierarchy, cooperation regions, municipalities and networks."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

KREIS_KINDS = ("kreis", "kreisfreie-stadt")


class RegionQuerySet(models.QuerySet):
    def kreise(self):
        return self.filter(kind__in=KREIS_KINDS)

    def regierungsbezirke(self):
        return self.filter(kind=Region.Kind.REGIERUNGSBEZIRK)

    def cooperation_regions(self):
        return self.filter(kind=Region.Kind.COOPERATION)


class Region(models.Model):
    """One table for every area an offer can cover.

    The administrative tree is Land -> Regierungsbezirk -> Kreis/kreisfreie Stadt (via `parent`).
    Cooperation regions of regionen.NRW stand beside it: they have no parent, overlap, and group
    Kreise through `members`.
    """

    class Kind(models.TextChoices):
        LAND = "land", _("Land")
        REGIERUNGSBEZIRK = "regierungsbezirk", _("Regierungsbezirk")
        KREIS = "kreis", _("Kreis")
        KREISFREIE_STADT = "kreisfreie-stadt", _("Kreisfreie Stadt")
        COOPERATION = "kooperationsregion", _("Kooperationsregion (regionen.NRW)")

    name = models.CharField("Name", max_length=100)
    slug = models.SlugField("Kurzname in der Adresse", max_length=100, unique=True)
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    official_key = models.CharField(
        "Amtlicher Schlüssel",
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^05\d{0,3}$", "Amtliche Schlüssel in NRW beginnen mit 05.")],
        help_text="Land 05, Regierungsbezirk 3 Stellen, Kreis/kreisfreie Stadt 5 Stellen (AGS).",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="übergeordnete Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    members = models.ManyToManyField(
        "self",
        verbose_name="zugehörige Kreise und Städte",
        symmetrical=False,
        blank=True,
        related_name="cooperation_regions",
        limit_choices_to={"kind__in": KREIS_KINDS},
        help_text="Nur für Kooperationsregionen.",
    )
    organisation = models.CharField(
        "Regionale Organisation", max_length=200, blank=True, help_text="Nur für Kooperationsregionen."
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "Region"
        verbose_name_plural = "Regionen"
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["official_key"], condition=~Q(official_key=""), name="region_official_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="kooperationsregion", official_key="")
                | (~Q(kind="kooperationsregion") & ~Q(official_key="")),
                name="region_key_only_for_administrative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["land", "kooperationsregion"], parent__isnull=True)
                | (~Q(kind__in=["land", "kooperationsregion"]) & Q(parent__isnull=False)),
                name="region_parent_matches_kind",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:detail", kwargs={"slug": self.slug})

    def clean(self):
        expected_parent = {
            self.Kind.REGIERUNGSBEZIRK: self.Kind.LAND,
            self.Kind.KREIS: self.Kind.REGIERUNGSBEZIRK,
            self.Kind.KREISFREIE_STADT: self.Kind.REGIERUNGSBEZIRK,
        }.get(self.kind)
        if expected_parent and (self.parent is None or self.parent.kind != expected_parent):
            raise ValidationError(
                {"parent": f"Bitte als übergeordnete Region einen Eintrag der Art „{expected_parent.label}“ wählen."}
            )
        if not expected_parent and self.parent_id:
            raise ValidationError({"parent": "Land und Kooperationsregionen haben keine übergeordnete Region."})
        if self.kind == self.Kind.COOPERATION and self.official_key:
            raise ValidationError({"official_key": "Kooperationsregionen haben keinen amtlichen Schlüssel."})
        if self.kind != self.Kind.COOPERATION and not self.official_key:
            raise ValidationError({"official_key": "Bitte den amtlichen Schlüssel angeben."})


class MunicipalityQuerySet(models.QuerySet):
    def matching(self, text):
        """Municipalities for a postcode ("33415") or a town name ("Verl", "Mülheim"), as regions.places
        reads them (the one definition of what a typed place means)."""
        from .places import resolve

        match = resolve(text)
        keys = [key for _name, key in match.municipalities] if match else []
        return self.filter(official_key__in=keys)


class Municipality(models.Model):
    """A Gemeinde of NRW, so that a postcode or a town name leads to its Kreis."""

    name = models.CharField("Name", max_length=100)
    official_key = models.CharField(
        "Gemeindeschlüssel",
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^05\d{6}$", "Der Gemeindeschlüssel hat 8 Ziffern und beginnt mit 05.")],
    )
    kreis = models.ForeignKey(
        Region,
        verbose_name="Kreis / kreisfreie Stadt",
        on_delete=models.PROTECT,
        related_name="municipalities",
        limit_choices_to={"kind__in": KREIS_KINDS},
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = "Gemeinde"
        verbose_name_plural = "Gemeinden"
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return f"{self.name} ({self.kreis})"


class PostalCode(models.Model):
    """A postcode of a municipality. One postcode can belong to several municipalities."""

    code = models.CharField(
        "Postleitzahl", max_length=5, validators=[RegexValidator(r"^\d{5}$", "Eine Postleitzahl hat 5 Ziffern.")]
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="Gemeinde", on_delete=models.CASCADE, related_name="postal_codes"
    )

    class Meta:
        verbose_name = "Postleitzahl"
        verbose_name_plural = "Postleitzahlen"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="postal_code_unique_per_municipality")
        ]

    def __str__(self):
        return self.code


class RegionalNetwork(models.Model):
    """A regional network or structure (it's OWL, a Mittelstand-Digital Zentrum, …) with its transfer model."""

    class Kind(models.TextChoices):
        LEADING_EDGE_CLUSTER = "spitzencluster", _("Spitzencluster")
        MITTELSTAND_DIGITAL = "mittelstand-digital", _("Mittelstand-Digital Zentrum")
        EDIH = "edih", _("European Digital Innovation Hub")
        DIGITAL_HUB = "digital-hub", _("Digital-Hub")
        REGIONAL_AGENCY = "regionalagentur", _("Regionalagentur")
        CHAMBER_NETWORK = "kammernetzwerk", _("Kammer-/Verbandsnetzwerk")
        COMPETENCE_CENTRE = "kompetenzzentrum", _("Kompetenzzentrum")
        ENTERPRISE_EUROPE = "een", _("Enterprise Europe Network")
        REGIONAL_MANAGEMENT = "regionalmanagement", _("Regionalmanagement")
        OTHER = "sonstige", _("Sonstiges Netzwerk")

    name = models.CharField("Name", max_length=200, unique=True)
    short_name = models.CharField("Kurzname", max_length=60, blank=True)
    slug = models.SlugField("Kurzname in der Adresse", max_length=100, unique=True)
    kind = models.CharField("Art", max_length=30, choices=Kind.choices)
    regions = models.ManyToManyField(Region, verbose_name="abgedeckte Regionen", related_name="networks")
    institution = models.ForeignKey(
        "partners.Institution",
        verbose_name="Träger",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
    )
    website = models.URLField("Website", blank=True)
    founded = models.PositiveSmallIntegerField(
        "Gründungsjahr", null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    description = models.TextField("Beschreibung", help_text="Markdown.")

    # The transfer-model profile the alliance asks for.
    offers_for_smes = models.TextField("Was das Netzwerk KMU bietet", blank=True, help_text="Markdown.")
    transferable_methods = models.TextField(
        "Übertragbare Prozesse und Methoden", blank=True, help_text="Was andere Regionen übernehmen könnten."
    )
    success_factors = models.TextField("Erfolgsfaktoren", blank=True, help_text="Markdown.")
    lessons_learned = models.TextField(
        "Was nicht funktioniert hat", blank=True, help_text="Grenzen, Hürden, Misserfolge. Markdown."
    )

    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    history = HistoricalRecords(
        verbose_name="Regionales Netzwerk (Version)",
        verbose_name_plural="Regionale Netzwerke (Versionen)",
        m2m_fields=["regions"],
        excluded_fields=["updated_at"],
    )

    class Meta:
        verbose_name = "Regionales Netzwerk"
        verbose_name_plural = "Regionale Netzwerke"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded__isnull=True) | Q(founded__gte=1900, founded__lte=2100),
                name="network_founded_plausible",
            )
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("regions:network-detail", kwargs={"slug": self.slug})

    @property
    def has_transfer_profile(self):
        return any((self.offers_for_smes, self.transferable_methods, self.success_factors, self.lessons_learned))


class TransferFormat(models.Model):
    """A concrete transfer instrument of a network, e.g. it's OWL's Transfergutscheine."""

    network = models.ForeignKey(
        RegionalNetwork, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="formats"
    )
    name = models.CharField("Name", max_length=150)
    start_year = models.PositiveSmallIntegerField("seit", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("bis", null=True, blank=True)
    description = models.TextField("Beschreibung", blank=True, help_text="Markdown.")

    class Meta:
        verbose_name = "Transferformat"
        verbose_name_plural = "Transferformate"
        ordering = ["network", "start_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="transfer_format_unique_per_network"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="transfer_format_years_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "Das Endjahr darf nicht vor dem Startjahr liegen."})

    @property
    def period(self):
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return f"seit {self.start_year}"
        return ""
