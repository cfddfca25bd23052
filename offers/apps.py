from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Angebote"

    def ready(self):
        from allianz_portal import freshness

        from . import signals  # noqa: F401
        from .models import publication_times

        freshness.schedule_from(publication_times)
