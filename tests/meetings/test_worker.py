"""The beat's meetings tasks through a real Celery worker on Redis and PostgreSQL: the overdue pass, and every
branch's compliance figures counted and kept in the cache the web reads."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from notices.models import Flag

ROOT = Path(__file__).resolve().parents[2]


def _start_worker() -> subprocess.Popen:
    """``celery worker`` on this test's database, broker and queue, and the cache this process reads."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "SECRET_KEY": "a-test-worker-key-that-is-long-enough-for-the-settings-check-2018",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "gaoqiao", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
    )


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_task_runs_on_a_real_worker(branch_a, secretary_a_user, only_rule):
    from meetings.tasks import flag_overdue_meetings

    rule = only_rule("theme_day")
    rule.valid_from = dt.date(2026, 9, 1)
    rule.save()
    worker = _start_worker()
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


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_figures_count_runs_on_a_real_worker_and_keeps_them_where_the_web_reads(town, branch_a, branch_b, types):
    from branches.models import Branch
    from meetings import figures_cache
    from meetings.tasks import count_compliance_figures

    figures_cache.forget_figures()  # a rule changed: every branch's figures dropped
    today = timezone.localdate()
    kept = f"meetings:figures:v{figures_cache.FIGURES_VERSION}:matrix:{today:%Y}:{today:%Y%m%d}:{branch_a.pk}"
    assert cache.get(kept) is None
    worker = _start_worker()
    try:
        result = count_compliance_figures.apply_async().get(timeout=120)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert result["branches"] == Branch.objects.count() and result["towns"] == 1 and result["day"] == f"{today}"
    generation, own, _figures = cache.get(kept)  # counted by the worker, under the generations the web reads
    assert generation == cache.get(figures_cache.GENERATION_KEY)
    assert own == cache.get(figures_cache.branch_generation_key(branch_a.pk))
    assert cache.get(figures_cache.RECOUNT_PENDING_KEY) is None
