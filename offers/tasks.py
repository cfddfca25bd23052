"""Background work of the offers app (Django's tasks framework; the worker is `manage.py db_worker`)."""

from django.tasks import task

from . import importing
from .models import OfferImport


@task
def check_offer_import(import_id):
    """The preview of an uploaded file: check every row, write nothing."""
    importing.check_job(OfferImport.objects.get(pk=import_id))


@task
def run_offer_import(import_id):
    """The import an editor confirmed after the preview."""
    importing.run_job(OfferImport.objects.get(pk=import_id))
