from django.core.management.base import BaseCommand, CommandError

from allianz_portal.loading import FixtureError, Loader


class Command(BaseCommand):
    help = (
        "Lädt die Referenzdaten (Regionen, Gemeinden, Postleitzahlen, Institutionen, Board, Netzwerke, "
        "Thesen, Empfehlungen, Seiten) aus fixtures/reference. Mehrfaches Laden ändert nichts."
    )

    def handle(self, *args, verbosity=1, **options):
        loader = Loader(log=self.stdout.write if verbosity > 1 else None)
        try:
            loader.load_reference()
        except (FixtureError, KeyError, ValueError) as error:
            raise CommandError(f"Referenzdaten nicht geladen, nichts wurde geändert: {error!r}") from error
        if verbosity:
            for line in loader.summary():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS(f"Referenzdaten geladen ({loader.changes} Änderungen)."))
