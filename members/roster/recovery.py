"""No import job is ever stuck: claims, a heartbeat, and taking back the jobs of dead workers.

A run claims its job with a conditional update that also stamps a ``runner``
(host, process, a token of its own) and the heartbeat. While it works, a thread
bumps the heartbeat every ``ROSTER_IMPORT_HEARTBEAT_SECONDS``. A job whose
heartbeat is older than ``ROSTER_IMPORT_STALE_SECONDS``, or whose runner was a
process on this host that no longer exists, is taken back: queued again (the
import is one transaction, so a rerun is safe) or, after
``ROSTER_IMPORT_MAX_ATTEMPTS`` runs, failed with a message that says so.
``roster_imports_recover`` runs when a worker starts and every minute (beat).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

TAKEN_BACK = "处理进程中断，已自动重新开始（整批导入，中断时未写入任何数据）"
GAVE_UP = "处理进程 {n} 次意外中断，未导入任何数据，请重新上传"


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ROSTER_IMPORT_STALE_SECONDS)


def _new_runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _runner_is_dead_here(runner: str) -> bool:
    """True when the runner was a process on this host that has gone (a worker killed with -9)."""
    host, _, rest = runner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class Claim:
    status: str
    dry_run: bool
    runner: str


def claim_job(job_id: int) -> Claim | None:
    """Take the job if it waits for a run, or if its run is dead and attempts remain."""
    from ..models import RosterImport

    Status = RosterImport.Status
    now = timezone.now()
    runner = _new_runner()
    stamp = {
        "started_at": now,
        "heartbeat_at": now,
        "runner": runner,
        "attempts": F("attempts") + 1,
        "progress": 0,
        "message": "",
    }
    jobs = RosterImport.objects.filter(pk=job_id)
    if jobs.filter(status=Status.PENDING).update(status=Status.CHECKING, **stamp):
        return Claim(Status.CHECKING, True, runner)
    if jobs.filter(status=Status.QUEUED).update(status=Status.IMPORTING, dry_run=False, **stamp):
        return Claim(Status.IMPORTING, False, runner)
    # A redelivered message for a run whose worker died: take the run over.
    job = jobs.filter(status__in=[Status.CHECKING, Status.IMPORTING]).first()
    if job is None or job.attempts >= settings.ROSTER_IMPORT_MAX_ATTEMPTS or not _is_dead(job, now):
        return None
    if jobs.filter(status=job.status, runner=job.runner).update(**stamp):
        return Claim(job.status, job.dry_run, runner)
    return None


def run_looks_dead(job) -> bool:
    """A running job whose worker has not been heard from in time (what the progress page says)."""
    return _is_dead(job, timezone.now())


def _is_dead(job, now: dt.datetime) -> bool:
    last_sign = job.heartbeat_at or job.started_at or job.created_at
    return last_sign < now - stale_after() or _runner_is_dead_here(job.runner)


class Heartbeat:
    """While the block runs, a thread stamps the job's heartbeat (only while this run holds it)."""

    def __init__(self, *, job_id: int, runner: str, interval: float | None = None):
        self.job_id, self.runner = job_id, runner
        self.interval = interval or settings.ROSTER_IMPORT_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        from ..models import RosterImport

        try:
            while not self._stop.wait(self.interval):
                RosterImport.objects.filter(pk=self.job_id, runner=self.runner).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat is not worth failing the import for
            logger.warning("roster import %s: heartbeat failed", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def roster_imports_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Take back dead runs, give up on jobs out of attempts, requeue waits whose message was lost.

    Every change is a conditional update on the state read, so two recoveries at
    once (or a recovery and a late worker) act once.
    """
    from ..models import RosterImport
    from .jobs import QueueUnavailable, queue_job, remove_upload

    Status = RosterImport.Status
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "rewaited": 0}
    running = RosterImport.objects.filter(status__in=[Status.CHECKING, Status.IMPORTING])
    for job in running:
        if not _is_dead(job, now):
            continue
        same_run = RosterImport.objects.filter(pk=job.pk, status=job.status, runner=job.runner)
        if job.attempts >= settings.ROSTER_IMPORT_MAX_ATTEMPTS:
            if same_run.update(
                status=Status.FAILED,
                finished_at=now,
                heartbeat_at=None,
                progress=100,
                message=GAVE_UP.format(n=job.attempts),
            ):
                remove_upload(job)
                RosterImport.objects.filter(pk=job.pk).update(file="")
                counts["failed"] += 1
            continue
        waiting = Status.PENDING if job.status == Status.CHECKING else Status.QUEUED
        if same_run.update(status=waiting, runner="", heartbeat_at=None, progress=0, message=TAKEN_BACK):
            logger.warning("roster import %s: run %s is dead, taken back", job.pk, job.runner)
            counts["requeued"] += 1
            try:
                queue_job(job.pk)
            except QueueUnavailable:
                pass  # marked retryable by queue_job; the next recovery or the person tries again
    # A wait whose message never reached a worker (the broker lost it): send it again.
    lost = RosterImport.objects.filter(
        Q(status=Status.PENDING) | Q(status=Status.QUEUED), queued_at__lt=now - stale_after()
    )
    for job in lost:
        try:
            queue_job(job.pk)
            counts["rewaited"] += 1
        except QueueUnavailable:
            pass
    return counts
