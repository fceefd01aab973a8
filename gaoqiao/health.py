"""/healthz: is the database answering, is the broker answering.

Every ping carries a short timeout of its own (``HEALTHZ_TIMEOUT`` seconds for
each step of the broker's, the connect timeout for the database's), so a dead
dependency makes the check answer 503 within a second instead of hanging on a
client's default retries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not answering"
        return False, exc.__class__.__name__
    return True, connection.vendor


def redis_client_for_ping(url: str):
    """A Redis client that gives up after ``HEALTHZ_TIMEOUT`` seconds, with no retry."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = settings.HEALTHZ_TIMEOUT
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def _broker_ok() -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager"
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return True, url.split(":", 1)[0]
    client = redis_client_for_ping(url)
    try:
        client.ping()
    except Exception as exc:
        return False, exc.__class__.__name__
    finally:
        client.close()
    return True, "redis"


@require_safe
@never_cache
def healthz(request):
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    body = {
        "status": "ok" if healthy else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if healthy else 503)
