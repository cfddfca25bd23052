from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "Regionen und Netzwerke"

    def ready(self):
        from . import signals  # noqa: F401
