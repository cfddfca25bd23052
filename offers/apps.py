from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Angebote"

    def ready(self):
        from . import signals  # noqa: F401
