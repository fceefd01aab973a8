"""The dashboard's units and meeting compliance come from the cache, and never outlive a change they count."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import dashboard
from meetings import figures_cache
from meetings.models import MeetingRule, MeetingType
from tests.factories import BranchFactory

from .conftest import held

AUGUST_15 = dt.date(2026, 8, 15)  # July has ended and is judged; August still runs and is not


def _glance(user, town):
    """The glance, and whether it counted compliance (read meetings) rather than taking it from the cache."""
    with CaptureQueriesContext(connection) as ctx:
        glance = dashboard.town_glance(user, town, today=AUGUST_15)
    return glance, any("meetings_" in q["sql"] for q in ctx.captured_queries)


def test_the_figures_are_counted_once_and_kept(town, area, branch_a, branch_b, theme_day_only, town_admin_user):
    held(branch_a, dt.date(2026, 7, 3), theme_day_only)
    first, counted = _glance(town_admin_user, town)
    assert counted and (first.units, first.compliance) == (2, 50.0)

    with CaptureQueriesContext(connection) as ctx:
        again, counted = _glance(town_admin_user, town)
    assert not counted and (again.units, again.compliance, again.compliance_by_area) == (
        2,
        50.0,
        [("东片区", 100.0), ("片区外", 0.0)],
    )
    assert not any("branches_area" in q["sql"] for q in ctx.captured_queries)  # nor the units with their areas
    # Another day is another count: July's periods are judged as of the day.
    assert dashboard.town_glance(town_admin_user, town, today=AUGUST_15 + dt.timedelta(days=1)).compliance == 50.0


def _recounted(user, town):
    """The glance after a change: it must have counted again, not served the figures from before."""
    glance, counted = _glance(user, town)
    assert counted
    return glance


def test_every_change_to_what_compliance_counts_is_seen_at_once(
    town, area, branch_a, branch_b, theme_day_only, town_admin_user
):
    assert _glance(town_admin_user, town)[0].compliance == 0.0

    meeting = held(branch_b, dt.date(2026, 7, 20), theme_day_only)  # a meeting logged
    assert _recounted(town_admin_user, town).compliance == 50.0

    other = MeetingType.objects.exclude(pk=theme_day_only.pk).first()
    meeting.types.set([other])  # its types changed: no longer a 主题党日
    assert _recounted(town_admin_user, town).compliance == 0.0
    meeting.types.set([theme_day_only])
    assert _recounted(town_admin_user, town).compliance == 50.0

    meeting.delete()  # a meeting removed
    assert _recounted(town_admin_user, town).compliance == 0.0

    held(branch_a, dt.date(2026, 7, 3), theme_day_only)
    assert _recounted(town_admin_user, town).compliance == 50.0
    branch_b.refresh_from_db()
    branch_b.is_active = False  # a unit dissolved: no longer assessed
    branch_b.save()
    glance = _recounted(town_admin_user, town)
    assert (glance.units, glance.compliance) == (1, 100.0)

    BranchFactory(parent=town, area=area, name="新村党支部")  # a unit added
    assert _recounted(town_admin_user, town).units == 2

    area.name = "东部片区"  # an area renamed
    area.save()
    assert [name for name, _p in _recounted(town_admin_user, town).compliance_by_area] == ["东部片区"]

    MeetingRule.objects.all().delete()  # the town's rules changed: nothing is owed
    assert _recounted(town_admin_user, town).compliance is None


def test_figures_counted_before_a_change_commits_are_dropped_when_it_does(
    town, area, branch_a, branch_b, theme_day_only, town_admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as on_commit:
        held(branch_a, dt.date(2026, 7, 3), theme_day_only)
        # Another request counts now, before the meeting is committed (here it sees it; in production it
        # would not), and keeps its figures under the generation of the moment.
        stale, counted = _glance(town_admin_user, town)
        assert counted and not _glance(town_admin_user, town)[1]
    assert on_commit  # the change renews the generation once more when it commits
    for callback in on_commit:
        callback()
    assert _glance(town_admin_user, town)[1]  # counted afresh


def test_the_glance_counts_without_a_cache(
    monkeypatch, town, area, branch_a, branch_b, theme_day_only, town_admin_user
):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "get_many", "set", "set_many", "add"):
        monkeypatch.setattr(figures_cache.cache, method, down)
    held(branch_a, dt.date(2026, 7, 3), theme_day_only)  # renewing the generation fails quietly too
    for _ in range(2):
        glance, counted = _glance(town_admin_user, town)
        assert counted and glance.compliance == 50.0
