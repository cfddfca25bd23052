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
