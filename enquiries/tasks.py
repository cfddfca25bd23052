from django.tasks import task

from .models import Enquiry


@task
def purge_personal_data():
    """Periodic: enquiries older than PERSONAL_DATA_RETENTION_MONTHS lose name, company, e-mail and text."""
    count = 0
    for enquiry in Enquiry.objects.due_for_deletion():
        enquiry.delete_personal_data()
        count += 1
    return count
