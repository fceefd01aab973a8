"""The yearly report material (述职材料) for one branch: its 书记领衔 project(s) with their milestones
and the key-task months it answers for — one printable page.

The year's meeting compliance joins it from ``meetings.selectors.compliance_for`` once that app is in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from branches.models import Branch, OfficerPost

from .models import KeyTask, KeyTaskMonth, Milestone, Project


@dataclass
class YearlySummary:
    branch: Branch
    year: int
    on: dt.date
    secretary: str
    projects: list[Project]
    key_tasks: list[KeyTask]


def yearly_summary(*, branch: Branch, year: int, on: dt.date) -> YearlySummary:
    """Everything the one-page material shows; the caller has checked the user may read ``branch``."""
    secretary = (
        OfficerPost.objects.current(min(on, dt.date(year, 12, 31)))
        .filter(branch=branch, post=OfficerPost.Post.SECRETARY)
        .select_related("member")
        .first()
    )
    projects = list(
        Project.objects.filter(branch=branch, starts_on__year__lte=year, ends_on__year__gte=year)
        .select_related("lead")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("planned_on", "pk")))
        .order_by("starts_on", "pk")
    )
    tasks = list(
        KeyTask.objects.filter(unit=branch, year=year)
        .prefetch_related(Prefetch("months", queryset=KeyTaskMonth.objects.order_by("month")))
        .order_by("number")
    )
    for task in tasks:
        cells = [m.cell(on) for m in task.months.all()]
        task.done_count, task.late_count = cells.count("done"), cells.count("late")
        task.target_count = len(cells)
    return YearlySummary(
        branch=branch,
        year=year,
        on=on,
        secretary=secretary.member.name if secretary else "",
        projects=projects,
        key_tasks=tasks,
    )
