"""Django's database cache with an atomic `incr()`, for counters all workers share (rate limits).

Django's own `incr()` reads, adds and writes back in three steps, so two workers counting at once both
write the same number and one count is lost. Here the row is locked first (an UPDATE that changes nothing,
which PostgreSQL and SQLite both serialise), then read and written within one transaction; the expiry stays.
`add()` is atomic already: the cache key is the table's primary key.
"""

import base64
import pickle

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = timezone.now().replace(microsecond=0)
        if not settings.USE_TZ:
            now = timezone.make_naive(now)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET expires = expires WHERE cache_key = %s", [key])
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s",
                [key, connection.ops.adapt_datetimefield_value(now)],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [stored, key])
        return value
