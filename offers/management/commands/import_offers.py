"""Import offers from a CSV or Excel file, with progress output – for files too large for the admin's upload."""

from pathlib import Path

import tablib
from django.core.management.base import BaseCommand, CommandError

from offers.resources import OfferResource, row_errors


class Command(BaseCommand):
    help = (
        "Importiert Angebote aus einer CSV- oder Excel-Datei (Spalten wie beim Export aus dem Admin). "
        "Alles oder nichts: bei einer fehlerhaften Zeile wird nichts gespeichert."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) oder XLSX")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
        parser.add_argument("--every", type=int, default=100, help="Fortschritt alle N Zeilen (Standard 100)")

    def handle(self, *args, file, dry_run, every, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Die Datei {path} gibt es nicht.")
        dataset = self.read(path)
        total = len(dataset)
        every = max(every, 1)

        def progress(number):
            if number and (number % every == 0 or number == total):
                self.stdout.write(f"… {number} von {total} Zeilen geprüft")

        result = OfferResource(progress=progress).import_data(dataset, dry_run=dry_run)
        if result.has_errors() or result.has_validation_errors():
            lines = row_errors(result)
            raise CommandError(
                f"Nichts importiert: {len(result.invalid_rows) + len(result.row_errors())} von {total} Zeilen "
                "fehlerhaft.\n" + "\n".join(lines)
            )
        totals = result.totals
        summary = (
            f"{total} Zeilen: {totals['new']} neu, {totals['update']} aktualisiert, {totals['skip']} übersprungen."
        )
        if dry_run:
            self.stdout.write(f"Probelauf ohne Fehler – nichts gespeichert. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Importiert. {summary}"))

    def read(self, path):
        try:
            if path.suffix.lower() == ".xlsx":
                return tablib.Dataset().load(path.read_bytes(), format="xlsx")
            return tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv")
        except Exception as error:  # tablib raises many kinds for unreadable files
            raise CommandError(f"Die Datei {path} ist nicht lesbar als CSV (UTF-8) oder XLSX: {error}") from error
