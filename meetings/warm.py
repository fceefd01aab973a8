"""The meetings views' figures of a branch, counted again once one of its meetings is saved
(:func:`meetings.figures_cache.recounts`): the matrix, the branch calendar and the compliance API,
each read for today through the cache as the view reads it."""

from __future__ import annotations

import datetime as dt

from branches.models import Branch

from .figures_cache import recounts


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
    from .api import compliance_cells

    compliance_cells(Branch.objects.filter(pk__in=branch_ids), today.year, today)
