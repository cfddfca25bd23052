"""Import offers from a CSV or Excel file on the command line, with progress – the same steps as the admin's
background import (offers/importing.py): check every row first, then write in short batches."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from offers import importing
from offers.models import OfferImport


class Command(BaseCommand):
    help = (
        "Importiert Angebote aus einer CSV- oder Excel-Datei (Spalten wie beim Export aus dem Admin). "
        "Erst werden alle Zeilen geprüft: bei einer fehlerhaften Zeile wird nichts gespeichert. "
        "Redakteurinnen und Redakteure können währenddessen weiter speichern."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) oder XLSX")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
        parser.add_argument("--every", type=int, default=1000, help="Fortschritt alle N Zeilen (Standard 1000)")

    def handle(self, *args, file, dry_run, every, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Die Datei {path} gibt es nicht.")
        try:
            dataset = importing.read_file(path.read_bytes(), path.name)
        except importing.ImportFileError as error:
            raise CommandError(f"Nichts importiert. {error}") from None
        total = len(dataset)
        every = max(every, 1)

        def progress(verb):
            def report(done, of):
                if done % every == 0 or done == of:
                    self.stdout.write(f"… {done} von {of} Zeilen {verb}")

            return report

        plan = importing.check(dataset, progress=progress("geprüft"))
        if plan.errors:
            raise CommandError(
                f"Nichts importiert: {len(plan.errors)} Fehler in {total} Zeilen.\n" + "\n".join(plan.errors)
            )
        counts = plan.counts()
        if dry_run:
            self.stdout.write(
                f"Probelauf ohne Fehler – nichts gespeichert. {total} Zeilen: {counts['new']} neu, "
                f"{counts['update']} geändert, {counts['unchanged']} unverändert."
            )
            return
        started = timezone.now()
        outcome = importing.write(plan, progress=progress("gespeichert"))
        OfferImport.objects.create(
            file_name=path.name[:255],
            content=b"",
            status=OfferImport.Status.DONE,
            started_at=started,
            finished_at=timezone.now(),
            rows_total=total,
            rows_done=total,
            created_count=outcome.created,
            updated_count=outcome.updated,
            unchanged_count=counts["unchanged"],
            refused_count=len(outcome.refused),
            errors=outcome.refused[: importing.MAX_MESSAGES],
        )
        summary = (
            f"{total} Zeilen: {outcome.created} neu, {outcome.updated} aktualisiert, "
            f"{counts['unchanged']} unverändert, {len(outcome.refused)} abgelehnt."
        )
        for line in outcome.refused:
            self.stderr.write(line)
        self.stdout.write(self.style.SUCCESS(f"Importiert. {summary}"))
