"""`loaddata` that restores history as it was, without writing new history entries.

Django's `loaddata` saves records "raw", which django-simple-history respects for the records themselves,
but setting many-to-many relations (an offer's regions, target groups, …) fires `m2m_changed`, and for
that simple-history writes a new version entry each time – so a restored backup used to gain hundreds of
spurious entries. History is switched off while the fixtures load; the history tables come from the
backup itself. Backup and restore: docs/operations.md.
"""

from django.core.management.commands import loaddata
from django.test.utils import override_settings


class Command(loaddata.Command):
    help = (
        loaddata.Command.help + " Schreibt dabei keine neuen Versionseinträge (die Historie kommt aus der Sicherung)."
    )

    def handle(self, *fixture_labels, **options):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            return super().handle(*fixture_labels, **options)
