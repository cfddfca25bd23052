from django.db import models


class DataVersion(models.Model):
    """One row: raised in the same transaction as every content change (offers/signals.py).

    The shared truth that cached pages and the facet index are keyed by: every gunicorn worker and every
    container reads it from the database, so a change shows on the very next request everywhere, whatever
    cache backend is configured. Readers see the new value only once the change itself is committed.
    """

    counter = models.BigIntegerField("Zähler", default=0)
    changed_at = models.DateTimeField("geändert am")

    class Meta:
        verbose_name = "Datenstand"
        verbose_name_plural = "Datenstände"

    def __str__(self):
        return f"{self.counter} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class ContentChange(models.Model):
    """What one raise of the DataVersion changed: one row per changed object, written in the same
    transaction (allianz_portal.freshness.bump_data_version).

    Processes that keep something derived from the content (the finder's facet index) read the rows of
    the versions since their copy and update only what changed. A version without any row, or a row
    with an empty `label`, says "something changed, nobody said what". Rows older than
    `freshness.CHANGE_LOG_KEEP` versions are deleted; a process whose copy is older rebuilds it.
    """

    version = models.BigIntegerField("Datenstand", db_index=True)
    source = models.CharField("Quelle", max_length=100, blank=True)  # model saved/deleted, or the m2m table
    label = models.CharField("Modell", max_length=100, blank=True)  # the changed object's model ("" = unknown)
    object_pk = models.BigIntegerField("Objekt", null=True, blank=True)

    class Meta:
        verbose_name = "Inhaltsänderung"
        verbose_name_plural = "Inhaltsänderungen"

    def __str__(self):
        return f"{self.version}: {self.label or '?'} {self.object_pk or ''}".strip()


class OutgoingMail(models.Model):
    """A mail the portal sends, stored before it is handed to a task: a failed delivery is retried,
    never lost (allianz_portal/mailing.py). Rows keep no more than delivery needs; the retention task
    deletes sent mails after a few days."""

    class Status(models.TextChoices):
        PENDING = "wartet", "wartet"
        SENT = "gesendet", "gesendet"
        FAILED = "fehlgeschlagen", "endgültig fehlgeschlagen"

    to = models.JSONField("An", default=list)
    reply_to = models.JSONField("Antwort an", default=list, blank=True)
    subject = models.CharField("Betreff", max_length=300)
    text = models.TextField("Text")
    html = models.TextField("HTML", blank=True)
    headers = models.JSONField("Kopfzeilen", default=dict, blank=True)
    purpose = models.CharField("Anlass", max_length=40)
    status = models.CharField("Status", max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("Versuche", default=0)
    next_attempt_at = models.DateTimeField("nächster Versuch", null=True, blank=True)
    last_error = models.TextField("letzter Fehler", blank=True)
    created_at = models.DateTimeField("angelegt am", auto_now_add=True)
    sent_at = models.DateTimeField("gesendet am", null=True, blank=True)

    class Meta:
        verbose_name = "ausgehende E-Mail"
        verbose_name_plural = "ausgehende E-Mails"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return self.subject


class PeriodicRun(models.Model):
    """One row per periodic job and period: whoever inserts it first enqueues the job (run_periodic)."""

    job = models.CharField("Aufgabe", max_length=100)
    period = models.BigIntegerField("Zeitraum")
    enqueued_at = models.DateTimeField("eingereiht am", auto_now_add=True)

    class Meta:
        verbose_name = "regelmäßige Aufgabe"
        verbose_name_plural = "regelmäßige Aufgaben"
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once")]

    def __str__(self):
        return f"{self.job} #{self.period}"
