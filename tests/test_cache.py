"""The Redis cache (portal.cache) shares one client per connection pool, across calls and threads."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.skipif(not settings.REDIS_CACHE_URL, reason="the laptop default has no Redis cache")


def test_one_client_serves_every_call_and_thread():
    cache = caches["default"]
    assert settings.CACHES["default"]["BACKEND"] == "portal.cache.PortalRedisCache"
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is client
    cache.set("portal-cache-test", {"n": 1}, 30)
    seen = []

    def read():  # each thread has its own cache object, as Django gives it
        seen.append(caches["default"].get("portal-cache-test"))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [{"n": 1}] * 4
    cache.delete("portal-cache-test")
    assert cache.get("portal-cache-test") is None


def test_any_key_is_kept_without_memcached_warnings():
    """Redis stores keys memcached could not (long, with spaces): the portal's cache does not check them."""
    import warnings

    from django.core.cache.backends.base import CacheKeyWarning

    cache = caches["default"]
    key = "meetings:figures:" + "长" * 300 + " with spaces"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        cache.set_many({key: 1, "short": 2}, 30)
        assert cache.get_many([key, "short"]) == {key: 1, "short": 2}
        cache.delete_many([key, "short"])
    assert cache.get(key) is None
