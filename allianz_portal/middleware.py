from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse


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


def _plain(text, status=200):
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response
