"""What assessment reads from the other feature apps, only through their public selectors and services.

Meetings (compliance and attendance) are read through ``meetings.selectors``;
meetings never reads assessment. Projects and the disclosure register are
looked up by name and, where an app is not installed, answer "nothing known"
(None) so a quarter can still be scored on the parts the portal does hold.
The weights of unknown parts are shared out over the known ones (see scoring.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from branches.models import Branch
from meetings.selectors import attendance_for, compliance_summary_for


def _selector(app: str, module: str, name: str):
    if not apps.is_installed(app):
        return None
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def judged_as_of(end: dt.date) -> dt.date:
    """The day a span's meeting periods are judged on: the day after the span, or today while the span
    still runs (a later day would call the weeks not yet come overdue)."""
    return min(end + dt.timedelta(days=1), timezone.localdate())


def unit_branches(units) -> tuple[Q, Callable[[str], int | None]]:
    """Which branches count towards the assessed ``units``: a filter on the branches (the active
    branches under the units' parents) and, for a branch's path, the unit it counts for (None for a
    branch of no unit). A unit's own branch counts for it, as do its sub-branches."""
    unit_by_path = {u.path: u.pk for u in units}
    lengths = sorted({len(p) for p in unit_by_path})
    q = Q(pk__in=[])
    for parent in {p[: -Branch.steplen] for p in unit_by_path}:
        q |= Q(path__startswith=parent, depth__gt=len(parent) // Branch.steplen)

    def unit_of(path: str) -> int | None:
        for length in lengths:
            if (unit := unit_by_path.get(path[:length])) is not None:
                return unit
        return None

    return q & Q(is_active=True), unit_of


def roll_up(unit_ids: Iterable[int], branch_units: Iterable[tuple[int, int]], summaries) -> dict[int, float | None]:
    """Per unit, the share of its branches' periods held (``summaries``: per branch id, a
    ``ComplianceSummary`` or None for a branch that owed nothing); None for a unit that owed nothing."""
    held: dict[int, int] = {}
    owed: dict[int, int] = {}
    for branch_id, unit in branch_units:
        summary = summaries.get(branch_id)
        if summary is not None:
            held[unit] = held.get(unit, 0) + summary.held
            owed[unit] = owed.get(unit, 0) + summary.held + summary.overdue
    return {pk: (100.0 * held.get(pk, 0) / owed[pk] if owed.get(pk) else None) for pk in unit_ids}


def meeting_compliance(units, start: dt.date, end: dt.date) -> dict[int, float | None]:
    """Per unit, the share of its (and its sub-branches' and party groups') meeting periods that ended in
    [start, end] and were held: meetings' ``compliance_summary_for`` rolled up to the assessed units.

    A period still running is not counted either way; None for a unit that owed nothing.
    """
    units = list(units)
    if not units:
        return {}
    q, unit_of = unit_branches(units)
    counted = [(branch, unit) for branch in Branch.objects.filter(q) if (unit := unit_of(branch.path)) is not None]
    summaries = compliance_summary_for(
        branches=[branch for branch, _unit in counted], start=start, end=end, as_of=judged_as_of(end)
    )
    return roll_up((u.pk for u in units), ((branch.pk, unit) for branch, unit in counted), summaries)


def attendance_records(start: dt.date, end: dt.date, branches) -> dict:
    """Per member id, their record at the meetings held in the period (meetings' ``attendance_for``)."""
    return attendance_for(start=start, end=end, branches=branches)


def project_progress(branches, start: dt.date, end: dt.date) -> dict[int, float | None] | None:
    """Per unit, the mean percent complete of its secretary-led projects; None for a unit with none."""
    progress_for = _selector("projects", "projects.selectors", "project_progress_for")
    if progress_for is None:
        return None
    rows = progress_for(branches=branches, on=end)
    return {pk: (float(row.percent) if row.projects else None) for pk, row in rows.items()}


def key_task_progress(branches, start: dt.date, end: dt.date) -> dict[int, tuple[int, int, int, int]] | None:
    """Per unit, its key tasks' monthly targets due by the quarter's end: (due, done, late, percent)."""
    progress_for = _selector("projects", "projects.selectors", "key_task_progress_for")
    if progress_for is None:
        return None
    rows = progress_for(year=end.year, on=end, units=branches)
    return {pk: (row.due, row.done, row.late, row.percent) for pk, row in rows.items()}


def fixtures_needing_fixing():
    """Board fixtures whose latest check says 需整改, from the disclosure app's selector once it offers one."""
    return _selector("disclosure", "disclosure.selectors", "fixtures_needing_fixing")


def publish(**kwargs) -> bool:
    """Put results on the board through the disclosure register; False while it is not installed."""
    disclosure_publish = _selector("disclosure", "disclosure.services", "disclosure_publish")
    if disclosure_publish is None:
        return False
    disclosure_publish(**kwargs)
    return True
