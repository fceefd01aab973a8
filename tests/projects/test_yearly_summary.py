"""The one-page yearly report material (述职) for a branch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects import services

pytestmark = pytest.mark.django_db


def test_the_summary_shows_the_project_its_milestones_and_key_tasks(make_project, secretary_a, branch_a, town):
    project = make_project(name="高峰村河道综合整治")
    services.milestone_create(project=project, title="河道清淤", planned_on=dt.date(2026, 5, 1), weight=3)
    done = services.milestone_create(project=project, title="编制方案", planned_on=dt.date(2026, 3, 20))
    services.milestone_complete(milestone=done, done_on=dt.date(2026, 3, 18))
    services.key_task_save(
        branch=town,
        year=2026,
        number=7,
        title="五水共治",
        leader="施鹤峰",
        unit=branch_a,
        targets={1: "方案", 2: "清淤"},
    )
    r = secretary_a.get(reverse("projects:yearly-summary", args=[branch_a.pk]), {"year": 2026})
    assert r.status_code == 200
    page = r.content.decode()
    for text in ("高峰村河道综合整治", "编制方案", "2026-03-18", "河道清淤", "逾期未完成", "7. 五水共治", "述职材料"):
        assert text in page, text


def test_the_summary_is_scoped(secretary_b, branch_a):
    assert secretary_b.get(reverse("projects:yearly-summary", args=[branch_a.pk])).status_code == 404


@pytest.fixture
def theme_days_and_members_meetings(branch_a):
    """The town's rules cut to two: a 主题党日 a month and a 党员大会 a quarter."""
    from meetings.models import MeetingRule, MeetingType
    from tests.meetings.conftest import ensure_town_rules

    ensure_town_rules()
    MeetingRule.objects.exclude(meeting_type__code__in=["theme_day", "members"]).delete()
    return {t.code: t for t in MeetingType.objects.all()}


def _log(branch, day, *types):
    from meetings.services import meeting_create

    meeting_create(branch=branch, types=list(types), held_on=day, place="村党群服务中心", topic="学习", host="王书记")


def test_the_summary_shows_the_years_meeting_compliance(secretary_a, branch_a, theme_days_and_members_meetings):
    t = theme_days_and_members_meetings
    for month in (1, 2, 4, 5, 6, 7, 8, 9, 10):  # no 主题党日 in March, November or December
        _log(branch_a, dt.date(2025, month, 12), t["theme_day"])
    for day in (dt.date(2025, 2, 12), dt.date(2025, 6, 30), dt.date(2025, 12, 31)):  # no 党员大会 in Q3
        _log(branch_a, day, t["members"])

    page = secretary_a.get(reverse("projects:yearly-summary", args=[branch_a.pk]), {"year": 2025}).content.decode()
    assert "二、三会一课完成情况" in page
    # 12 months + 4 quarters ended; 9 + 3 held on time.
    assert "按时召开 12 个周期，逾期未召开 4 个，完成率 75.0%" in page
    assert "3月、11月、12月" in page and "第3季度" in page


def test_a_running_period_is_due_not_missed(branch_a, theme_days_and_members_meetings):
    from projects.summary import meetings_year

    _log(branch_a, dt.date(2026, 2, 3), theme_days_and_members_meetings["theme_day"])
    year = meetings_year(branch=branch_a, year=2026, on=dt.date(2026, 5, 10))
    lines = {line.meeting_type: line for line in year.lines}
    theme = lines["主题党日"]
    assert (theme.periods, theme.held, theme.due, theme.overdue) == (5, 1, 1, ["1月", "3月", "4月"])
    members = lines["党员大会"]
    assert (members.periods, members.held, members.due, members.overdue) == (2, 0, 1, ["第1季度"])
    assert (year.held, year.overdue, year.percent) == (1, 4, 20.0)


def test_a_branch_with_no_rule_that_applies_says_so(secretary_a, branch_a, theme_days_and_members_meetings):
    from meetings.models import MeetingRule

    MeetingRule.objects.all().delete()
    page = secretary_a.get(reverse("projects:yearly-summary", args=[branch_a.pk]), {"year": 2025}).content.decode()
    assert "本年度没有适用于本组织的三会一课制度" in page
