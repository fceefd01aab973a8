import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from members.models import RosterImport
from members.roster import roster_imports_expire
from members.tasks import roster_imports_expire as expire_task
from tests.concurrently import at_once


def _job(status, finished_days_ago, *, with_report=False):
    job = RosterImport.objects.create(
        file_name="名册.xlsx", status=status, finished_at=timezone.now() - dt.timedelta(days=finished_days_ago)
    )
    job.file.save("upload.xlsx", ContentFile(b"PK data"), save=True)
    if with_report:
        job.error_report.save("report.xlsx", ContentFile(b"PK report"), save=True)
    return job


def test_unconfirmed_upload_expires_after_a_day_and_its_file_goes(db):
    old = _job(RosterImport.Status.CHECKED, 2)
    fresh = _job(RosterImport.Status.CHECKED, 0)
    path = old.file.path
    assert roster_imports_expire() == (1, 0)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == RosterImport.Status.EXPIRED and not old.file
    assert not os.path.exists(path)
    assert fresh.status == RosterImport.Status.CHECKED and fresh.file


def test_error_reports_go_after_a_week(db):
    old = _job(RosterImport.Status.REJECTED, 8, with_report=True)
    recent = _job(RosterImport.Status.REJECTED, 3, with_report=True)
    assert roster_imports_expire() == (0, 1)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.error_report and recent.error_report


def test_running_it_twice_changes_nothing_more(db):
    _job(RosterImport.Status.CHECKED, 2)
    expire_task.apply()  # the beat task, run here whatever the broker
    assert roster_imports_expire() == (0, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_expire_each_job_once():
    stale = [_job(RosterImport.Status.CHECKED, 2, with_report=False) for _ in range(5)]
    old_reports = [_job(RosterImport.Status.REJECTED, 8, with_report=True) for _ in range(5)]

    results = at_once(roster_imports_expire)

    assert sum(expired for expired, _ in results) == 5
    assert sum(reports for _, reports in results) == 5
    assert RosterImport.objects.filter(pk__in=[j.pk for j in stale], status=RosterImport.Status.EXPIRED).count() == 5
    assert not RosterImport.objects.filter(pk__in=[j.pk for j in old_reports]).exclude(error_report="").exists()
