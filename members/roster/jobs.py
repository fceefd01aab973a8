"""Import jobs: the page's upload, check and confirm run in Celery; every import is logged."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .columns import max_file_bytes
from .files import error_report_xlsx
from .importing import ImportReport, allowed_branch_ids_for, roster_import_file

MAX_STORED_ERRORS = 5000
logger = logging.getLogger(__name__)


def _report_fields(report: ImportReport) -> dict[str, Any]:
    return {
        "total_rows": report.total,
        "created_count": report.created,
        "updated_count": report.updated,
        "unchanged_count": report.unchanged,
        "error_count": len(report.errors),
        "message": report.summary(),
        "errors": [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]],
        "preview": [] if report.errors or report.message else report.preview,
    }


def _report_status(report: ImportReport) -> str:
    from ..models import RosterImport

    if report.message:
        return RosterImport.Status.FAILED
    if report.errors:
        return RosterImport.Status.REJECTED
    return RosterImport.Status.CHECKED if report.dry_run else RosterImport.Status.DONE


def _attach_error_report(job, report: ImportReport) -> None:
    from django.core.files.base import ContentFile

    if report.errors:
        stem = os.path.splitext(os.path.basename(job.file_name))[0] or "roster"
        job.error_report.save(f"{stem}-错误报告.xlsx", ContentFile(error_report_xlsx(report)), save=False)


def roster_import_record(*, report: ImportReport, user, source: str, file_size: int = 0):
    """Record an import that ran in the caller's process (command, admin)."""
    from ..models import RosterImport

    now = timezone.now()
    job = RosterImport(
        source=source,
        uploaded_by=user if user is not None and user.pk else None,
        file_name=report.file_name[:255] or "-",
        file_size=file_size,
        dry_run=report.dry_run,
        status=_report_status(report),
        progress=100,
        started_at=now,
        finished_at=now,
        **_report_fields(report),
    )
    _attach_error_report(job, report)
    job.save()
    return job


def roster_import_job_create(*, upload, user):
    """Keep the uploaded file and queue its check (a dry run); the page then polls the job."""
    from ..models import RosterImport

    if not allowed_branch_ids_for(user):
        raise ValidationError("您没有导入党员的权限")
    if upload.size > max_file_bytes():
        raise ValidationError(
            f"文件太大（{upload.size / 1024 / 1024:.1f} MB），上限为 {max_file_bytes() / 1024 / 1024:.0f} MB，请拆分后导入"
        )
    job = RosterImport(
        source=RosterImport.Source.PAGE,
        uploaded_by=user,
        file_name=os.path.basename(upload.name)[:255],
        file_size=upload.size,
        dry_run=True,
    )
    job.file.save(f"upload{os.path.splitext(upload.name)[1].lower()[:6]}", upload, save=False)
    job.save()
    queue_job(job.pk)  # raises QueueUnavailable (the job stays pending, retryable) when the broker is down
    return job


def roster_import_job_retry(*, job, user):
    """Queue again the check of an upload that could not be queued (the broker was down)."""
    if job.uploaded_by_id != user.pk:
        raise ValidationError("只能重试自己上传的文件")
    if not job.is_waiting_for_queue:
        raise ValidationError("该文件当前不需要重试")
    queue_job(job.pk)
    job.refresh_from_db()
    return job


def roster_import_job_confirm(*, job, user):
    """The uploader confirms a checked file: queue the real import (checked again then)."""
    from ..models import RosterImport

    if job.uploaded_by_id != user.pk:
        raise ValidationError("只能确认自己上传的文件")
    # The check's message ("预检通过…") is no longer what is happening: cleared here; the
    # attempts count the runs of the import itself.
    claimed = RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED).update(
        status=RosterImport.Status.QUEUED, dry_run=False, progress=0, message="", attempts=0
    )
    if not claimed:
        raise ValidationError("该文件当前不能确认导入")
    try:
        queue_job(job.pk)  # on failure the job is checked again: it can be confirmed once the broker is back
    finally:
        job.refresh_from_db()
    return job


QUEUE_UNAVAILABLE = "检查服务暂时不可用，请稍后重试"
# Publishing gives up quickly: the person waiting on the page hears at once.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


class QueueUnavailable(ValidationError):
    """The job could not be handed to the worker; it is marked so that it can be retried."""

    def __init__(self, job_id: int):
        super().__init__(QUEUE_UNAVAILABLE, code="queue_unavailable")
        self.job_id = job_id


