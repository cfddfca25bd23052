from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "demand"
    verbose_name = "Nachfrage und Statistik"

    def ready(self):
        from . import signals  # noqa: F401
