"""A real Celery worker killed with SIGKILL in the middle of a 20,000-row import, then started again.

The job is taken back by the new worker (its runner, a process on this host, is gone)
and run again: the import is one transaction, so the rerun writes every row once.
The progress JSON never claims more than is true on the way.
"""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from members.models import Member, RosterImport
from tests.members.roster_files import last_job
from tests.reliability.rosters import people_csv, wait_for
from tests.reliability.services import Worker, throwaway_redis  # noqa: F401 - fixture
from tests.reliability.test_concurrent_imports import _database_url, _terminate_other_connections
from tests.reliability.test_import_broker_down import broker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = int(os.environ.get("KILLED_IMPORT_ROWS", "20000"))
S = RosterImport.Status


def test_a_worker_killed_mid_import_and_restarted_finishes_the_job_truthfully(
    town_admin, branch_a, settings, tmp_path, throwaway_redis  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    env = {
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "ROSTER_IMPORT_HEARTBEAT_SECONDS": "1",
        "ROSTER_IMPORT_STALE_SECONDS": "30",
        "LOG_LEVEL": "INFO",
    }
    make_worker = lambda: Worker(broker_url=throwaway_redis.url, database_url=_database_url(), env=env)  # noqa: E731
    first = make_worker()
    second = make_worker()
    try:
        with broker(throwaway_redis.url):
            first.start()
            response = town_admin.post(
                reverse("members:roster-import"), {"file": SimpleUploadedFile("名册.csv", people_csv(ROWS))}
            )
            assert response.status_code == 302
            job = wait_for(last_job(), lambda j: j.status == S.CHECKED, seconds=300)
            town_admin.post(reverse("members:roster-import-confirm", args=[job.pk]))

            # Killed while importing: no chance to ack the message, to roll back cleanly, or to report.
            job = wait_for(job, lambda j: j.status == S.IMPORTING and j.progress > 0, seconds=300, every=0.02)
            first.kill()
            job.refresh_from_db()
            assert job.status == S.IMPORTING and job.attempts == 1
            assert Member.objects.filter(name__startswith="测试").count() in (0, ROWS)  # never half

            second.start()  # takes the dead run back at start, and runs it again
            seen = []

            def done(j):
                seen.append(town_admin.get(reverse("members:roster-import-progress", args=[j.pk])).json())
                return j.status == S.DONE

            job = wait_for(job, done, seconds=300, every=0.1)
    finally:
        first.kill()
        second.stop()
        logs = first.output() + second.output()
        first.cleanup()
        second.cleanup()
        connection.close()
        _terminate_other_connections()

    assert job.attempts == 2, logs[-5000:]
    assert Member.objects.filter(name__startswith="测试").count() == ROWS
    assert Member.objects.values("id_number").distinct().count() == Member.objects.count()
    # Whichever run's COPY committed, the job says what happened: new rows, or (if the
    # first had committed just before it died) the same rows found unchanged.
    assert job.created_count + job.unchanged_count == ROWS and job.total_rows == ROWS
    assert not job.file
    for state in seen:
        if state["status"] in (S.CHECKING, S.IMPORTING, S.PENDING, S.QUEUED):
            assert state["running"] is True and "预检通过" not in state["message"]
    final = seen[-1]
    assert (final["status"], final["running"], final["progress"]) == (S.DONE, False, 100)
