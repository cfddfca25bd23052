"""Enqueue the periodic background jobs (settings.PERIODIC_TASKS) when their period has come.

Runs beside the task worker (`make run`, and as its own process in production; see docs/operations.md).
Each job runs at most once per period however many of these processes run: the first to insert the
(job, period) row enqueues it. `--once` checks once and exits (for cron or tests).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from allianz_portal.models import PeriodicRun


def enqueue_due(now=None):
    """Enqueue every job whose current period has no run yet; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for path, seconds in settings.PERIODIC_TASKS.items():
        period = int(now.timestamp()) // seconds
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=path, period=period)
        except IntegrityError:
            continue
        import_string(path).enqueue()
        enqueued.append(path)
    PeriodicRun.objects.filter(enqueued_at__lt=now - timezone.timedelta(days=30)).delete()
    return enqueued


class Command(BaseCommand):
    help = "Reiht regelmäßige Hintergrundaufgaben ein (E-Mail-Versand, Suchaufträge, Löschfristen)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Einmal prüfen und beenden.")
        parser.add_argument("--interval", type=int, default=30, help="Sekunden zwischen zwei Prüfungen.")

    def handle(self, *args, once=False, interval=30, **options):
        while True:
            for path in enqueue_due():
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} eingereiht: {path}")
            if once:
                return
            time.sleep(interval)
