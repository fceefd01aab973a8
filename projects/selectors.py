"""Scoped reads of projects and key tasks, and the progress figures other apps read.

For the assessment app (stable contract):

* :func:`project_progress_for` ``(*, branches, on) -> dict[branch_id, ProjectProgress]``
* :func:`key_task_progress_for` ``(*, year, on, units=None) -> dict[unit_id, KeyTaskProgress]``

Both run in a fixed number of queries whatever the number of branches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.scope import Cap, get_object_for_user, scope_for

from .models import KeyTask, KeyTaskMonth, Milestone, ProgressReport, Project, Status

# ------------------------------------------------------------------ projects


def projects_visible_to(user) -> QuerySet[Project]:
    return Project.objects.filter(scope_for(user).read_q("branch__")).select_related("branch", "lead")


def get_project_for_user(user, pk, *, write: bool = False) -> Project:
    return get_object_for_user(Project.objects.select_related("branch", "lead"), user, pk, write=write)


# What the project page shows of a project: not the lead's whole member row, nor the timestamps.
_PAGE_FIELDS = (
    "branch", "lead", "name", "category", "goal", "budget", "starts_on", "ends_on", "status", "percent",
    "dropped_reason", "is_public", "branch__path", "branch__name", "lead__name",
)  # fmt: skip


def get_project_page_for_user(user, pk) -> Project:
    """The project for its page (read access, the same check as :func:`get_project_for_user`)."""
    return get_object_for_user(Project.objects.select_related("branch", "lead").only(*_PAGE_FIELDS), user, pk)


def get_milestone_for_user(user, pk, *, write: bool = False) -> Milestone:
    return get_object_for_user(
        Milestone.objects.select_related("project__branch"), user, pk, write=write, via="project__branch__"
    )


def milestones_visible_to(user) -> QuerySet[Milestone]:
    return Milestone.objects.filter(scope_for(user).read_q("project__branch__")).select_related("project")


def reports_visible_to(user) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(scope_for(user).read_q("project__branch__")).select_related("project")


def get_report_for_user(user, pk) -> ProgressReport:
    return get_object_for_user(
        ProgressReport.objects.select_related("project__branch"), user, pk, via="project__branch__"
    )


def branches_writable_by(user):
    from branches.models import Branch

    return Branch.objects.filter(scope_for(user).write_q(), is_active=True).order_by("path")


def may_add_project(user) -> bool:
    return scope_for(user).has(Cap.WRITE)


@dataclass(frozen=True)
class ProjectProgress:
    """A branch's secretary-led projects of the year, rolled up (for the assessment)."""

    branch_id: int
    projects: int
    done: int
    behind: int
    dropped: int
    percent: int  # mean of the active projects' percent complete; 0 if none


def project_progress_for(*, branches: Iterable | QuerySet, on: dt.date) -> dict[int, ProjectProgress]:
    """Per branch (ids or Branch rows): its projects running in ``on``'s year, as of their stored status.

    One query. Branches with no project get a zero row.
    """
    ids = [getattr(b, "pk", b) for b in branches]
    rows = Project.objects.filter(
        branch_id__in=ids, starts_on__year__lte=on.year, ends_on__year__gte=on.year
    ).values_list("branch_id", "status", "percent")
    acc: dict[int, list] = {pk: [0, 0, 0, 0, []] for pk in ids}
    for branch_id, status, percent in rows:
        a = acc[branch_id]
        a[0] += 1
        a[1] += status == Status.DONE
        a[2] += status == Status.BEHIND
        a[3] += status == Status.DROPPED
        if status != Status.DROPPED:
            a[4].append(percent)
    return {
        pk: ProjectProgress(
            branch_id=pk,
            projects=a[0],
            done=a[1],
            behind=a[2],
            dropped=a[3],
            percent=round(sum(a[4]) / len(a[4])) if a[4] else 0,
        )
        for pk, a in acc.items()
    }


# ------------------------------------------------------------------ key tasks


def _key_task_read_q(user, prefix: str = "") -> Q:
    """A key task is the town's; its responsible unit's officers read it too."""
    scope = scope_for(user)
    return scope.read_q(f"{prefix}branch__") | scope.read_q(f"{prefix}unit__")


def key_tasks_visible_to(user) -> QuerySet[KeyTask]:
    return KeyTask.objects.filter(_key_task_read_q(user)).select_related("branch", "unit")


def may_write_key_task(user, task: KeyTask) -> bool:
    return scope_for(user).covers(Cap.WRITE, task.branch)


def may_check_month(user, task: KeyTask) -> bool:
    """Town admins, and the responsible unit's officers in office, report a month."""
    scope = scope_for(user)
    return scope.covers(Cap.WRITE, task.branch) or scope.covers(Cap.WRITE, task.unit)


def may_add_key_task(user) -> bool:
    from branches.models import Branch

    scope = scope_for(user)
    return scope.has(Cap.WRITE) and Branch.objects.filter(scope.write_q(), unit=Branch.Unit.TOWN).exists()


def towns_writable_by(user):
    from branches.models import Branch

    return Branch.objects.filter(scope_for(user).write_q(), unit=Branch.Unit.TOWN).order_by("path")


