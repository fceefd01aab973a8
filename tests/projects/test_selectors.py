"""The progress figures the assessment reads, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import Branch
from projects import services
from projects.models import Status
from projects.selectors import key_task_progress_for, project_progress_for, wall_chart
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _branches_with_projects(town, n: int, start: int) -> list[Branch]:
    made = []
    for i in range(start, start + n):
        branch = BranchFactory(parent=town, code=f"P-{i}", name=f"第{i}村党支部")
        project = services.project_create(
            branch=branch,
            lead=MemberFactory(branch=branch),
            name=f"项目{i}",
            category="service",
            goal="为民办实事",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        m = services.milestone_create(project=project, title="一", planned_on=dt.date(2026, 2, 1), weight=1)
        services.milestone_create(project=project, title="二", planned_on=dt.date(2026, 11, 1), weight=1)
        services.milestone_complete(milestone=m, done_on=dt.date(2026, 1, 20))
        services.key_task_save(
            branch=town,
            year=2026,
            number=i,
            title=f"任务{i}",
            leader="领导",
            unit=branch,
            targets={1: "一月目标", 2: "二月目标", 12: "年末目标"},
        )
        made.append(branch)
    return made


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_progress_selectors_take_the_same_queries_at_two_sizes(town):
    small = _branches_with_projects(town, 2, 1)
    on = dt.date(2026, 3, 15)
    n_small = (
        _queries(lambda: project_progress_for(branches=small, on=on)),
        _queries(lambda: key_task_progress_for(year=2026, on=on)),
    )
    large = small + _branches_with_projects(town, 8, 3)
    n_large = (
        _queries(lambda: project_progress_for(branches=large, on=on)),
        _queries(lambda: key_task_progress_for(year=2026, on=on)),
    )
    assert n_small == n_large == (1, 1)

    progress = project_progress_for(branches=large, on=on)
    assert progress[large[0].pk].projects == 1 and progress[large[0].pk].percent == 50
    tasks = key_task_progress_for(year=2026, on=on, units=large)
    # January and February have ended; neither was reported: due 2, done 0, late 2.
    assert (tasks[large[0].pk].due, tasks[large[0].pk].done, tasks[large[0].pk].late) == (2, 0, 2)


def test_project_progress_counts_behind_done_and_dropped(make_project, branch_a, branch_b):
    p1 = make_project()
    services.milestone_create(project=p1, title="a", planned_on=dt.date(2026, 4, 1))
    services.project_drop(project=make_project(name="停了"), reason="资金未落实")
    from projects.delays import projects_flag_delays

    projects_flag_delays(on=dt.date(2026, 5, 1))
    row = project_progress_for(branches=[branch_a, branch_b], on=dt.date(2026, 5, 1))
    assert (row[branch_a.pk].projects, row[branch_a.pk].behind, row[branch_a.pk].dropped) == (2, 1, 1)
    assert row[branch_b.pk].projects == 0
    assert p1.__class__.objects.get(pk=p1.pk).status == Status.BEHIND


def test_wall_chart_rows_are_two_queries(town, town_admin_user):
    _branches_with_projects(town, 3, 1)
    with CaptureQueriesContext(connection) as ctx:
        rows = wall_chart(town_admin_user, year=2026, on=dt.date(2026, 1, 15))
    assert len(rows) == 3
    assert len([q for q in ctx.captured_queries if "projects_" in q["sql"]]) == 2
    colours = [c for _n, _m, c in rows[0].cells]
    assert colours[0] == "pending" and colours[1] == "pending" and colours[2] == "none"
