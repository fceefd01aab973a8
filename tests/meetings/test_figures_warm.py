"""Every branch's compliance figures counted again by the worker (meetings.tasks.count_compliance_figures):
once a shared change commits (a rule, meeting type, branch, party group or area) and daily from beat.

Which branches were counted is seen by the meetings they read (``meeting_type_links``, the one query every
count of meetings goes through), as in test_figures_per_branch.py. The task is caught where it is sent
(``apply_async``); its body is then run here, as the worker would.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assessment import dashboard
from branches.models import Branch
from gaoqiao.celery import app
from meetings import figures_cache, warm
from meetings.models import MeetingRule
from meetings.tasks import count_compliance_figures
from tests.factories import BranchFactory, PartyGroupFactory

TASK = "meetings.tasks.count_compliance_figures"
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def eager(value: bool):
    """Celery's own switch (read from the CELERY_ settings), set for the block."""
    saved = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = value
    try:
        yield
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = saved


@pytest.fixture
def worker_there(settings):
    """A broker and a worker: tasks are sent, not run in the web process; a shared change asks for a count."""
    settings.MEETINGS_RECOUNT_ON_CHANGE = True
    with eager(False):
        yield


@pytest.fixture
def sent(monkeypatch):
    """The count_compliance_figures tasks sent (their apply_async options), none reaching a broker."""
    calls: list[dict] = []
    task = app.tasks[TASK]
    monkeypatch.setattr(type(task), "apply_async", lambda self, *args, **options: calls.append(options))
    return calls


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit() as callbacks:`` what the block changes is committed when it ends: its on-commit
    callbacks run, as a transaction of its own would run them."""

    @contextmanager
    def block():
        # The test's fixtures were saved in the test's transaction, which never commits: this block is
        # taken as a transaction of its own, so its first shared change asks for the count again.
        figures_cache._sending.added = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


@pytest.fixture
def two_towns(town, area, branch_a, branch_b, group_a, log, types):
    """The town (three branches, one with party groups, one in no area), another town with a branch of its
    own, under no district, and a committee of no town; meetings in some."""
    branch_c = BranchFactory(parent=town, name="新村党支部", area=area)
    group_c = PartyGroupFactory(branch=branch_c, name="第二党小组")
    other = BranchFactory(code="DX", name="中共东溪镇委员会", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)
    branch_d = BranchFactory(parent=other, name="东溪村党支部")
    stray = BranchFactory(code="QT", name="区直机关党委", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.ORGAN)
    today = timezone.localdate()
    log(branch_a, today.replace(day=1), "theme_day", "members")
    log(branch_c, today.replace(day=1), "party_group", group=group_c)
    log(branch_d, today.replace(day=1), "theme_day")
    return {"town": town, "other": other, "stray": stray, "branches": [branch_a, branch_b, branch_c, branch_d]}


def _change_a_rule(count: int = 2) -> None:
    rule = MeetingRule.objects.get(meeting_type__code="theme_day")
    rule.count = count
    rule.save()


def test_a_shared_change_sends_the_task_once_when_it_commits(worker_there, sent, commit, area, branch_a, types):
    with commit() as callbacks:
        _change_a_rule(2)
        _change_a_rule(3)
        branch_a.name = "高峰村第一党支部"
        branch_a.save()
        area.name = "东部片区"
        area.save()
        assert sent == []  # nothing before the commit
    assert [c for c in callbacks if c is figures_cache.send_recount] == [figures_cache.send_recount]
    assert sent == [
        {"countdown": figures_cache.RECOUNT_DELAY, "retry": True, "retry_policy": figures_cache.SEND_RETRY_POLICY}
    ]


def test_one_task_for_a_burst_of_commits_until_it_starts(worker_there, sent, commit, branch_a, types):
    for name in ("一", "二", "三"):  # three transactions, as a bulk writer committing each save would
        with commit():
            branch_a.name = f"高峰村第{name}党支部"
            branch_a.save()
    assert len(sent) == 1
    assert cache.get(figures_cache.RECOUNT_PENDING_KEY) is not None  # other processes see it asked

    count_compliance_figures()  # the worker starts it
    assert cache.get(figures_cache.RECOUNT_PENDING_KEY) is None
    with commit():
        _change_a_rule()  # changed after it started: counted again by another task
    assert len(sent) == 2


def test_the_task_counts_every_branch_of_every_town_and_the_next_views_count_nothing(
    worker_there, sent, commit, two_towns, town_admin, town_admin_user, secretary_a, counted
):
    town, other = two_towns["town"], two_towns["other"]
    assert dashboard.recount_units in figures_cache._overview_recounts  # the dashboard's units, kept per town
    everything = {b.pk for b in Branch.objects.all()}
    views = [
        (town_admin, reverse("meetings:compliance")),
        (town_admin, reverse("api:compliance-list")),
        (secretary_a, reverse("meetings:branch", args=[two_towns["branches"][0].pk])),
        (town_admin, reverse("assessment:dashboard")),
    ]
    for client, url in views:
        assert client.get(url).status_code == 200
    counted()
    with commit():
        _change_a_rule()  # every branch's figures dropped
    assert len(sent) == 1

    result = count_compliance_figures()  # the worker runs it
    assert counted() == everything
    assert result["branches"] == len(everything) and result["towns"] == 2
    assert result["day"] == timezone.localdate().isoformat() and result["seconds"] >= 0
    assert _kept(f"assessment-town-units:{town.pk}") and _kept(f"assessment-town-units:{other.pk}")

    for client, url in views:
        assert client.get(url).status_code == 200
    assert counted() == set()  # no view counts: the worker did


def _kept(name: str) -> bool:
    """Whether ``cached_figures(name, …)`` is kept under the current shared generation (read, not counted)."""
    found = cache.get(f"meetings:figures:v{figures_cache.FIGURES_VERSION}:{name}")
    return found is not None and found[0] == cache.get(figures_cache.GENERATION_KEY)


def test_the_task_counts_a_town_at_a_time(two_towns, monkeypatch):
    chunks: list[list[int]] = []
    monkeypatch.setattr(warm, "recount_branches", lambda ids, today: chunks.append(list(ids)))
    count_compliance_figures()

    def tree(town):
        return sorted(Branch.objects.filter(path__startswith=town.path).values_list("pk", flat=True))

    assert sorted(map(sorted, chunks)) == sorted(
        [tree(two_towns["town"]), tree(two_towns["other"]), [two_towns["stray"].pk]]
    )
    # Branches of no town, a few at a time: never more than ``size`` in one count.
    for pk in range(3):
        BranchFactory(code=f"QT-{pk}", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.ORGAN)
    rest = [ids for town, ids in warm.town_chunks(size=2) if town is None]
    assert [len(ids) for ids in rest] == [2, 2]


def test_a_broker_down_is_logged_and_the_change_stands(worker_there, commit, branch_a, types, caplog):
    from kombu import pools

    def reset_pools():
        pools.reset()  # kombu's producer pools, keyed by connection: the next send connects afresh
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.CELERY_BROKER_URL
    app.conf.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    reset_pools()
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="meetings.figures_cache"), commit():
            _change_a_rule(4)
        assert time.monotonic() - started < 10  # the write does not wait long for it
    finally:
        app.conf.CELERY_BROKER_URL = saved
        reset_pools()
    assert "the broker is unavailable" in caplog.text
    assert MeetingRule.objects.get(meeting_type__code="theme_day").count == 4


def test_no_task_when_tasks_run_eagerly_or_it_is_off(settings, sent, commit, branch_a, types):
    settings.MEETINGS_RECOUNT_ON_CHANGE = True
    with eager(True), commit() as callbacks:
        _change_a_rule()  # no worker: the next view counts, as it would without the task
    assert sent == [] and figures_cache.send_recount not in callbacks

    settings.MEETINGS_RECOUNT_ON_CHANGE = False
    with eager(False), commit() as callbacks:
        _change_a_rule(3)
    assert sent == [] and figures_cache.send_recount not in callbacks


@pytest.mark.parametrize(("redis_url", "expected"), [("redis://127.0.0.1:6379/0", "True False"), ("", "False True")])
def test_the_default_follows_whether_tasks_run_eagerly(redis_url, expected):
    """With a broker the worker counts (tasks are sent); without one (a laptop) tasks run eagerly and a
    change never counts the whole tree inside the write. (The tests turn it off unless a test means it.)"""
    env = {k: v for k, v in os.environ.items() if k not in ("MEETINGS_RECOUNT_ON_CHANGE", "CELERY_TASK_ALWAYS_EAGER")}
    env.update(REDIS_URL=redis_url, DEBUG="1", DJANGO_SETTINGS_MODULE="gaoqiao.settings")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.MEETINGS_RECOUNT_ON_CHANGE, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[-2] == expected


def test_beat_counts_the_figures_just_after_midnight():
    entry = django_settings.CELERY_BEAT_SCHEDULE["meetings-count-compliance-figures"]
    assert entry["task"] == TASK and TASK in app.tasks
    assert entry["schedule"] == crontab(hour=0, minute=2)


def _seconds_left(key: str) -> float:
    key = cache.make_and_validate_key(key)
    if hasattr(cache, "_expire_info"):  # in memory, on a laptop
        return cache._expire_info[key] - time.time()
    return cache._cache.get_client(key).ttl(key)  # Redis


def test_the_figures_outlive_the_night(branch_a, types, town_admin):
    """Kept until the next day's are counted (beat, 00:02): the generations, not the expiry, keep them true."""
    assert town_admin.get(reverse("meetings:compliance")).status_code == 200
    key = f"meetings:figures:v{figures_cache.FIGURES_VERSION}:matrix:{timezone.localdate():%Y}:"
    key += f"{timezone.localdate():%Y%m%d}:{branch_a.pk}"
    assert cache.get(key) is not None
    assert _seconds_left(key) > 24 * 60 * 60