def get_key_task_for_user(user, pk, *, write: bool = False) -> KeyTask:
    task = get_object_for_user(
        KeyTask.objects.select_related("branch", "unit"),
        user,
        pk,
        also_readable=lambda obj, scope: scope.covers(Cap.READ, obj.unit),
    )
    if write and not may_write_key_task(user, task):
        raise PermissionDenied
    return task


def key_task_months_visible_to(user) -> QuerySet[KeyTaskMonth]:
    return KeyTaskMonth.objects.filter(_key_task_read_q(user, "task__")).select_related("task")


def get_key_task_month_for_user(user, pk, *, check: bool = False) -> KeyTaskMonth:
    try:
        row = KeyTaskMonth.objects.select_related("task__branch", "task__unit").get(pk=pk)
    except (KeyTaskMonth.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    scope = scope_for(user)
    if not (scope.covers(Cap.READ, row.task.branch) or scope.covers(Cap.READ, row.task.unit)):
        raise Http404
    if check and not may_check_month(user, row.task):
        raise PermissionDenied
    return row


@dataclass(frozen=True)
class WallRow:
    task: KeyTask
    cells: list  # 12 entries: (month number, KeyTaskMonth | None, colour)
    done: int
    late: int


def wall_chart(user, *, year: int, on: dt.date) -> list[WallRow]:
    """Tasks × months for the wall chart (亮任务挂图): two queries whatever the size."""
    tasks = (
        key_tasks_visible_to(user)
        .filter(year=year)
        .order_by("branch__path", "number")
        # A row shows the task's number, title and leader and its unit's name: not the branches' whole rows.
        .select_related(None)
        .select_related("unit")
        .only("year", "number", "title", "leader", "unit", "unit__name")
        # A cell shows the month's target and colour: the evidence and reason texts stay in the database.
        .prefetch_related(
            Prefetch("months", queryset=KeyTaskMonth.objects.only("task", "month", "target", "state").order_by("month"))
        )
    )
    rows = []
    for task in tasks:
        by_month = {m.month: m for m in task.months.all()}
        cells = []
        for n in range(1, 13):
            m = by_month.get(n)
            if m is not None:
                m.task = task  # already loaded: due_on reads task.year
            cells.append((n, m, m.cell(on) if m else "none"))
        rows.append(
            WallRow(
                task=task,
                cells=cells,
                done=sum(c == "done" for _n, _m, c in cells),
                late=sum(c == "late" for _n, _m, c in cells),
            )
        )
    return rows


def key_task_years(user) -> list[int]:
    return sorted(set(key_tasks_visible_to(user).values_list("year", flat=True)), reverse=True)


@dataclass(frozen=True)
class KeyTaskProgress:
    """A responsible unit's monthly targets of the year up to ``on`` (for the assessment)."""

    unit_id: int
    due: int  # targets whose month has ended (or which are already done)
    done: int
    late: int
    percent: int  # done / due, 100 when nothing is due yet


def key_task_progress_for(*, year: int, on: dt.date, units: Iterable | None = None) -> dict[int, KeyTaskProgress]:
    """Per responsible unit: targets due by ``on`` in ``year``, done and late. One query."""
    qs = KeyTaskMonth.objects.filter(task__year=year)
    if units is not None:
        qs = qs.filter(task__unit_id__in=[getattr(u, "pk", u) for u in units])
    acc: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for unit_id, month, state in qs.values_list("task__unit_id", "month", "state"):
        row = KeyTaskMonth(month=month, state=state, task=KeyTask(year=year))
        colour = row.cell(on)
        if colour == "pending":
            continue
        a = acc[unit_id]
        a[0] += 1
        a[1] += colour == "done"
        a[2] += colour == "late"
    result = {
        unit_id: KeyTaskProgress(
            unit_id=unit_id, due=a[0], done=a[1], late=a[2], percent=round(100 * a[1] / a[0]) if a[0] else 100
        )
        for unit_id, a in acc.items()
    }
    for u in units or ():
        pk = getattr(u, "pk", u)
        result.setdefault(pk, KeyTaskProgress(unit_id=pk, due=0, done=0, late=0, percent=100))
    return result


# ------------------------------------------------------------------ the public page


@dataclass(frozen=True)
class PublicProject:
    """What a villager may read: the newest *published* version's content, never the live project."""

    title: str
    payload: dict
    number: int  # version number; above 1 the page says it was corrected
    published_at: dt.datetime
    reason: str
    branch_name: str
    branch_code: str


def public_project(pk: int) -> PublicProject:
    """The published page of project ``pk``, or 404 when none is published for everyone."""
    from disclosure.models import Audience, Item
    from disclosure.models import Category as DisclosureCategory

    from .publishing import SOURCE_PREFIX

    item = (
        Item.objects.filter(
            category=DisclosureCategory.SECRETARY_PROJECTS,
            source=f"{SOURCE_PREFIX}{int(pk)}",
            latest_version__isnull=False,
            latest_version__audience=Audience.PUBLIC,
            branch__is_active=True,
        )
        .select_related("latest_version", "branch")
        .first()
    )
    if item is None:
        raise Http404
    version = item.latest_version
    return PublicProject(
        title=version.title,
        payload=version.payload,
        number=version.number,
        published_at=version.published_at,
        reason=version.reason,
        branch_name=item.branch.name,
        branch_code=item.branch.code,
    )