def queue_job(job_id: int) -> None:
    """Hand the job to the worker now, or mark it retryable and raise ``QueueUnavailable``.

    The job row must be committed first (the worker reads it). A pending job that
    cannot be queued stays pending with ``queued_at`` empty (the page offers a retry);
    a confirmed one goes back to checked (it can be confirmed again).
    """
    from kombu.exceptions import OperationalError as BrokerError

    from ..models import RosterImport
    from ..tasks import roster_import_run

    Status = RosterImport.Status
    try:
        roster_import_run.apply_async((job_id,), retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (BrokerError, OSError) as exc:
        logger.warning("roster import %s not queued: %s", job_id, exc.__class__.__name__)
        with transaction.atomic():
            RosterImport.objects.filter(pk=job_id, status=Status.PENDING).update(
                queued_at=None, message=QUEUE_UNAVAILABLE
            )
            RosterImport.objects.filter(pk=job_id, status=Status.QUEUED).update(
                status=Status.CHECKED, dry_run=True, progress=100, queued_at=None, message=QUEUE_UNAVAILABLE
            )
        raise QueueUnavailable(job_id) from None
    waiting = RosterImport.objects.filter(pk=job_id, status__in=[Status.PENDING, Status.QUEUED])
    waiting.update(queued_at=timezone.now())
    waiting.filter(message=QUEUE_UNAVAILABLE).update(message="")  # no longer true


def remove_upload(job) -> None:
    if job.file:
        job.file.delete(save=False)


def roster_import_job_run(*, job_id: int):
    """Run whatever the job is waiting for. Claimed by a conditional update: safe to run twice.

    A job left checking or importing by a worker that died (stale heartbeat) is
    claimed again too: the import is one transaction, so a rerun is safe.
    """
    from accounts.models import User

    from ..models import RosterImport
    from .recovery import Heartbeat, claim_job

    claim = claim_job(job_id)
    if claim is None:
        return None  # someone else has it, or nothing to do
    running_status, dry_run = claim.status, claim.dry_run
    job = RosterImport.objects.get(pk=job_id)
    user = User.objects.select_related("branch").get(pk=job.uploaded_by_id) if job.uploaded_by_id else None
    last = [-1]

    def progress(pct: int) -> None:
        if pct >= last[0] + 2:  # a write every 2 % is plenty for a progress bar
            last[0] = pct
            RosterImport.objects.filter(pk=job_id, runner=claim.runner).update(
                progress=pct, heartbeat_at=timezone.now()
            )

    with Heartbeat(job_id=job_id, runner=claim.runner):
        try:
            try:
                source: Any = job.file.path
            except NotImplementedError:  # a storage without local paths
                with job.file.open("rb") as fh:
                    source = fh.read()
            report = roster_import_file(
                source=source, file_name=job.file_name, user=user, dry_run=dry_run, progress=progress
            )
        except MemoryError:  # the worker's ceiling (portal.limits): the file goes, the worker stays
            report = ImportReport(
                file_name=job.file_name,
                dry_run=dry_run,
                message="文件过大或过于复杂，超出了服务器读取名册的内存限制，未导入任何数据。请拆分后再导入",
            )
        except Exception:
            logger.exception("roster import %s failed", job_id)
            report = ImportReport(
                file_name=job.file_name, dry_run=dry_run, message="导入时发生内部错误，未导入任何数据，请联系管理员"
            )
    fields = _report_fields(report)
    status = _report_status(report)
    # The outcome, the error report and the upload's removal are one write: whoever
    # reads the job sees it finished with its file gone, never one without the other.
    _attach_error_report(job, report)  # stored now; named in the row by the update below
    if job.error_report:
        fields["error_report"] = job.error_report.name
    upload = job.file.name if status != RosterImport.Status.CHECKED else ""
    if upload:
        fields["file"] = ""  # done, rejected or failed: the personal data goes
    # Only the run that holds the job writes its outcome: if it was taken back
    # meanwhile (this worker looked dead), the rerun reports instead.
    finished = RosterImport.objects.filter(pk=job_id, status=running_status, runner=claim.runner).update(
        status=status, progress=100, finished_at=timezone.now(), heartbeat_at=None, **fields
    )
    if not finished:
        logger.warning("roster import %s was taken back while this run worked on it; its outcome is dropped", job_id)
        if job.error_report:
            job.error_report.delete(save=False)
        return None
    if upload:
        job.file.storage.delete(upload)
    job.refresh_from_db()
    return job
