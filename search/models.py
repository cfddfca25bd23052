"""What the search keeps: each offer's analysed terms, the editors' synonyms, and the counts of
searches that found nothing."""

import datetime

from django.db import IntegrityError, models, transaction
from django.db.models import F


class OfferDocument(models.Model):
    """The analysed terms of one offer (see search.indexing), matched through a full-text index that
    each database builds over `terms` (migration 0001): an FTS5 table on SQLite, a GIN-indexed
    `simple` tsvector column on PostgreSQL. Both hold exactly these terms."""

    offer = models.OneToOneField(
        "offers.Offer", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    terms = models.TextField("Suchbegriffe", blank=True)
    # The data version (allianz_portal.DataVersion.counter) the document was written under, raised in
    # the same transaction: each process's term postings (search.postings) re-read only the documents
    # written after the version they are in step with. Empty for documents from before it existed.
    version = models.BigIntegerField("Datenstand", null=True, blank=True, db_index=True, editable=False)
    # The offer's words for the typo correction (search.vocabulary): each surface word once, with
    # ":count" when it occurs more often ("Robotik:2 Beratung"). Nullable: SQLite then adds the column
    # without rebuilding the table, which would drop the FTS5 triggers.
    words = models.TextField("Wörter", null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        verbose_name = "Suchdokument"
        verbose_name_plural = "Suchdokumente"

    def __str__(self):
        return f"Suchdokument {self.offer_id}"


class DocumentChange(models.Model):
    """The words a search document had before it was replaced or deleted, under the data version of that
    change: each process's typo vocabulary (search.vocabulary) takes them off instead of recounting all
    offers. A row without offer stands for "many documents changed": vocabularies start afresh, and the
    rows before it are deleted."""

    version = models.BigIntegerField("Datenstand", db_index=True)
    offer_id = models.BigIntegerField("Angebot", null=True, blank=True)
    words = models.TextField("Wörter vorher", blank=True)

    class Meta:
        verbose_name = "Änderung eines Suchdokuments"
        verbose_name_plural = "Änderungen von Suchdokumenten"

    def __str__(self):
        return f"{self.version}: {self.offer_id or 'alle'}"


class Synonym(models.Model):
    class Kind(models.TextChoices):
        EQUIVALENT = "gleichwertig", "gleichwertig"
        ONE_WAY = "eine_richtung", "nur in eine Richtung"

    terms = models.TextField(
        "Begriffe",
        help_text="Durch Kommas getrennt, z. B. „KI, Künstliche Intelligenz, AI“. Bei „nur in eine Richtung“: "
        "die Begriffe, deren Suche zusätzlich die Zielbegriffe findet.",
    )
    kind = models.CharField("Art", max_length=20, choices=Kind.choices, default=Kind.EQUIVALENT)
    expands_to = models.TextField(
        "Zielbegriffe",
        blank=True,
        help_text="Nur bei „nur in eine Richtung“: durch Kommas getrennt. Eine Suche nach einem der Begriffe findet "
        "auch diese – nicht umgekehrt.",
    )
    active = models.BooleanField(
        "aktiv", default=True, help_text="Abwählen statt löschen, um eine Gruppe abzuschalten."
    )
    reference_key = models.CharField(
        "Schlüssel der mitgelieferten Liste", max_length=200, unique=True, null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField("geändert", auto_now=True)

    class Meta:
        verbose_name = "Synonym"
        verbose_name_plural = "Synonyme"
        ordering = ["terms"]

    def __str__(self):
        if self.kind == self.Kind.ONE_WAY:
            return f"{self.terms} → {self.expands_to}"
        return self.terms

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not split_terms(self.terms):
            errors["terms"] = "Bitte mindestens einen Begriff eintragen."
        elif self.kind == self.Kind.EQUIVALENT and len(split_terms(self.terms)) < 2:
            errors["terms"] = "Eine Gruppe gleichwertiger Begriffe braucht mindestens zwei Begriffe."
        if self.kind == self.Kind.ONE_WAY and not split_terms(self.expands_to):
            errors["expands_to"] = "Bitte die Zielbegriffe eintragen."
        if errors:
            raise ValidationError(errors)

    @property
    def term_list(self):
        return split_terms(self.terms)

    @property
    def target_list(self):
        return split_terms(self.expands_to)


def split_terms(text):
    return [term.strip() for term in str(text or "").split(",") if term.strip()]


class ZeroResultSearch(models.Model):
    """How often a (normalised) search found nothing in one ISO week – nothing about who searched."""

    query = models.CharField("Suchanfrage", max_length=200)
    week = models.DateField("Woche (Montag)")
    count = models.PositiveIntegerField("Anzahl", default=0)

    class Meta:
        verbose_name = "Suche ohne Treffer"
        verbose_name_plural = "Suchen ohne Treffer"
        ordering = ["-count", "-week", "query"]
        constraints = [models.UniqueConstraint(fields=["query", "week"], name="zero_result_query_week")]

    def __str__(self):
        return self.query

    @classmethod
    def record(cls, query, today=None):
        """Count one search for `query` (already normalised) in this week; safe under concurrency."""
        today = today or datetime.date.today()
        week = today - datetime.timedelta(days=today.weekday())
        if cls.objects.filter(query=query, week=week).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(query=query, week=week, count=1)
        except IntegrityError:  # another request created the row meanwhile
            cls.objects.filter(query=query, week=week).update(count=F("count") + 1)
