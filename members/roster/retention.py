"""Retention: uploaded rosters and error reports hold personal data and are not kept for long."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .jobs import remove_upload

# Uploaded rosters hold every member's personal data: a checked file that nobody
# confirms, and the error reports (the bad rows in full), are not kept for long.
UNCONFIRMED_KEPT = dt.timedelta(days=1)
ERROR_REPORTS_KEPT = dt.timedelta(days=7)


def roster_imports_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Expire checked-but-unconfirmed jobs and drop old error reports. Returns (expired, reports removed).

    Each job is claimed by a conditional update, so two runs at once do the work once.
    """
    from ..models import RosterImport

    now = now or timezone.now()
    expired = 0
    stale = RosterImport.objects.filter(status=RosterImport.Status.CHECKED, finished_at__lt=now - UNCONFIRMED_KEPT)
    for job in stale:
        if RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED).update(
            status=RosterImport.Status.EXPIRED
        ):
            remove_upload(job)
            RosterImport.objects.filter(pk=job.pk).update(file="")
            expired += 1
    reports = 0
    for job in RosterImport.objects.exclude(error_report="").filter(finished_at__lt=now - ERROR_REPORTS_KEPT):
        if RosterImport.objects.filter(pk=job.pk, error_report=job.error_report.name).update(error_report=""):
            job.error_report.delete(save=False)
            reports += 1
    return expired, reports
