"""The hourly sweep ends every job past its time, in every state, and deletes its file; recovery takes dead runs back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from members.models import Member, RosterImport
from members.roster import claim_job, roster_imports_expire, roster_imports_recover
from members.roster.recovery import GAVE_UP, TAKEN_BACK
from members.roster.retention import DEAD_RUN_MESSAGE, EXPIRED_MESSAGES
from tests.members.roster_files import csv_bytes, person

S = RosterImport.Status


@pytest.fixture(autouse=True)
def eager():
    """The requeued run happens in-process here, even where REDIS_URL is set."""
    from gaoqiao.celery import app

    saved = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = saved


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def make_job(user, status, *, age: dt.timedelta, rows=1, **fields) -> RosterImport:
    then = timezone.now() - age
    job = RosterImport(uploaded_by=user, file_name="名册.csv", status=status, dry_run=status in (S.PENDING, S.CHECKING, S.CHECKED), **fields)
    job.file.save("upload.csv", ContentFile(csv_bytes([person(n) for n in range(1, rows + 1)])), save=False)
    job.save()
    stamps = {"created_at": then}
    if status in (S.CHECKING, S.IMPORTING):
        stamps |= {"started_at": then, "heartbeat_at": then, "runner": "elsewhere:1:x", "attempts": 1}
    if status == S.CHECKED:
        stamps["finished_at"] = then
    if status in (S.PENDING, S.QUEUED):
        stamps["queued_at"] = then
    RosterImport.objects.filter(pk=job.pk).update(**stamps)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    "status, age, ends_as, message",
    [
        (S.PENDING, dt.timedelta(days=2), S.EXPIRED, EXPIRED_MESSAGES["pending"]),
        (S.QUEUED, dt.timedelta(days=2), S.EXPIRED, EXPIRED_MESSAGES["queued"]),
        (S.CHECKED, dt.timedelta(days=2), S.EXPIRED, EXPIRED_MESSAGES["checked"]),
        (S.CHECKING, dt.timedelta(hours=2), S.FAILED, DEAD_RUN_MESSAGE),
        (S.IMPORTING, dt.timedelta(hours=2), S.FAILED, DEAD_RUN_MESSAGE),
    ],
)
def test_the_sweep_ends_a_job_past_its_time_in_every_state_and_deletes_its_file(
    town_admin_user, branch_a, status, age, ends_as, message
):
    old = make_job(town_admin_user, status, age=age)
    fresh = make_job(town_admin_user, status, age=dt.timedelta(minutes=1))
    old_path, fresh_path = old.file.path, fresh.file.path

    assert roster_imports_expire() == (1, 0)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.message) == (ends_as, message)
    assert not old.file and not _exists(old_path)
    assert fresh.status == status and fresh.file and _exists(fresh_path)
    assert not old.is_running
    assert roster_imports_expire() == (0, 0)  # a second run finds nothing


def _exists(path) -> bool:
    import os

    return os.path.exists(path)


def test_recovery_takes_back_a_dead_run_and_reruns_it(town_admin_user, branch_a, settings):
    job = make_job(town_admin_user, S.IMPORTING, age=dt.timedelta(minutes=10), rows=3)
    assert job.attempts == 1
    counts = roster_imports_recover()  # eager here: the requeued run happens at once
    assert counts["requeued"] == 1
    job.refresh_from_db()
    assert job.status == S.DONE and job.created_count == 3 and job.attempts == 2
    assert Member.objects.filter(name__startswith="测试").count() == 3


def test_a_run_out_of_attempts_is_failed_with_a_true_message(town_admin_user, branch_a, settings):
    job = make_job(town_admin_user, S.IMPORTING, age=dt.timedelta(minutes=10))
    RosterImport.objects.filter(pk=job.pk).update(attempts=settings.ROSTER_IMPORT_MAX_ATTEMPTS)
    assert roster_imports_recover()["failed"] == 1
    job.refresh_from_db()
    assert job.status == S.FAILED and job.message == GAVE_UP.format(n=settings.ROSTER_IMPORT_MAX_ATTEMPTS)
    assert not job.file and not Member.objects.filter(name__startswith="测试").exists()


def test_a_live_run_is_left_alone_and_a_redelivered_message_does_not_take_it(town_admin_user, branch_a):
    job = make_job(town_admin_user, S.IMPORTING, age=dt.timedelta(seconds=5))
    assert roster_imports_recover() == {"requeued": 0, "failed": 0, "rewaited": 0}
    assert claim_job(job.pk) is None
    RosterImport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=10))
    claim = claim_job(job.pk)  # the same message redelivered after the worker died: taken over
    assert claim is not None and claim.status == S.IMPORTING
    job.refresh_from_db()
    assert job.attempts == 2 and job.runner == claim.runner and job.message == ""


def test_the_progress_json_says_a_silent_run_is_being_recovered_not_that_it_runs_on(town_admin, town_admin_user, branch_a):
    job = make_job(town_admin_user, S.IMPORTING, age=dt.timedelta(minutes=10), progress=85, message="预检通过：新增 1 人")
    state = town_admin.get(reverse("members:roster-import-progress", args=[job.pk])).json()
    assert state["stalled"] is True and state["status_label"] == "处理进程无响应，正在自动恢复"


def test_a_taken_back_job_says_so_until_it_runs_again(town_admin_user, branch_a, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # nothing runs it: we see the state in between
    from gaoqiao.celery import app

    eager = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.CELERY_BROKER_URL, broker = "memory://", app.conf.CELERY_BROKER_URL
    try:
        job = make_job(town_admin_user, S.CHECKING, age=dt.timedelta(minutes=10), progress=85)
        roster_imports_recover()
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER, app.conf.CELERY_BROKER_URL = eager, broker
    job.refresh_from_db()
    assert (job.status, job.progress, job.message, job.runner) == (S.PENDING, 0, TAKEN_BACK, "")
    assert job.queued_at is not None
