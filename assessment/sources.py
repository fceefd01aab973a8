"""What assessment reads from the other feature apps, only through their selectors.

meetings, projects and the disclosure register are built alongside this app;
each reader here asks for the other app's selector and, while that app is not
installed yet, answers "nothing known" (None) so a quarter can still be scored
on the parts the portal does hold. The weights of unknown parts are shared
out over the known ones (see scoring.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from numbers import Number

from django.apps import apps


def _selector(app: str, module: str, name: str):
    if not apps.is_installed(app):
        return None
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _as_percent(value) -> float | None:
    """A selector's figure for one unit as 0–100: a number, or an object/dict carrying a rate."""
    if value is None:
        return None
    if isinstance(value, dict):
        for key in ("percent", "rate", "progress", "score"):
            if key in value:
                return _as_percent(value[key])
        return None
    if isinstance(value, Number):
        number = float(value)
        return number * 100 if 0 <= number <= 1 and not isinstance(value, int) else number
    for attr in ("percent", "rate", "progress", "score"):
        if hasattr(value, attr):
            return _as_percent(getattr(value, attr))
    return None


def _by_branch(result, branch_ids: Iterable[int]) -> dict[int, float | None]:
    if result is None:
        return {}
    if not isinstance(result, dict):
        result = {getattr(row, "branch_id", None): row for row in result}
    found = {}
    for key, value in result.items():
        pk = getattr(key, "pk", key)
        if pk in branch_ids:
            found[pk] = _as_percent(value)
    return found


def meeting_compliance(branches, start: dt.date, end: dt.date) -> dict[int, float | None] | None:
    """Per unit, the share of required meetings held in the period (0–100), or None without meetings."""
    compliance_for = _selector("meetings", "meetings.selectors", "compliance_for")
    if compliance_for is None:
        return None
    return _by_branch(compliance_for(branches=branches, start=start, end=end), {b.pk for b in branches})


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
