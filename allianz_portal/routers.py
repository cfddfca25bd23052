"""Read traffic to a PostgreSQL read replica (active only when REPLICA_DATABASE_URL is set).

Only the renders of anonymous public pages (`allianz_portal.pagecache.cache_public_page`) read from
the replica; the admin, forms, staff previews and every write use the primary, so editors always see
their own changes. The data version is read from the replica too, together with the content: a replica
that lags behind shows the old version *and* the old content, and the pages cached for it are keyed by
the old version – nothing old is ever stored under a new version.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reading_public = contextvars.ContextVar("reading_public", default=False)


@contextmanager
def public_reads():
    """Inside: reads may go to the replica."""
    token = _reading_public.set(True)
    try:
        yield
    finally:
        _reading_public.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_public.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
