import os
import time

import pytest
from django.db import connection
from django.urls import reverse

from gaoqiao.health import redis_client_for_ping
from tests.reliability.services import throwaway_redis  # noqa: F401 - fixture


def test_healthz_ok_when_database_and_broker_answer(anonymous, settings):
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True


def test_healthz_503_when_broker_does_not_answer(anonymous, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = anonymous.get(reverse("healthz"))
    # Not a speed test (BENCHMARKS.md has the figure): only "does not hang on retries".
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "detail": "ConnectionError"}


def test_the_broker_ping_carries_the_configured_timeouts_and_no_retry(settings):
    settings.HEALTHZ_TIMEOUT = 0.3
    client = redis_client_for_ping("redis://127.0.0.1:6379/3")
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_connect_timeout"] == 0.3
    assert kwargs["socket_timeout"] == 0.3
    assert kwargs["retry"]._retries == 0


def test_the_default_healthz_timeouts_fit_in_a_second(settings):
    from django.conf import settings as live

    # connect + answer, each bounded: a dead Redis costs at most twice the timeout.
    assert 2 * live.HEALTHZ_TIMEOUT < 1


@pytest.mark.postgres
def test_the_database_connection_has_a_connect_timeout():
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 2


def test_healthz_503_when_database_does_not_answer(anonymous, monkeypatch):
    class GoneDatabase:
        vendor = "postgresql"

        def cursor(self):
            raise ConnectionError("database gone")

    monkeypatch.setattr("gaoqiao.health.connection", GoneDatabase())
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


@pytest.mark.redis
def test_healthz_talks_to_the_real_broker(anonymous, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"]["detail"] == "redis"


def test_healthz_follows_a_real_redis_going_down_and_coming_back(anonymous, settings, throwaway_redis):  # noqa: F811
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = throwaway_redis.url
    assert anonymous.get(reverse("healthz")).status_code == 200

    throwaway_redis.stop()
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False

    throwaway_redis.start()
    assert anonymous.get(reverse("healthz")).status_code == 200
