from django.apps import AppConfig


class AllianzPortalConfig(AppConfig):
    name = "allianz_portal"
    verbose_name = "Transferportal NRW"
