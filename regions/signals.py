from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import coverage
from .models import Region


@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
@receiver(m2m_changed, sender=Region.members.through)
def drop_coverage_cache(**kwargs):
    coverage.clear_cache()
