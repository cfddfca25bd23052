"""Write all content and its history to one XML file that `loaddata` restores into a fresh database.

XML, not JSON: Django's JSON serializer cuts times to milliseconds, which would change every history date.

For moving data between databases (e.g. SQLite → PostgreSQL) and small installations; the production
backup is pg_dump/pg_restore (docs/operations.md). Left out: what Django recreates itself (content types,
permissions), what is only state of the moment (sessions, the task queue, login attempts) and the change logs
that running processes follow their memos by (the restore raises the data version, so they start afresh).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "django_tasks_database",
    "axes",
    "allianz_portal.contentchange",
    "search.documentchange",
]


class Command(BaseCommand):
    help = (
        "Sichert alle Inhalte samt Historie in eine XML-Datei (.xml oder .xml.gz). "
        "Wiederherstellen in eine frische, migrierte Datenbank: manage.py loaddata DATEI"
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="Zieldatei, z. B. sicherung.xml.gz")

    def handle(self, *args, output, **options):
        call_command(
            "dumpdata",
            format="xml",
            natural_foreign=True,
            exclude=EXCLUDED,
            output=output,
            verbosity=0,
        )
        self.stdout.write(f"Gesichert in {output}.")
