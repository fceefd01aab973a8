"""The daily delay pass: refresh project statuses, flag missed milestones and monthly targets.

One service for the Celery beat task and the ``projects_flag_delays`` command.
Flags go through the shared ``notices.services.flags_sync`` (kinds
``milestone_late`` and ``key_task_late``): it opens what is newly late, closes
what was done since, tells the branch's secretary and area head once, and is
safe to run twice. The number of queries does not grow with the number of
projects or branches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.services import FlagSpec, SyncResult, flags_sync

from .models import KeyTaskMonth, Milestone, Project, Status
from .services import progress_of, status_of

MILESTONE_LATE = "milestone_late"
KEY_TASK_LATE = "key_task_late"


@dataclass(frozen=True)
class DelayResult:
    statuses_changed: int
    milestones: SyncResult
    key_tasks: SyncResult


def _refresh_statuses(on: dt.date) -> int:
    projects = Project.objects.exclude(status=Status.DROPPED).prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.only("pk", "project_id", "weight", "planned_on", "done_on"))
    )
    changed = []
    for project in projects.only("pk", "status", "percent", "starts_on", "ends_on", "is_public"):
        milestones = list(project.milestones.all())
        status, percent = status_of(project, milestones, on), progress_of(milestones)
        if (status, percent) != (project.status, project.percent):
            project.status, project.percent = status, percent
            changed.append(project)
    Project.objects.bulk_update(changed, ["status", "percent"], batch_size=1000)
    public = [p.pk for p in changed if p.is_public]
    if public:
        # The board shows the status too: a project that fell behind today says so there.
        from .publishing import project_publish

        for project in Project.objects.filter(pk__in=public).select_related("branch", "lead"):
            project_publish(project=project)
    return len(changed)


def late_milestones(on: dt.date) -> list[FlagSpec]:
    rows = (
        Milestone.objects.filter(done_on__isnull=True, planned_on__lt=on)
        .exclude(project__status=Status.DROPPED)
        .values_list("pk", "title", "planned_on", "project_id", "project__name", "project__branch_id")
    )
    return [
        FlagSpec(
            branch_id=branch_id,
            subject=f"milestone:{pk}",
            period=f"{planned:%Y-%m}",
            title=_("书记领衔项目“%(p)s”的节点“%(m)s”已逾期") % {"p": name, "m": title},
            detail=_("计划 %(d)s 完成，至今未完成。请推进并在项目页登记实际完成日期。") % {"d": planned},
            url=reverse("projects:detail", args=[project_id]),
        )
        for pk, title, planned, project_id, name, branch_id in rows
    ]


def late_key_task_months(on: dt.date) -> list[FlagSpec]:
    """Targets of ended months that are not done (marked late or not reported at all)."""
    rows = (
        KeyTaskMonth.objects.exclude(state=KeyTaskMonth.State.DONE)
        .filter(task__year__lte=on.year)
        .values_list("pk", "month", "target", "task_id", "task__year", "task__title", "task__unit_id")
    )
    specs = []
    for pk, month, target, task_id, year, title, unit_id in rows:
        if (year, month) >= (on.year, on.month):
            continue  # the month has not ended yet
        specs.append(
            FlagSpec(
                branch_id=unit_id,
                subject=f"key_task_month:{pk}",
                period=f"{year}-{month:02d}",
                title=_("重点任务“%(t)s” %(y)s年%(m)s月目标未完成") % {"t": title, "y": year, "m": month},
                detail=_("月度目标：%(target)s") % {"target": target},
                url=reverse("projects:key-task-detail", args=[task_id]),
            )
        )
    return specs


def projects_flag_delays(*, on: dt.date | None = None) -> DelayResult:
    on = on or timezone.localdate()
    with transaction.atomic():
        changed = _refresh_statuses(on)
    milestones = flags_sync(kind=MILESTONE_LATE, due=late_milestones(on))
    key_tasks = flags_sync(kind=KEY_TASK_LATE, due=late_key_task_months(on))
    return DelayResult(statuses_changed=changed, milestones=milestones, key_tasks=key_tasks)
