"""Writes for projects and key tasks. Views, the API, the admin, tasks and commands all come here.

Access is checked by the callers through the selectors (``get_project_for_user(…,
write=True)``); these functions hold the rules of the data itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from members.models import Member
from portal.photos import photo_clean

from .models import KeyTask, KeyTaskMonth, Milestone, ProgressReport, Project, ProjectPhoto, Status

# ------------------------------------------------------------------ progress and status


def progress_of(milestones: Iterable[Milestone]) -> int:
    """Percent complete from weighted milestones: 100 only when every milestone is done."""
    milestones = list(milestones)
    total = sum(m.weight for m in milestones)
    if not total:
        return 0
    done = sum(m.weight for m in milestones if m.done_on is not None)
    return 100 if done == total else min(99, done * 100 // total)


def status_of(project: Project, milestones: Iterable[Milestone], on: dt.date) -> str:
    """Not started, on track, behind or done, from the milestones and the date; dropped stays dropped."""
    if project.status == Status.DROPPED:
        return Status.DROPPED
    milestones = list(milestones)
    if milestones and all(m.done_on is not None for m in milestones):
        return Status.DONE
    if any(m.is_late(on) for m in milestones) or on > project.ends_on:
        return Status.BEHIND
    if on < project.starts_on and not any(m.done_on for m in milestones):
        return Status.NOT_STARTED
    return Status.ON_TRACK


def project_refresh(*, project: Project, on: dt.date | None = None) -> Project:
    """Recompute the stored status and percent; saves only what changed."""
    on = on or timezone.localdate()
    milestones = list(project.milestones.all())
    status, percent = status_of(project, milestones, on), progress_of(milestones)
    if (status, percent) != (project.status, project.percent):
        project.status, project.percent = status, percent
        project.save(update_fields=["status", "percent", "updated_at"])
    return project


def _after_change(project: Project, *, by=None) -> Project:
    project_refresh(project=project)
    if project.is_public:
        from .publishing import project_publish

        project_publish(project=project, by=by)
    return project


# ------------------------------------------------------------------ projects


def _check_lead(branch: Branch, lead: Member | None) -> None:
    if lead is not None and branch is not None and not lead.branch.path.startswith(branch.path):
        raise ValidationError({"lead": _("领衔人须是本组织的党员")})


def project_create(
    *,
    branch: Branch,
    lead: Member,
    name: str,
    category: str,
    goal: str,
    starts_on: dt.date,
    ends_on: dt.date,
    budget: Decimal | int = 0,
    by=None,
) -> Project:
    project = Project(
        branch=branch,
        lead=lead,
        name=name.strip(),
        category=category,
        goal=goal.strip(),
        budget=budget,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _check_lead(branch, lead)
    project.status = status_of(project, [], timezone.localdate())
    project.full_clean()
    project.save()
    return project


PROJECT_FIELDS = ("lead", "name", "category", "goal", "budget", "starts_on", "ends_on")


def project_update(*, project: Project, data: Mapping, by=None) -> Project:
    """Change the fields named in ``data`` (of PROJECT_FIELDS); the branch never changes."""
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    for field, value in data.items():
        setattr(project, field, value.strip() if isinstance(value, str) else value)
    _check_lead(project.branch, project.lead)
    project.full_clean()
    with transaction.atomic():
        project.save()
        _after_change(project, by=by)
    return project


def project_drop(*, project: Project, reason: str, by=None) -> Project:
    """Stop a project (it stays on record, its milestones are no longer flagged)."""
    if not reason.strip():
        raise ValidationError({"dropped_reason": _("请写明终止原因")})
    with transaction.atomic():
        project.status, project.dropped_reason = Status.DROPPED, reason.strip()
        project.full_clean()
        project.save(update_fields=["status", "dropped_reason", "updated_at"])
        _after_change(project, by=by)
    return project


def project_resume(*, project: Project, by=None) -> Project:
    with transaction.atomic():
        project.status, project.dropped_reason = Status.NOT_STARTED, ""
        project.save(update_fields=["status", "dropped_reason", "updated_at"])
        _after_change(project, by=by)
    return project


# ------------------------------------------------------------------ milestones


def _check_milestone(milestone: Milestone) -> None:
    project = milestone.project
    errors = {}
    if milestone.planned_on and not (project.starts_on <= milestone.planned_on <= project.ends_on):
        errors["planned_on"] = _("计划完成日期须在项目起止日期之间（%(a)s 至 %(b)s）") % {
            "a": project.starts_on,
            "b": project.ends_on,
        }
    if milestone.done_on and milestone.done_on > timezone.localdate():
        errors["done_on"] = _("实际完成日期不能晚于今天")
    if errors:
        raise ValidationError(errors)


def milestone_create(
    *, project: Project, title: str, planned_on: dt.date, weight: int = 1, note: str = "", by=None
) -> Milestone:
    milestone = Milestone(project=project, title=title.strip(), planned_on=planned_on, weight=weight, note=note)
    milestone.full_clean()
    _check_milestone(milestone)
    with transaction.atomic():
        milestone.save()
        _after_change(project, by=by)
    return milestone


MILESTONE_FIELDS = ("title", "planned_on", "weight", "note", "done_on")


def milestone_update(*, milestone: Milestone, data: Mapping, by=None) -> Milestone:
    unknown = set(data) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    for field, value in data.items():
        setattr(milestone, field, value)
    milestone.full_clean()
    _check_milestone(milestone)
    with transaction.atomic():
        milestone.save()
        _after_change(milestone.project, by=by)
    return milestone


def milestone_complete(*, milestone: Milestone, done_on: dt.date | None = None, by=None) -> Milestone:
    return milestone_update(milestone=milestone, data={"done_on": done_on or timezone.localdate()}, by=by)


def milestone_reopen(*, milestone: Milestone, by=None) -> Milestone:
    return milestone_update(milestone=milestone, data={"done_on": None}, by=by)


def milestone_delete(*, milestone: Milestone, by=None) -> None:
    project = milestone.project
    with transaction.atomic():
        milestone.delete()
        _after_change(project, by=by)


# ------------------------------------------------------------------ photos and reports


def photo_add(
    *, project: Project, upload, caption: str = "", milestone: Milestone | None = None, by=None
) -> ProjectPhoto:
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError({"milestone": _("节点不属于本项目")})
    try:
        content = photo_clean(upload)
    except ValidationError as e:
        raise ValidationError({"image": e.messages}) from None
    photo = ProjectPhoto(project=project, milestone=milestone, caption=caption.strip(), uploaded_by=by)
    photo.image.save(content.name, content, save=False)
    photo.full_clean()
    with transaction.atomic():
        photo.save()
        _after_change(project, by=by)
    return photo


def photo_delete(*, photo: ProjectPhoto, by=None) -> None:
    project = photo.project
    with transaction.atomic():
        photo.delete()
        _after_change(project, by=by)
    if not project.is_public:
        # A published photo stays on disk: earlier versions on the board still show it.
        photo.image.delete(save=False)


def report_save(
    *, project: Project, month: dt.date, done: str, next_steps: str, problems: str = "", by=None
) -> ProgressReport:
    """The month's report: written once, rewritten while the month runs (one per project and month)."""
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise ValidationError({"month": _("不能填报未来月份")})
    report = ProgressReport.objects.filter(project=project, month=month).first() or ProgressReport(
        project=project, month=month
    )
    report.done, report.problems, report.next_steps = done.strip(), problems.strip(), next_steps.strip()
    report.author = by if by is not None and by.is_authenticated else report.author
    report.full_clean()
    report.save()
    return report


