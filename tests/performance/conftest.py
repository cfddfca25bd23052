import pytest
from django.core.cache import cache

from allianz_portal import freshness

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own: cache.clear() flushes it


def redis_reachable():
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping())
    except redis.RedisError:
        return False


BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "performance-tests"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "t"},
}


@pytest.fixture(params=list(BACKENDS))
def page_cache(request, settings):
    """The whole-page cache switched on, with local memory and (when reachable) Redis."""
    if request.param == "redis" and not redis_reachable():
        pytest.skip("Redis at 127.0.0.1:6379 not reachable")
    settings.CACHES = {"default": BACKENDS[request.param]}
    settings.PAGE_CACHE_TIMEOUT = 3600
    cache.clear()
    freshness.forget()
    yield request.param
    cache.clear()
    freshness.forget()
