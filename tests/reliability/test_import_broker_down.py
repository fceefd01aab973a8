"""Redis down on upload and on confirm: a clear message, a job that can be retried, nothing queued twice."""

from __future__ import annotations

import subprocess
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import RosterImport
from members.roster import QUEUE_UNAVAILABLE, roster_import_job_run
from tests.members.roster_files import csv_bytes, last_job, person
from tests.reliability.services import throwaway_redis  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@contextmanager
def broker(url: str):
    """Point Celery at ``url`` (not eager) and drop its pooled connections before and after."""
    from gaoqiao.celery import app

    # Configured from Django settings with the CELERY_ namespace: those are the keys to set.
    saved = app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER

    def reset_pools():
        from kombu import pools

        pools.reset()  # kombu's registry of producer pools, keyed by connection
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER = url, False
    reset_pools()
    try:
        yield app
    finally:
        app.conf.CELERY_BROKER_URL, app.conf.CELERY_TASK_ALWAYS_EAGER = saved
        reset_pools()


def queue_length(server) -> int:
    out = subprocess.run(["redis-cli", "-p", str(server.port), "LLEN", django_settings.CELERY_TASK_DEFAULT_QUEUE], capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def progress(client, job):
    return client.get(reverse("members:roster-import-progress", args=[job.pk])).json()


def test_upload_with_redis_down_says_so_and_the_check_can_be_retried_once_redis_is_back(
    town_admin, branch_a, throwaway_redis  # noqa: F811
):
    data = csv_bytes([person(1), person(2)])
    with broker(throwaway_redis.url):
        throwaway_redis.stop()
        response = town_admin.post(reverse("members:roster-import"), {"file": SimpleUploadedFile("名册.csv", data)})
        assert response.status_code == 503
        assert QUEUE_UNAVAILABLE in response.content.decode()
        job = last_job()
        assert job.status == RosterImport.Status.PENDING and job.is_waiting_for_queue
        assert job.message == QUEUE_UNAVAILABLE and job.file
        state = progress(town_admin, job)
        # The page does not pretend something is happening: nothing is running, a retry is offered.
        assert state["running"] is False and state["can_retry"] is True
        assert state["status_label"] == "未能开始预检，可重试"
        assert "重新开始预检" in town_admin.get(reverse("members:roster-import-status", args=[job.pk])).content.decode()

        # Still down: the retry says so again and changes nothing.
        town_admin.post(reverse("members:roster-import-retry", args=[job.pk]))
        job.refresh_from_db()
        assert job.is_waiting_for_queue

        throwaway_redis.start()
        response = town_admin.post(reverse("members:roster-import-retry", args=[job.pk]))
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.status == RosterImport.Status.PENDING and job.queued_at is not None and job.message == ""
        assert queue_length(throwaway_redis) == 1
        assert progress(town_admin, job)["running"] is True

    roster_import_job_run(job_id=job.pk)  # what the worker does with the queued message
    job.refresh_from_db()
    assert job.status == RosterImport.Status.CHECKED and job.created_count == 2


def test_confirm_with_redis_down_leaves_the_job_checked_so_it_can_be_confirmed_again(
    town_admin, branch_a, throwaway_redis  # noqa: F811
):
    with broker(throwaway_redis.url):
        response = town_admin.post(
            reverse("members:roster-import"), {"file": SimpleUploadedFile("名册.csv", csv_bytes([person(1)]))}
        )
        assert response.status_code == 302
        job = last_job()
        roster_import_job_run(job_id=job.pk)  # the check, as the worker would run it
        job.refresh_from_db()
        assert job.status == RosterImport.Status.CHECKED

        throwaway_redis.stop()
        response = town_admin.post(reverse("members:roster-import-confirm", args=[job.pk]), follow=True)
        assert QUEUE_UNAVAILABLE in response.content.decode()
        job.refresh_from_db()
        assert job.status == RosterImport.Status.CHECKED and job.dry_run is True
        assert job.message == QUEUE_UNAVAILABLE and job.file
        assert progress(town_admin, job)["running"] is False

        throwaway_redis.start()
        town_admin.post(reverse("members:roster-import-confirm", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == RosterImport.Status.QUEUED and job.dry_run is False and job.message == ""
        assert queue_length(throwaway_redis) == 1

    roster_import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == RosterImport.Status.DONE and job.created_count == 1 and not job.file
