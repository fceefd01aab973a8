"""A 七个一 fixture checked 需整改 opens a rectification item for the site's unit; checked 达标 again, it closes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import services, tasks
from assessment.models import Rectification
from disclosure.sites import fixture_check_record, site_create
from notices.models import Flag
from tests.concurrently import at_once

S = Rectification.Status
TODAY = dt.date(2026, 7, 10)


def _at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 7, day, hour))


@pytest.fixture
def board(branch_a):
    site = site_create(branch=branch_a, name="高峰村党群服务中心", slug="gaofeng")
    return site.fixtures.get(kind="board")


def test_a_fixture_needing_fixing_opens_one_item_for_the_unit_and_closes_when_it_meets_again(
    board, branch_a, area_head_user, secretary_a, secretary_a_user
):
    fixture_check_record(fixture=board, result="needs_fixing", note="公开栏玻璃破损", by=area_head_user, at=_at(8))

    result = services.rectifications_sync_fixtures(today=TODAY)
    assert result.opened == 1
    rect = Rectification.objects.get(source=Rectification.Source.FIXTURE)
    assert rect.branch == branch_a and rect.status == S.OPEN
    assert "一栏（党务公开栏）" in rect.finding and "高峰村党群服务中心" in rect.finding
    assert rect.deadline == TODAY + dt.timedelta(days=services.DEFAULT_DEADLINE_DAYS)
    assert rect.opened_by == area_head_user

    # The next day's run opens nothing more, and a second check that still finds it broken neither.
    fixture_check_record(fixture=board, result="needs_fixing", note="仍未修复", by=area_head_user, at=_at(9))
    assert services.rectifications_sync_fixtures(today=TODAY).opened == 0
    assert Rectification.objects.filter(source=Rectification.Source.FIXTURE).count() == 1

    # The secretary answers it as any other item; the page shows it.
    secretary_a.post(
        reverse("assessment:rectification-act", args=[rect.pk]),
        {"action": "explain", "cause": "台风损坏", "measures": "更换钢化玻璃"},
    )
    rect.refresh_from_db()
    assert rect.status == S.EXPLAINED
    assert "公开栏设施" in secretary_a.get(reverse("assessment:rectification-detail", args=[rect.pk])).content.decode()

    # Checked 达标 again: the next run closes it.
    fixture_check_record(fixture=board, result="meets", by=area_head_user, at=_at(12))
    result = services.rectifications_sync_fixtures(today=TODAY)
    assert (result.opened, result.closed) == (0, 1)
    rect.refresh_from_db()
    assert rect.status == S.VERIFIED and rect.verified_at is not None and rect.fixed_at is not None
    assert [e.action for e in rect.events.all()] == ["open", "explain", "fixture_ok"]
    assert services.rectifications_sync_fixtures(today=TODAY) == services.FixtureSync(0, 0)

    # Broken again later: a new item.
    fixture_check_record(fixture=board, result="needs_fixing", note="党务公开内容过期", by=area_head_user, at=_at(20))
    assert services.rectifications_sync_fixtures(today=TODAY).opened == 1
    assert Rectification.objects.filter(source=Rectification.Source.FIXTURE, status=S.OPEN).count() == 1


def test_an_item_the_inspector_verified_stays_closed_until_a_newer_check(board, area_head_user, secretary_a_user):
    fixture_check_record(fixture=board, result="needs_fixing", note="党旗褪色", by=area_head_user, at=_at(8))
    services.rectifications_sync_fixtures(today=TODAY)
    rect = Rectification.objects.get(source=Rectification.Source.FIXTURE)
    services.rectification_explain(rectification=rect, by=secretary_a_user, cause="日晒", measures="更换")
    services.rectification_fix(rectification=rect, by=secretary_a_user, result="已更换")
    services.rectification_verify(rectification=rect, by=area_head_user, note="现场核实")
    # The board still shows the old 需整改 check: no new item for the same episode.
    assert services.rectifications_sync_fixtures(today=TODAY) == services.FixtureSync(0, 0)
    fixture_check_record(fixture=board, result="needs_fixing", note="又褪色", by=area_head_user, at=_at(25))
    assert services.rectifications_sync_fixtures(today=TODAY).opened == 1


def test_the_daily_task_opens_fixture_items_and_flags_them_once_overdue(board, branch_a, area_head_user):
    fixture_check_record(fixture=board, result="needs_fixing", note="档案柜缺锁", by=area_head_user, at=_at(1))
    tasks.rectifications_flag_overdue()
    rect = Rectification.objects.get(source=Rectification.Source.FIXTURE)
    _fixtures, flags = services.rectifications_daily(today=rect.deadline + dt.timedelta(days=1))
    assert flags.opened == 1
    assert Flag.objects.filter(kind="rectification_overdue", branch=branch_a, subject=f"rectification:{rect.pk}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_daily_runs_at_once_open_each_item_once(town, area, branch_a, area_head_user):
    from tests.factories import BranchFactory

    fixtures = []
    for i, branch in enumerate([branch_a] + [BranchFactory(parent=town, area=area) for _ in range(5)]):
        site = site_create(branch=branch, name=f"阵地{i}", slug=f"site-{i}")
        for fixture in site.fixtures.filter(kind__in=["flag", "board"]):
            fixture_check_record(fixture=fixture, result="needs_fixing", note="需更新", by=area_head_user, at=_at(3))
            fixtures.append(fixture)

    results = at_once(lambda: services.rectifications_sync_fixtures(today=TODAY))

    assert sum(r.opened for r in results) == 12
    assert Rectification.objects.filter(source=Rectification.Source.FIXTURE).count() == 12
    assert all(r.events.count() == 1 for r in Rectification.objects.filter(source=Rectification.Source.FIXTURE))

    for fixture in fixtures:
        fixture_check_record(fixture=fixture, result="meets", by=area_head_user, at=_at(6))
    results = at_once(lambda: services.rectifications_sync_fixtures(today=TODAY))
    assert sum(r.closed for r in results) == 12
    assert not Rectification.objects.filter(source=Rectification.Source.FIXTURE).exclude(status=S.VERIFIED).exists()
    assert all(r.events.count() == 2 for r in Rectification.objects.filter(source=Rectification.Source.FIXTURE))
