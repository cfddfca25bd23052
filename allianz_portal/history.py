"""Version history in the admin, readable for editors.

django-simple-history shows the stored values of a change: "pruefung → veroeffentlicht", a UTC timestamp
with microseconds, "None", a list of related objects in brackets. Editors need what the form shows:
the choice's label, local time to the minute, "–" for empty, related records by name.
Every admin with history uses `ReadableHistoryAdmin`; the list itself is
templates/simple_history/object_history_list.html.
"""

import datetime

from django.db.models import ManyToManyField
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "–"


def readable_value(field, value):
    """One stored value of `field` as the editor knows it (a string)."""
    if isinstance(field, ManyToManyField):
        names = sorted(str(item) for item in value or ())
        return ", ".join(names) or EMPTY
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            # Through-table rows -> the related records (or simple-history's DeletedObject for removed ones).
            value = super().prepare_delta_change_value(change, value)
        return readable_value(field, value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "Änderungen" column shows labels, names and local times."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)
