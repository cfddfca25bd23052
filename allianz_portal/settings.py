"""Settings for the Transferportal NRW.

Everything that differs between machines comes from environment variables (see `.env.example`).
Defaults are safe for production: DEBUG is off unless asked for, and without DEBUG the app refuses
to start without a SECRET_KEY. `make run` switches DEBUG on for local development.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from allianz_portal import operator

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "only development with DJANGO_DEBUG=1 may run without one."
        )
    SECRET_KEY = "insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (/api/v1/dokumentation/)
    "taggit",
    "axes",
    "django_ratelimit",  # rate limits counted in the shared "ratelimit" cache
    "simple_history",  # version history of offers, institutions, networks, board, pages
    "import_export",  # CSV/Excel import and export of offers in the admin
    "django_tasks_db",  # background tasks stored in the database, run by `manage.py db_worker`
    # Project apps
    "allianz_portal",
    "regions",
    "partners",
    "offers",  # the offer model and its curation (admin, roles, workflow, history, import/export)
    "search",  # text analysis, full-text index, synonyms, ranking
    "finder",  # the public offer list and detail: filters, facet index, counts
    "merkliste",  # Merkliste and comparison (a signed cookie, no account)
    "submissions",  # "Angebot vorschlagen": the public form for new offers
    "syndication",  # feeds, calendars, CSV/JSON exports of the list
    "alliance",
    "practice",
    "api",
    # The transfer loop: enquiries to providers, search alerts, needs to regions, demand statistics
    "enquiries",
    "alerts",
    "needs",
    "demand",
]

MIDDLEWARE = [
    "allianz_portal.middleware.SecurityHeadersMiddleware",  # first: headers on every response, health checks too
    "allianz_portal.middleware.HealthCheckMiddleware",
    "allianz_portal.middleware.DatabaseUnavailableMiddleware",
    "demand.middleware.DemandMiddleware",  # page views and empty searches, cached pages included
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "allianz_portal.middleware.LanguageFromPathMiddleware",  # /en/… English, else German
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who changed what
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "allianz_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "allianz_portal.context_processors.portal",
                "merkliste.views.context",
                "django.template.context_processors.csp",
            ],
        },
    },
    {
        # The few hot fragments only (allianz_portal/jinja.py): templates/jinja2/ and the apps' jinja2/ folders.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "allianz_portal.jinja.environment"},
    },
]

WSGI_APPLICATION = "allianz_portal.wsgi.application"

# Database: DATABASE_URL (PostgreSQL in production), else a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")  # trigram lookups for typo tolerance

# A database that does not answer must not hang the site (docs/operations.md, "Faults"): seconds to wait for a
# new PostgreSQL connection, seconds one statement may run (0 = no limit; gunicorn.conf.py sets 15 for the web
# server, so migrations and long management commands are not cut off), seconds a request may wait on an open
# connection before allianz_portal.dbwatch checks whether the server is stalled (0 = no watchdog).
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2"))  # libpq: at least 2
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "0"))
DATABASE_STALL_SECONDS = float(os.environ.get("DATABASE_STALL_SECONDS", "2"))


def with_timeouts(database):
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        if DATABASE_STATEMENT_TIMEOUT:
            statement = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
            options["options"] = f"{options['options']} {statement}" if options.get("options") else statement
    return database


with_timeouts(DATABASES["default"])

# Read replica (optional): anonymous page renders read from it, everything else from the primary
# (allianz_portal/routers.py). Unset: one database.
DATABASE_ROUTERS = []
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    with_timeouts(DATABASES["replica"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["allianz_portal.routers.ReplicaRouter"]

# Cache: local memory per process by default; Redis (shared by all workers and containers) when REDIS_URL
# is set. Freshness never depends on it: cached pages are keyed by the data version kept in the database.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "transferportal",
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "transferportal",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# Rate limits and used form tokens (django-ratelimit, submissions.views) live in a cache every worker and
# container shares: Redis when REDIS_URL is set, else a table in the database (created by a migration;
# `manage.py createcachetable` after switching from Redis back to it). Never local memory: per-process
# counters multiply the limit by the number of workers.
if os.environ.get("REDIS_URL"):
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "transferportal-limits",
    }
else:
    CACHES["ratelimit"] = {
        "BACKEND": "allianz_portal.cache.DatabaseCache",  # Django's, with an atomic incr()
        "LOCATION": "portal_ratelimit_cache",
        "OPTIONS": {"MAX_ENTRIES": 200_000},  # culling early would forget counters
    }
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "allianz_portal.clientaddr.client_ip"
# django-ratelimit lists neither Django's own RedisCache nor our database cache (both shared, add/incr atomic).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Proxies whose X-Forwarded-For / Forwarded headers are believed (addresses or CIDR networks, comma-separated).
# Default none: the direct peer is the visitor. Behind nginx on the same host: 127.0.0.1 (see docs/operations.md).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is no IP address or network.") from None

# Background work (Django's tasks framework): tasks wait in the database until `manage.py db_worker` runs
# them (`make run` starts one beside the dev server, production runs it as its own container; see
# docs/operations.md). Tests run every task immediately (tests/settings.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Seconds a whole public page stays cached at most (allianz_portal/pagecache.py); 0 switches it off.
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "3600"))
# Benchmarks only (`make bench`): a constant page at /bench/floor to compare the real pages with.
BENCH_FLOOR = env_bool("BENCH_FLOOR")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

# Login lockout (django-axes): 5 failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "allianz_portal.clientaddr.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # a lock ends by itself; early: manage.py axes_reset_username <name>

# Internationalisation: German first, English second (interface only).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["allianz_portal.formats"]  # English dates as "23 October 2026"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static files: the project's own stylesheet plus KERN UX from node_modules (installed by `make`).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploads (the alliance's PDF documents). Django serves them only with DJANGO_DEBUG=1; in production the
# web server serves MEDIA_ROOT under MEDIA_URL from storage all containers share (docs/operations.md).
MEDIA_URL = "/medien/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
KERN_DIST = BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"
STATICFILES_DIRS = [BASE_DIR / "static", ("kern", KERN_DIST)]
# Files browsers ask for at the site root (favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("DJANGO_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: SMTP in production (EMAIL_HOST, else a local MTA on localhost:25), the console in development.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "transferportal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EDITORIAL_EMAIL = os.environ.get("EDITORIAL_EMAIL", "redaktion@localhost")
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST") or "localhost",
                "port": int(os.environ.get("EMAIL_PORT") or ("587" if os.environ.get("EMAIL_HOST") else "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", bool(os.environ.get("EMAIL_HOST"))),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Who runs the portal (Impressum, Datenschutz, Barrierefreiheit, Kontakt): OPERATOR_*, PRIVACY_OFFICER_*,
# ACCESSIBILITY_* from the environment, described in allianz_portal/operator.py and .env.example.
# `check --deploy` fails while one is missing; development shows marked example values instead.
OPERATOR = operator.from_environment(os.environ, examples=DEBUG)

# Security. Production runs behind a TLS-terminating proxy.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (Django's own middleware). Public pages: no inline script or style at all;
# KERN's icons are data: SVGs in its stylesheet. A template that really needs an inline <script> or <style>
# gives it nonce="{{ csp_nonce }}".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The Django admin (and its add-ons) use inline scripts and style attributes: a looser policy for it only,
# set by allianz_portal.middleware.SecurityHeadersMiddleware (which also adds the headers below to responses
# that never pass Django's own header middlewares: health checks, 503, 400 for an unknown host).
ADMIN_PATH_PREFIX = "/admin/"
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"
)

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Read-only open-data API: JSON only, no sessions or cookies, anonymous access.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,  # "format" is one of the directory's filters (vor-ort/online/hybrid)
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Transferportal NRW – Offene Daten",
    "DESCRIPTION": "Lesender Zugriff auf die öffentlichen Angebote, Regionen, Netzwerke und Institutionen. "
    "Inhalte unter CC BY 4.0 (Allianz Wirtschaft und Arbeit 4.0).",
    "VERSION": "1.0.0",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.de"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Periodic background jobs (TASKS above): the database backend's worker runs them as its own process
# (`manage.py db_worker`, started by `make run`), periodic jobs are enqueued by `manage.py run_periodic`.
PERIODIC_TASKS = {  # job: seconds between runs
    "allianz_portal.mailing.deliver_pending": 5 * 60,
    "alerts.tasks.send_due_alerts": 10 * 60,
    "alerts.tasks.purge_unconfirmed": 24 * 60 * 60,
    "enquiries.tasks.purge_personal_data": 24 * 60 * 60,
    "needs.tasks.purge_personal_data": 24 * 60 * 60,
}
# The portal's public address for links in mails (no request at hand in a background task).
SITE_URL = os.environ.get(
    "SITE_URL", "http://127.0.0.1:8000" if DEBUG else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
)
# Months after which enquiries and transfer needs lose their personal data (name, company, e-mail, text).
PERSONAL_DATA_RETENTION_MONTHS = int(os.environ.get("PERSONAL_DATA_RETENTION_MONTHS", "12"))
# Page views are summed in memory per process and written at most this often (seconds).
PAGE_VIEW_FLUSH_SECONDS = int(os.environ.get("PAGE_VIEW_FLUSH_SECONDS", "30"))
