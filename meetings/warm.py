"""The meetings views' figures of a branch, counted again once one of its meetings is saved
(:func:`meetings.figures_cache.recounts`): the matrix, the branch calendar and the compliance API,
each read for today through the cache as the view reads it.

And every branch's, counted again by the worker (:func:`count_everything`, the task
``meetings.tasks.count_compliance_figures``): once a rule, type, branch, party group or area change
commits, and just after midnight."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

from django.utils import timezone

from branches.models import Branch

from .figures_cache import recount_branches, recount_overview, recounts

# Branches outside any town (a district's committee) counted this many at a time. A town's tree is counted
# at once: it is what the town's matrix counts at once when nothing is kept.
CHUNK = 500


@recounts
def matrix(branch_ids: list[int], today: dt.date) -> None:
    from .matrix import compliance_matrix

    compliance_matrix(branches=Branch.objects.filter(pk__in=branch_ids), year=today.year, as_of=today, area_names={})


@recounts
def calendar(branch_ids: list[int], today: dt.date) -> None:
    from .report_views import calendar_figures

    for branch in Branch.objects.filter(pk__in=branch_ids):
        calendar_figures(branch, today.year, today)


@recounts
def cells(branch_ids: list[int], today: dt.date) -> None:
    from .selectors import compliance_cells

    compliance_cells(Branch.objects.filter(pk__in=branch_ids), today.year, today)


def town_chunks(size: int = CHUNK) -> Iterator[tuple[Branch | None, list[int]]]:
    """Every branch's id, a town at a time (its committee and the tree under it, with the town committee),
    then those of no town in lists of at most ``size`` (with None): memory stays that of one town's count."""
    towns = {town.path: town for town in Branch.objects.filter(unit=Branch.Unit.TOWN)}
    town, ids, rest = None, [], []
    for pk, path in Branch.objects.order_by("path").values_list("pk", "path"):
        if town is not None and path.startswith(town.path):
            ids.append(pk)
            continue
        if town is not None:
            yield town, ids
            town, ids = None, []
        if path in towns:
            town, ids = towns[path], [pk]
        else:
            rest.append(pk)
            if len(rest) >= size:
                yield None, rest
                rest = []
    if town is not None:
        yield town, ids
    if rest:
        yield None, rest


def count_chunk(town: Branch | None, branch_ids: list[int], today: dt.date) -> None:
    """One part of :func:`count_everything`: these branches' figures for ``today``'s views, and the overview
    of ``town`` (their town, or None for branches of no town)."""
    recount_branches(branch_ids, today)
    if town is not None:
        recount_overview(town, today)


def count_everything(today: dt.date | None = None) -> dict:
    """Every branch's figures for ``today``'s views (today by default) counted again and kept, a town at a
    time, then what each town's and district's overview keeps (:func:`figures_cache.recounts_overview`).
    Figures still kept (a second run the same day, with nothing changed) are read, not counted."""
    started = time.monotonic()
    today = today or timezone.localdate()
    branches = towns = 0
    for town, ids in town_chunks():
        count_chunk(town, ids, today)
        towns += town is not None
        branches += len(ids)
    # A district's overview sums its towns' figures, all kept by now.
    for district in Branch.objects.filter(unit=Branch.Unit.DISTRICT):
        recount_overview(district, today)
    return {
        "branches": branches,
        "towns": towns,
        "day": today.isoformat(),
        "seconds": round(time.monotonic() - started, 2),
    }
