"""Django in a benchmark's own process: production settings, no page cache, no DEBUG query log."""

import os
import secrets


def setup(**environment):
    """Configure and start Django; `environment` adds or overrides variables (e.g. LOG_LEVEL)."""
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(30))
    defaults = {
        "DJANGO_SETTINGS_MODULE": "allianz_portal.settings",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "PAGE_CACHE_TIMEOUT": "0",
        "DJANGO_PLAIN_STATIC": "1",
    }
    os.environ.update({**defaults, **environment})
    import django

    django.setup()
