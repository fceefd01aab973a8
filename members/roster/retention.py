"""Retention: uploaded rosters and error reports hold personal data and are not kept for long.

The hourly sweep ends every job that has outlived its state, whatever the state,
and deletes its file: a checked upload nobody confirmed, an upload or a confirmed
import that no worker picked up, a run whose worker died and was never recovered.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .jobs import remove_upload

# Uploaded rosters hold every member's personal data: a checked file that nobody
# confirms, and the error reports (the bad rows in full), are not kept for long.
UNCONFIRMED_KEPT = dt.timedelta(days=1)
ERROR_REPORTS_KEPT = dt.timedelta(days=7)
# A job waiting for a worker this long will not be run: it expires.
WAITING_KEPT = dt.timedelta(days=1)
# A run silent this long was not recovered (no worker came back): it failed.
RUNNING_KEPT = dt.timedelta(hours=1)

EXPIRED_MESSAGES = {
    "checked": "预检通过后一天内未确认，已过期，未导入任何数据",
    "pending": "等待预检超过一天未能处理，已过期，未导入任何数据，请重新上传",
    "queued": "等待导入超过一天未能处理，已过期，未导入任何数据，请重新上传",
}
DEAD_RUN_MESSAGE = "处理进程中断且未能恢复，未导入任何数据，请重新上传"


def _stale_jobs(now: dt.datetime):
    from ..models import RosterImport

    Status = RosterImport.Status
    jobs = RosterImport.objects.annotate(
        waiting_since=Coalesce("queued_at", "created_at"),
        last_sign=Coalesce("heartbeat_at", "started_at", "created_at"),
    )
    return jobs.filter(
        Q(status=Status.CHECKED, finished_at__lt=now - UNCONFIRMED_KEPT)
        | Q(status__in=[Status.PENDING, Status.QUEUED], waiting_since__lt=now - WAITING_KEPT)
        | Q(status__in=[Status.CHECKING, Status.IMPORTING], last_sign__lt=now - RUNNING_KEPT)
    )


def roster_imports_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """End every job past its time and drop old error reports. Returns (jobs ended, reports removed).

    Each job is claimed by a conditional update on the state it was read in, so
    two runs at once (or a worker finishing meanwhile) do the work once.
    """
    from ..models import RosterImport

    Status = RosterImport.Status
    now = now or timezone.now()
    ended = 0
    for job in _stale_jobs(now):
        same_state = RosterImport.objects.filter(pk=job.pk, status=job.status, runner=job.runner)
        if job.status in (Status.CHECKING, Status.IMPORTING):
            claimed = same_state.update(
                status=Status.FAILED, message=DEAD_RUN_MESSAGE, finished_at=now, heartbeat_at=None, progress=100
            )
        else:
            claimed = same_state.update(
                status=Status.EXPIRED, message=EXPIRED_MESSAGES[job.status], finished_at=job.finished_at or now
            )
        if claimed:
            remove_upload(job)
            RosterImport.objects.filter(pk=job.pk).update(file="")
            ended += 1
    reports = 0
    for job in RosterImport.objects.exclude(error_report="").filter(finished_at__lt=now - ERROR_REPORTS_KEPT):
        if RosterImport.objects.filter(pk=job.pk, error_report=job.error_report.name).update(error_report=""):
            job.error_report.delete(save=False)
            reports += 1
    return ended, reports