# ------------------------------------------------------------------ key tasks


def key_task_save(
    *,
    branch: Branch,
    year: int,
    number: int,
    title: str,
    leader: str,
    unit: Branch,
    targets: Mapping[int, str],
    task: KeyTask | None = None,
) -> KeyTask:
    """Create or change a key task and its monthly targets (a blank target removes that month)."""
    if not unit.path.startswith(branch.path):
        raise ValidationError({"unit": _("责任单位须在本镇范围内")})
    task = task or KeyTask(branch=branch)
    task.year, task.number, task.title, task.leader, task.unit = year, number, title.strip(), leader.strip(), unit
    task.full_clean()
    if not any((t or "").strip() for t in targets.values()):
        raise ValidationError({"targets": _("请至少填写一个月的目标")})
    with transaction.atomic():
        task.save()
        existing = {m.month: m for m in task.months.all()}
        for month in range(1, 13):
            text = (targets.get(month) or "").strip()
            row = existing.get(month)
            if not text:
                if row is not None:
                    row.delete()
                continue
            row = row or KeyTaskMonth(task=task, month=month)
            row.target = text
            row.full_clean()
            row.save()
    return task


def key_task_month_check(
    *, row: KeyTaskMonth, done: bool, evidence: str = "", reason: str = "", on: dt.date | None = None, by=None
) -> KeyTaskMonth:
    """Check a month off with its evidence, or mark it late with the reason."""
    on = on or timezone.localdate()
    if dt.date(row.task.year, row.month, 1) > on:
        raise ValidationError(_("该月尚未开始，不能报送"))
    if done:
        if not evidence.strip():
            raise ValidationError({"evidence": _("请填写完成佐证")})
        row.state, row.evidence, row.reason = KeyTaskMonth.State.DONE, evidence.strip(), ""
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("请填写滞后原因")})
        row.state, row.reason = KeyTaskMonth.State.LATE, reason.strip()
    row.checked_on = on
    row.checked_by = by if by is not None and by.is_authenticated else None
    row.full_clean()
    row.save()
    return row
