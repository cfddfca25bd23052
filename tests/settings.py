"""Test settings: the real settings plus what makes tests fast and hermetic."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ["DJANGO_PLAIN_STATIC"] = "1"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The operator's details as a deployment sets them (allianz_portal/operator.py): the legal pages show these.
TEST_OPERATOR = {
    "OPERATOR_NAME": "Testministerium für Transfer des Landes Nordrhein-Westfalen",
    "OPERATOR_STREET": "Teststraße 5",
    "OPERATOR_CITY": "40190 Düsseldorf",
    "OPERATOR_EMAIL": "kontakt@transferportal.test",
    "OPERATOR_PHONE": "0211 1234567",
    "OPERATOR_CONTENT_RESPONSIBLE": "Petra Prüfling, Referat Transfer",
    "ACCESSIBILITY_CONTACT_EMAIL": "barrieren@transferportal.test",
    "PRIVACY_OFFICER_NAME": "Datenschutzbeauftragter des Testministeriums",
    "PRIVACY_OFFICER_EMAIL": "dsb@transferportal.test",
    "ACCESSIBILITY_REVIEWED_ON": "2026-10-15",
}
for variable, value in TEST_OPERATOR.items():
    os.environ.setdefault(variable, value)

from allianz_portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Pages in local memory; rate limits and used form tokens in the shared database cache, as in production.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    "ratelimit": CACHES["ratelimit"],  # noqa: F405
}
PAGE_CACHE_TIMEOUT = 0  # tests read response.context; tests/performance switch the page cache on
STATIC_ROOT = None  # tests serve nothing from collectstatic's folder
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}  # tasks run at once
SITE_URL = "http://testserver"
PAGE_VIEW_FLUSH_SECONDS = 0  # every view written at once
