from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import coverage, places
from .models import Municipality, PostalCode, Region


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
@receiver(m2m_changed, sender=Region.members.through)
def drop_coverage_cache(**kwargs):
    coverage.clear_cache()
    places.clear_cache()


@receiver(post_save, sender=Municipality)
@receiver(post_delete, sender=Municipality)
@receiver(post_save, sender=PostalCode)
@receiver(post_delete, sender=PostalCode)
def drop_place_names(**kwargs):
    places.clear_cache()
