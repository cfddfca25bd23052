"""Test settings: the real settings plus what makes tests fast and hermetic."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ["DJANGO_PLAIN_STATIC"] = "1"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from allianz_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
PAGE_CACHE_TIMEOUT = 0  # tests read response.context; tests/performance switch the page cache on
STATIC_ROOT = None  # tests serve nothing from collectstatic's folder
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}  # tasks run on enqueue
