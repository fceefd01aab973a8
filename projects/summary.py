"""The yearly report material (述职材料) for one branch: its 书记领衔 project(s) with their milestones,
the year's 三会一课 compliance and the key-task months it answers for — one printable page.

The meetings part is read only through meetings' selectors (``compliance_cells``, the year's
``compliance_for`` kept per branch in the cache: the lines per meeting type, and the headline summed from
the same cells as ``compliance_summary_for`` sums them); meetings never imports projects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from branches.models import Branch, OfficerPost
from meetings.selectors import DUE, HELD, OVERDUE, ComplianceSummary, compliance_cells

from .models import KeyTask, KeyTaskMonth, Milestone, Project


@dataclass
class MeetingLine:
    """One meeting type (per party group where the rule is) over the year: periods held, overdue, running."""

    meeting_type: str
    party_group: str
    periods: int = 0
    held: int = 0
    due: int = 0
    overdue: list[str] = field(default_factory=list)  # the overdue periods' labels, in order


@dataclass
class MeetingsYear:
    held: int  # ended periods held on time
    overdue: int  # ended periods missed
    percent: float | None  # held / (held + overdue); None while nothing has ended
    lines: list[MeetingLine]


@dataclass
class YearlySummary:
    branch: Branch
    year: int
    on: dt.date
    secretary: str
    projects: list[Project]
    key_tasks: list[KeyTask]
    meetings: MeetingsYear


def meetings_year(*, branch: Branch, year: int, on: dt.date) -> MeetingsYear:
    """The branch's 三会一课 in ``year`` as judged on ``on``: periods still running count as due, not missed."""
    lines: dict[tuple[str, str], MeetingLine] = {}
    held = overdue = 0  # the headline: ended periods held and missed (compliance_summary_for's, from the same cells)
    for cell in compliance_cells([branch], year, on):
        line = lines.setdefault(
            (cell.meeting_type, cell.party_group_name), MeetingLine(cell.meeting_type, cell.party_group_name)
        )
        line.periods += 1
        if cell.status == HELD:
            line.held += 1
            held += 1
        elif cell.status == DUE:
            line.due += 1
        elif cell.status == OVERDUE:
            line.overdue.append(cell.period.short_label)
            overdue += 1
    return MeetingsYear(
        held=held,
        overdue=overdue,
        percent=ComplianceSummary(branch.pk, held, overdue).percent,
        lines=list(lines.values()),
    )


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
        meetings=meetings_year(branch=branch, year=year, on=on),
    )
