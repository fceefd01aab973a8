"""The printable yearly report material (述职) for one branch."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from branches.selectors import get_branch_for_user

from .summary import yearly_summary


@require_safe
@login_required
def yearly_summary_view(request, pk: int):
    branch = get_branch_for_user(request.user, pk=pk)
    today = timezone.localdate()
    year_arg = request.GET.get("year", "")
    year = int(year_arg) if year_arg.isdigit() and 2000 <= int(year_arg) <= today.year else today.year
    summary = yearly_summary(branch=branch, year=year, on=today)
    return render(
        request, "projects/yearly_summary.html", {"s": summary, "years": range(today.year, today.year - 3, -1)}
    )
