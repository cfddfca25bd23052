from django.tasks import task

from .models import Need


@task
def purge_personal_data():
    """Periodic: needs older than PERSONAL_DATA_RETENTION_MONTHS lose their text and contact data."""
    count = 0
    for need in Need.objects.due_for_deletion():
        need.delete_personal_data()
        count += 1
    return count
