from django.apps import AppConfig


class AllianzPortalConfig(AppConfig):
    name = "allianz_portal"
    verbose_name = "Transferportal NRW"

    def ready(self):
        from . import operator  # noqa: F401  (registers the deploy check of the operator details)
