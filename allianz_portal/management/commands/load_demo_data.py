from django.core.management.base import BaseCommand, CommandError

from allianz_portal.loading import FixtureError, Loader


class Command(BaseCommand):
    help = (
        "Lädt die Beispiel-Angebote aus fixtures/demo (als Beispieldaten markiert). Nur für Entwicklung "
        "und Vorführung – nie in Produktion. Setzt die Referenzdaten voraus."
    )

    def handle(self, *args, verbosity=1, **options):
        loader = Loader(log=self.stdout.write if verbosity > 1 else None)
        try:
            loader.load_demo()
        except (FixtureError, KeyError, ValueError) as error:
            raise CommandError(f"Beispieldaten nicht geladen, nichts wurde geändert: {error!r}") from error
        if verbosity:
            for line in loader.summary():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(f"Beispieldaten geladen ({loader.changes} Änderungen)."))
