"""The overdue pass as the beat runs it: the task through a real Celery worker on Redis and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from notices.models import Flag

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_task_runs_on_a_real_worker(branch_a, secretary_a_user, only_rule):
    from meetings.tasks import flag_overdue_meetings

    rule = only_rule("theme_day")
    rule.valid_from = dt.date(2026, 9, 1)
    rule.save()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "SECRET_KEY": "a-test-worker-key-that-is-long-enough-for-the-settings-check-2018",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "gaoqiao", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
    )
    try:
        result = flag_overdue_meetings.apply_async(args=["2026-11-03"]).get(timeout=120)
        assert result["overdue"] == 2 and result["opened"] == 2
        assert set(Flag.objects.filter(kind="meeting_overdue").values_list("period", flat=True)) == {
            "2026-09",
            "2026-10",
        }
        again = flag_overdue_meetings.apply_async(args=["2026-11-03"]).get(timeout=120)
        assert again["opened"] == 0 and Flag.objects.count() == 2
    finally:
        worker.terminate()
        worker.wait(timeout=30)
