"""Import jobs: the page's upload, check and confirm run in Celery; every import is logged."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .columns import max_file_bytes
from .files import error_report_xlsx
from .importing import ImportReport, allowed_branch_ids_for, roster_import_file

MAX_STORED_ERRORS = 5000


def _report_fields(report: ImportReport) -> dict[str, Any]:
    return {
        "total_rows": report.total,
        "created_count": report.created,
        "updated_count": report.updated,
        "unchanged_count": report.unchanged,
        "error_count": len(report.errors),
        "message": report.summary(),
        "errors": [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]],
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
    _queue(job.pk)
    return job


def roster_import_job_confirm(*, job, user):
    """The uploader confirms a checked file: queue the real import (checked again then)."""
    from ..models import RosterImport

    if job.uploaded_by_id != user.pk:
        raise ValidationError("只能确认自己上传的文件")
    claimed = RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED).update(
        status=RosterImport.Status.QUEUED, dry_run=False, progress=0
    )
    if not claimed:
        raise ValidationError("该文件当前不能确认导入")
    _queue(job.pk)
    job.refresh_from_db()
    return job


def _queue(job_id: int) -> None:
    from ..tasks import roster_import_run

    transaction.on_commit(lambda: roster_import_run.delay(job_id))


def remove_upload(job) -> None:
    if job.file:
        job.file.delete(save=False)


def roster_import_job_run(*, job_id: int):
    """Run whatever the job is waiting for. Claimed by a conditional update: safe to run twice."""
    from accounts.models import User

    from ..models import RosterImport

    Status = RosterImport.Status
    now = timezone.now()
    if RosterImport.objects.filter(pk=job_id, status=Status.PENDING).update(status=Status.CHECKING, started_at=now):
        dry_run = True
    elif RosterImport.objects.filter(pk=job_id, status=Status.QUEUED).update(status=Status.IMPORTING, started_at=now):
        dry_run = False
    else:
        return None  # someone else has it, or nothing to do
    job = RosterImport.objects.get(pk=job_id)
    user = User.objects.select_related("branch").get(pk=job.uploaded_by_id) if job.uploaded_by_id else None
    last = [-1]

    def progress(pct: int) -> None:
        if pct >= last[0] + 2:  # a write every 2 % is plenty for a progress bar
            last[0] = pct
            RosterImport.objects.filter(pk=job_id).update(progress=pct)

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
        import logging

        logging.getLogger(__name__).exception("roster import %s failed", job_id)
        report = ImportReport(
            file_name=job.file_name, dry_run=dry_run, message="导入时发生内部错误，未导入任何数据，请联系管理员"
        )
    for name, value in _report_fields(report).items():
        setattr(job, name, value)
    job.status = _report_status(report)
    job.progress = 100
    job.finished_at = timezone.now()
    _attach_error_report(job, report)
    if job.status != Status.CHECKED:
        remove_upload(job)  # done, rejected or failed: the personal data goes
    job.save()
    return job
