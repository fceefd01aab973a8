"""Two imports of the same 20,000-row file at once on PostgreSQL: one wins, the other ends clean.

Both are held at their COPY by a SHARE lock this test keeps on the members table
until both have checked the file against the same empty roster and are waiting to
write: then the race is certain, not left to timing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse

from members.models import Member, RosterImport
from members.roster import roster_import_job_run
from tests.reliability.rosters import people_csv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = int(os.environ.get("CONCURRENT_IMPORT_ROWS", "20000"))
ROOT = Path(__file__).resolve().parents[2]
LOSER_SAYS = "名册已被他人修改，请重新导入"


def _database_url() -> str:
    d = connection.settings_dict
    return f"postgres://{d['USER']}:{d['PASSWORD'] or ''}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _writers_waiting() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the activity view is a snapshot taken once: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE 'COPY%%'"
        )
        return cursor.fetchone()[0]


class HeldWrites:
    """Keep the members table readable but not writable until ``n`` writers wait on it."""

    def __init__(self, n: int = 2):
        self.n = n

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Member._meta.db_table} IN SHARE MODE")
        return self

    def wait_for_writers(self, runs=(), seconds: float = 240) -> None:
        deadline = time.monotonic() + seconds
        while _writers_waiting() < self.n:
            ended = [run for run in runs if run.poll() is not None]
            assert not ended, [run.communicate() for run in ended]
            assert time.monotonic() < deadline, "the imports never reached their write"
            time.sleep(0.1)

    def __exit__(self, *exc):
        self.atomic.__exit__(*exc)


def _terminate_other_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_two_import_commands_at_once_end_clean_with_one_refused(town_admin_user, branch_a, tmp_path):
    roster = tmp_path / "名册.csv"
    roster.write_bytes(people_csv(ROWS))
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_TASK_ALWAYS_EAGER": "1", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "manage.py", "import_members", str(roster)]
    with HeldWrites(2) as held:
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        held.wait_for_writers(runs)
    outcomes = [(run.wait(timeout=300), *run.communicate()) for run in runs]

    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 1], outcomes
    loser_out, loser_err = next((out, err) for code, out, err in outcomes if code == 1)
    assert LOSER_SAYS in loser_err
    assert "Traceback" not in loser_err and "psycopg2" not in loser_err
    assert Member.objects.filter(name__startswith="测试").count() == ROWS
    assert Member.objects.values("id_number").distinct().count() == Member.objects.count()
    jobs = RosterImport.objects.filter(source=RosterImport.Source.COMMAND).order_by("status")
    assert [j.status for j in jobs] == [RosterImport.Status.DONE, RosterImport.Status.FAILED]
    failed = jobs.get(status=RosterImport.Status.FAILED)
    assert failed.message.startswith(LOSER_SAYS) and failed.created_count == 0


def test_two_page_imports_at_once_end_clean_with_one_refused(town_admin, town_admin_user, branch_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    data = people_csv(ROWS)
    jobs = []
    for _ in range(2):
        job = RosterImport(uploaded_by=town_admin_user, file_name="名册.csv", status=RosterImport.Status.QUEUED)
        job.file.save("upload.csv", ContentFile(data), save=True)
        jobs.append(job)

    def run(job_id):
        try:
            roster_import_job_run(job_id=job_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
    try:
        with HeldWrites(2) as held:
            for thread in threads:
                thread.start()
            held.wait_for_writers()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        _terminate_other_connections()

    for job in jobs:
        job.refresh_from_db()
    assert sorted(j.status for j in jobs) == [RosterImport.Status.DONE, RosterImport.Status.FAILED]
    loser = next(j for j in jobs if j.status == RosterImport.Status.FAILED)
    assert loser.message.startswith(LOSER_SAYS) and not loser.file
    state = town_admin.get(reverse("members:roster-import-progress", args=[loser.pk])).json()
    assert state["running"] is False and state["message"].startswith(LOSER_SAYS)
    assert Member.objects.filter(name__startswith="测试").count() == ROWS
