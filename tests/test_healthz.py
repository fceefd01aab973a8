import os

import pytest
from django.urls import reverse


def test_healthz_ok_when_database_and_broker_answer(anonymous, settings):
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True


def test_healthz_503_when_broker_does_not_answer(anonymous, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


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
