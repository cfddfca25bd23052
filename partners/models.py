"""Institutions that provide offers or sit on the alliance's board, and the board itself."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Institution(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministerium", _("Ministerium/Landesbehörde")
        UNION = "gewerkschaft", _("Gewerkschaft")
        CHAMBER = "kammer", _("Kammer")
        EMPLOYERS = "arbeitgeberverband", _("Arbeitgeberverband")
        UNIVERSITY = "hochschule", _("Hochschule")
        RESEARCH = "forschung", _("Forschungseinrichtung")
        FEDERAL = "bund", _("Bundeseinrichtung")
        NETWORK = "netzwerk", _("Netzwerk/Cluster")
        COMPANY = "unternehmen", _("Unternehmen")
        OTHER = "sonstige", _("Sonstige")

    name = models.CharField("Name", max_length=200, unique=True)
    short_name = models.CharField("Kurzname", max_length=60, blank=True)
    slug = models.SlugField("Kurzname in der Adresse", max_length=100, unique=True)
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    website = models.URLField("Website", blank=True)
    seat = models.ForeignKey(
        "regions.Region",
        verbose_name="Sitz (Kreis / kreisfreie Stadt)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        limit_choices_to={"kind__in": ("kreis", "kreisfreie-stadt")},
    )
    description = models.TextField("Beschreibung", blank=True, help_text="Markdown.")
    is_alliance_partner = models.BooleanField("Partner der Allianz", default=False)
    email = models.EmailField(
        "E-Mail für Anfragen",
        blank=True,
        help_text="Für Anfragen zu Angeboten ohne eigene Kontaktadresse und für Transferbedarfe.",
    )
    is_contact_point = models.BooleanField(
        "Anlaufstelle",
        default=False,
        help_text="Erhält gemeldete Transferbedarfe aus den Regionen, für die sie zuständig ist.",
    )
    contact_regions = models.ManyToManyField(
        "regions.Region",
        verbose_name="zuständig für Regionen",
        blank=True,
        related_name="contact_points",
        help_text="Nur für Anlaufstellen: Bedarfe aus Kreisen dieser Regionen gehen an diese Institution.",
    )
    is_demo = models.BooleanField(
        "Beispieldaten", default=False, help_text="Nur für die Demo angelegt; wird mit den Beispieldaten entfernt."
    )
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)

    history = HistoricalRecords(
        verbose_name="Institution (Version)",
        verbose_name_plural="Institutionen (Versionen)",
        excluded_fields=["updated_at"],
    )

    class Meta:
        verbose_name = "Institution"
        verbose_name_plural = "Institutionen"
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("partners:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.is_contact_point and not self.email:
            raise ValidationError(
                {"email": "Eine Anlaufstelle braucht eine E-Mail-Adresse, an die gemeldete Bedarfe gehen."}
            )

    @property
    def search_name(self):
        return " ".join(part for part in (self.name, self.short_name) if part)


class BoardMemberQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(Q(term_end__isnull=True) | Q(term_end__gte=today), term_start__lte=today)

    def former(self, today=None):
        today = today or timezone.localdate()
        return self.filter(term_end__lt=today)


class BoardMember(models.Model):
    """A seat on the alliance's board for one term; a new term is a new row, so history is kept."""

    class Group(models.TextChoices):
        GOVERNMENT = "landesregierung", _("Landesregierung")
        UNIONS = "gewerkschaften", _("Gewerkschaften und Arbeitsschutz")
        BUSINESS = "wirtschaft", _("Wirtschaft")
        SCIENCE = "wissenschaft", _("Wissenschaft")

    title = models.CharField("Titel/Anrede", max_length=60, blank=True, help_text="z. B. „Prof. Dr.“, „Ministerin“")
    first_name = models.CharField("Vorname", max_length=100)
    last_name = models.CharField("Nachname", max_length=100)
    function = models.CharField("Funktion", max_length=250)
    institution = models.ForeignKey(
        Institution, verbose_name="Institution", on_delete=models.PROTECT, related_name="board_members"
    )
    group = models.CharField("Gruppe", max_length=20, choices=Group.choices)
    order = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    term_start = models.DateField("im Board seit")
    term_end = models.DateField(
        "im Board bis", null=True, blank=True, help_text="Leer lassen, solange das Mandat läuft."
    )

    objects = BoardMemberQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name="Board-Mitglied (Version)", verbose_name_plural="Board-Mitglieder (Versionen)"
    )

    class Meta:
        verbose_name = "Board-Mitglied"
        verbose_name_plural = "Board-Mitglieder"
        ordering = ["group", "order", "last_name"]
        indexes = [models.Index(fields=["group", "order", "last_name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="board_member_term_ordered",
            ),
            models.UniqueConstraint(fields=["first_name", "last_name", "term_start"], name="board_member_unique_term"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)

    def has_ended(self, today):
        return self.term_end is not None and self.term_end < today

    def clean(self):
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": "Das Ende der Amtszeit darf nicht vor ihrem Beginn liegen."})


class EditorProfile(models.Model):
    """Makes a staff user a partner editor: they curate the offers of exactly this one institution.

    Members of the group "Partner-Redaktion" need this link; without it they see no offers at all.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="Benutzer", on_delete=models.CASCADE, related_name="editor_profile"
    )
    institution = models.ForeignKey(
        Institution, verbose_name="Institution", on_delete=models.CASCADE, related_name="editors"
    )

    class Meta:
        verbose_name = "Partner-Redakteur/in"
        verbose_name_plural = "Partner-Redakteur/innen"
        ordering = ["institution__name", "user__username"]

    def __str__(self):
        return f"{self.user} ({self.institution})"
