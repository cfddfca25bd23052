from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class AllianzPortalConfig(AppConfig):
    name = "allianz_portal"
    verbose_name = "Transferportal NRW"

    def ready(self):
        from . import operator  # noqa: F401  (registers the deploy check of the operator details)


class PortalStaticFilesConfig(StaticFilesConfig):
    """collectstatic leaves out ReDoc, which the site never serves (the API docs use Swagger UI from
    drf-spectacular-sidecar): half of the package's files, less to hash and compress on every build."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc"]
