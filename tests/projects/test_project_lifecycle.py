"""A secretary drives a project from start to done on the real pages; a missed milestone is flagged and closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from notices.models import Flag, Notice
from projects.delays import KEY_TASK_LATE, MILESTONE_LATE, projects_flag_delays
from projects.models import Milestone, Project, Status
from projects.services import progress_of, status_of

pytestmark = pytest.mark.django_db


def _freeze(monkeypatch, day: dt.date):
    """Pin "today" for the services, views and selectors (they read timezone.localdate)."""
    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "localdate", lambda *a, **k: day)


def test_secretary_drives_a_project_from_start_to_done(monkeypatch, secretary_a, member_a, branch_a):
    _freeze(monkeypatch, dt.date(2026, 2, 20))
    response = secretary_a.post(
        reverse("projects:create"),
        {
            "branch": branch_a.pk,
            "lead": member_a.officer_posts.first().member_id if member_a.officer_posts.exists() else "",
            "name": "高峰村美丽庭院创建",
            "category": "environment",
            "goal": "创建美丽庭院 120 户",
            "budget": "35.5",
            "starts_on": "2026-03-01",
            "ends_on": "2026-10-31",
        },
    )
    # member_a holds no post: the lead must be one of the branch's officers in office.
    assert response.status_code == 200 and "lead" in response.context["form"].errors

    lead = secretary_a.get(reverse("projects:create")).context["form"].fields["lead"].queryset.get()
    response = secretary_a.post(
        reverse("projects:create"),
        {
            "branch": branch_a.pk,
            "lead": lead.pk,
            "name": "高峰村美丽庭院创建",
            "category": "environment",
            "goal": "创建美丽庭院 120 户",
            "budget": "35.5",
            "starts_on": "2026-03-01",
            "ends_on": "2026-10-31",
        },
    )
    project = Project.objects.get(name="高峰村美丽庭院创建")
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.status == Status.NOT_STARTED and project.percent == 0

    for title, weight, planned in (
        ("入户摸底", 1, "2026-03-31"),
        ("庭院改造", 3, "2026-07-31"),
        ("评选验收", 1, "2026-10-15"),
    ):
        r = secretary_a.post(
            reverse("projects:milestone-add", args=[project.pk]),
            {"title": title, "weight": weight, "planned_on": planned},
        )
        assert r.status_code == 302, r.content.decode()
    # A milestone outside the project's dates is refused with the reason on its field.
    r = secretary_a.post(
        reverse("projects:milestone-add", args=[project.pk]), {"title": "太晚", "weight": 1, "planned_on": "2027-01-10"}
    )
    assert r.status_code == 400 and "计划完成日期须在项目起止日期之间" in r.content.decode()

    _freeze(monkeypatch, dt.date(2026, 3, 25))
    first, second, third = project.milestones.order_by("planned_on")
    secretary_a.post(reverse("projects:milestone-done", args=[first.pk]))
    project.refresh_from_db()
    assert (project.status, project.percent) == (Status.ON_TRACK, 20)  # weight 1 of 5

    # The monthly report, on the phone.
    r = secretary_a.post(
        reverse("projects:report", args=[project.pk]),
        {"month": "2026-03", "done": "完成 118 户入户摸底", "problems": "部分农户外出", "next_steps": "4 月启动改造"},
    )
    assert r.status_code == 302
    assert project.reports.get().month == dt.date(2026, 3, 1)

    _freeze(monkeypatch, dt.date(2026, 10, 20))
    secretary_a.post(reverse("projects:milestone-done", args=[second.pk]))
    project.refresh_from_db()
    assert (project.status, project.percent) == (Status.BEHIND, 80)  # 评选验收 was due on 10-15
    secretary_a.post(reverse("projects:milestone-done", args=[third.pk]))
    project.refresh_from_db()
    assert (project.status, project.percent) == (Status.DONE, 100)

    page = secretary_a.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "已完成" in page and "100%" in page and "完成 118 户入户摸底" in page


def test_a_missed_milestone_is_flagged_told_once_and_closed_when_done(
    make_project, secretary_a_user, area_head_user, town
):
    project = make_project()
    from projects import services

    milestone = services.milestone_create(project=project, title="清淤施工", planned_on=dt.date(2026, 5, 31))

    projects_flag_delays(on=dt.date(2026, 5, 31))
    assert not Flag.objects.filter(kind=MILESTONE_LATE).exists()

    first = projects_flag_delays(on=dt.date(2026, 6, 2))
    again = projects_flag_delays(on=dt.date(2026, 6, 3))  # safe to run twice
    flag = Flag.objects.get(kind=MILESTONE_LATE)
    assert (first.milestones.opened, again.milestones.opened) == (1, 0)
    assert flag.is_open and flag.branch_id == project.branch_id and flag.period == "2026-05"
    assert "清淤施工" in flag.title and flag.url == reverse("projects:detail", args=[project.pk])
    project.refresh_from_db()
    assert project.status == Status.BEHIND
    told = set(Notice.objects.filter(key=f"flag:{flag.pk}").values_list("recipient__username", flat=True))
    assert told == {"secretary_a", "area_head"}

    services.milestone_complete(milestone=milestone, done_on=dt.date(2026, 6, 2))
    result = projects_flag_delays(on=dt.date(2026, 6, 4))
    flag.refresh_from_db()
    assert result.milestones.closed == 1 and not flag.is_open

    # And back: undone again, it is flagged again (the same flag reopens) and told no one twice.
    services.milestone_reopen(milestone=milestone)
    result = projects_flag_delays(on=dt.date(2026, 6, 5))
    flag.refresh_from_db()
    assert result.milestones.reopened == 1 and flag.is_open
    assert Flag.objects.filter(kind=MILESTONE_LATE).count() == 1
    assert Notice.objects.filter(key=f"flag:{flag.pk}").count() == 2


def test_a_dropped_project_is_not_flagged(make_project):
    from projects import services

    project = make_project()
    services.milestone_create(project=project, title="拆违", planned_on=dt.date(2026, 4, 1))
    projects_flag_delays(on=dt.date(2026, 5, 1))
    assert Flag.objects.filter(kind=MILESTONE_LATE, closed_at__isnull=True).count() == 1
    services.project_drop(project=project, reason="规划调整，项目并入区级工程")
    projects_flag_delays(on=dt.date(2026, 5, 2))
    assert not Flag.objects.filter(kind=MILESTONE_LATE, closed_at__isnull=True).exists()
    project.refresh_from_db()
    assert project.status == Status.DROPPED


def test_a_missed_monthly_target_is_flagged_to_the_responsible_unit(town, branch_a, secretary_a_user):
    from projects import services

    task = services.key_task_save(
        branch=town,
        year=2026,
        number=1,
        title="治危拆违",
        leader="张盈军",
        unit=branch_a,
        targets={3: "拆除违建 2000 平方米", 4: "拆除违建 4000 平方米"},
    )
    projects_flag_delays(on=dt.date(2026, 3, 31))
    assert not Flag.objects.filter(kind=KEY_TASK_LATE).exists()
    projects_flag_delays(on=dt.date(2026, 4, 1))
    flag = Flag.objects.get(kind=KEY_TASK_LATE)
    assert flag.branch_id == branch_a.pk and flag.period == "2026-03" and flag.is_open
    assert Notice.objects.filter(recipient=secretary_a_user, key=f"flag:{flag.pk}").exists()

    march = task.months.get(month=3)
    services.key_task_month_check(row=march, done=False, reason="雨季延误", on=dt.date(2026, 4, 2))
    projects_flag_delays(on=dt.date(2026, 4, 3))
    flag.refresh_from_db()
    assert flag.is_open  # marked late with a reason: still late
    services.key_task_month_check(row=march, done=True, evidence="验收单编号 GQ-2026-031", on=dt.date(2026, 4, 9))
    projects_flag_delays(on=dt.date(2026, 4, 10))
    flag.refresh_from_db()
    assert not flag.is_open


def test_the_command_runs_the_same_pass(make_project, capsys):
    from projects import services

    project = make_project()
    services.milestone_create(project=project, title="方案", planned_on=dt.date(2026, 3, 10))
    call_command("projects_flag_delays", "--on", "2026-04-01")
    assert "新增 1" in capsys.readouterr().out
    assert Flag.objects.filter(kind=MILESTONE_LATE, closed_at__isnull=True).count() == 1


def test_percent_rolls_up_from_weighted_milestones():
    ms = [Milestone(weight=2, done_on=dt.date(2026, 1, 1)), Milestone(weight=3), Milestone(weight=5)]
    assert progress_of(ms) == 20
    assert progress_of([]) == 0
    project = Project(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 6, 30), status=Status.ON_TRACK)
    assert status_of(project, [], dt.date(2026, 2, 1)) == Status.NOT_STARTED
    assert status_of(project, [], dt.date(2026, 7, 1)) == Status.BEHIND
