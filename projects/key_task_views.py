"""The town's key tasks (亮任务): the wall chart, a task's months, reporting a month."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from portal.forms import apply_errors

from . import services
from .forms import KeyTaskForm, MonthCheckForm
from .presenters import wall_chart_rows_html
from .selectors import (
    get_key_task_for_user,
    get_key_task_month_for_user,
    key_task_years,
    may_add_key_task,
    may_check_month,
    may_write_key_task,
    towns_writable_by,
    wall_chart,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@require_safe
@login_required
def wall_chart_view(request):
    if not scope_for(request.user).has(Cap.READ):
        raise PermissionDenied
    today = timezone.localdate()
    years = key_task_years(request.user)
    year_arg = request.GET.get("year", "")
    year = int(year_arg) if year_arg.isdigit() else (today.year if today.year in years or not years else years[0])
    rows = wall_chart(request.user, year=year, on=today)
    return render(
        request,
        "projects/wall_chart.html",
        {
            "rows": rows,
            "rows_html": wall_chart_rows_html(rows),
            "year": year,
            "years": years,
            "months": range(1, 13),
            "today": today,
            "may_add": may_add_key_task(request.user),
            "totals": {
                "done": sum(r.done for r in rows),
                "late": sum(r.late for r in rows),
                "targets": sum(1 for r in rows for c in r.cells if c[1] is not None),
            },
        },
    )


@GET_POST
@login_required
def key_task_create(request):
    towns = towns_writable_by(request.user)
    if not towns.exists():
        raise PermissionDenied
    form = KeyTaskForm(request.POST or None, towns=towns, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("branch", "year", "number", "title", "leader", "unit")}
        try:
            task = services.key_task_save(targets=form.targets(), **data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("重点任务已保存"))
            return redirect("projects:key-task-detail", task.pk)
    return render(request, "projects/key_task_form.html", {"form": form, "title": _("新增重点任务")})


@require_safe
@login_required
def key_task_detail(request, pk: int):
    task = get_key_task_for_user(request.user, pk)
    today = timezone.localdate()
    months = list(task.months.all())
    for m in months:
        m.task = task
        m.colour = m.cell(today)
        m.reportable = m.state != m.State.DONE and (task.year, m.month) <= (today.year, today.month)
    return render(
        request,
        "projects/key_task_detail.html",
        {
            "task": task,
            "months": months,
            "may_check": may_check_month(request.user, task),
            "may_edit": may_write_key_task(request.user, task),
            "check_form": MonthCheckForm(),
        },
    )


@GET_POST
@login_required
def key_task_edit(request, pk: int):
    task = get_key_task_for_user(request.user, pk, write=True)
    towns = towns_writable_by(request.user)
    form = KeyTaskForm(request.POST or None, instance=task, towns=towns)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("branch", "year", "number", "title", "leader", "unit")}
        try:
            services.key_task_save(task=task, targets=form.targets(), **data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("已保存"))
            return redirect("projects:key-task-detail", pk)
    return render(request, "projects/key_task_form.html", {"form": form, "task": task, "title": _("修改重点任务")})


@require_POST
@login_required
def key_task_month_check(request, pk: int):
    row = get_key_task_month_for_user(request.user, pk, check=True)
    form = MonthCheckForm(request.POST)
    if form.is_valid():
        try:
            services.key_task_month_check(
                row=row,
                done=form.cleaned_data["outcome"] == "done",
                evidence=form.cleaned_data["evidence"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("%(m)s月情况已报送") % {"m": row.month})
            return redirect("projects:key-task-detail", row.task_id)
    return render(request, "projects/month_check.html", {"form": form, "row": row, "task": row.task}, status=400)
