import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.csp import build_policy

from . import dbwatch

logger = logging.getLogger(__name__)

# Seconds a visitor (or crawler) is asked to wait while the database is unreachable.
RETRY_AFTER_SECONDS = 120


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before host validation, sessions or anything else.

    /healthz: the process is alive (no database). /readyz: the database answers and every migration
    is applied; 503 otherwise, so a load balancer keeps traffic away until the app can serve it.
    Placed first in MIDDLEWARE so a container health check on 127.0.0.1 works whatever ALLOWED_HOSTS says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _plain("ok")
        if request.path == "/readyz":
            return self.readiness()
        return self.get_response(request)

    def readiness(self):
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            return _plain("Datenbank nicht erreichbar", status=503)
        if pending:
            return _plain(f"{len(pending)} Migrationen ausstehend", status=503)
        return _plain("bereit")


class DatabaseUnavailableMiddleware:
    """Turn "the database cannot be reached" into a 503 maintenance page instead of a 500.

    Only connection-level errors count (OperationalError, InterfaceError); a programming error stays a 500.
    Django closes the broken connection at the end of the request, so the next request reconnects:
    the site recovers by itself once the database is back. Errors raised outside views (in other
    middleware) reach `views.server_error`, which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if dbwatch.database_stalled():
            return maintenance_response()
        with dbwatch.watching():  # a stalled server: the waiting query fails within seconds (dbwatch)
            return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logger.error("Datenbank nicht erreichbar, Wartungsseite für %s: %s", request.path, exception)
            return maintenance_response()
        return None


def is_database_unavailable(exception):
    return isinstance(exception, OperationalError | InterfaceError)


def maintenance_response():
    """The 503 page: rendered without the database, context processors or a request."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class SecurityHeadersMiddleware:
    """The security headers on every response the application sends, and the admin's own Content Security Policy.

    First in MIDDLEWARE, so it also sees what never reaches Django's header middlewares: the health checks,
    the 503 maintenance page, the 400 for an unknown host, error pages. Headers a response already has
    (a page's CSP with its nonce, HSTS on HTTPS) stay; missing ones get the site's values from the settings.
    The public pages carry no inline script or style; the admin's JavaScript needs a looser policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.defaults = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
            "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Content-Security-Policy": build_policy(settings.SECURE_CSP),
        }
        self.admin_policy = build_policy(settings.ADMIN_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        for header, value in self.defaults.items():
            response.headers.setdefault(header, value)
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if request.path.startswith(settings.ADMIN_PATH_PREFIX):
            response.headers["Content-Security-Policy"] = self.admin_policy
        return response


class LanguageFromPathMiddleware(LocaleMiddleware):
    """The language comes from the address alone: /en/… is English, everything else German.

    No cookie, session or Accept-Language header is consulted, so one URL always shows one language
    (the page cache and search engines rely on that) and the API, feeds and exports stay German.
    """

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The page is rendered: hand the thread back in the default language, so nothing after this request
        # (a task run on commit, the next request in a test's thread) inherits its language.
        translation.deactivate()
        return response


def _plain(text, status=200):
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response
