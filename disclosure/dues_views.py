"""党费收缴 pages: the monthly table per branch, entered on a phone or imported from a spreadsheet.

Each saved month is published at once through the register (``dues.py``); a
changed month that was already published becomes a 更正 with its reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.scope import Cap, scope_for
from portal.forms import apply_errors

from .dues import CSV_HEADERS, SOURCE, dues_import_file, dues_month_save
from .forms import DuesForm, DuesImportForm
from .models import Category, DuesMonth, Item
from .presenters import DUES_ROW_COLUMNS, dues_rows_html
from .selectors import branches_readable_by, get_branch_for_user

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@require_safe
@login_required
def dues_index(request):
    if not scope_for(request.user).has(Cap.READ):
        raise PermissionDenied
    branches = branches_readable_by(request.user).annotate(
        months=Count("dues_months"), last_month=Max("dues_months__month")
    )
    query = request.GET.get("q", "").strip()[:30]
    if query:
        branches = branches.filter(name__icontains=query)
    page = Paginator(branches, 20).get_page(request.GET.get("page"))
    return render(request, "disclosure/dues_index.html", {"page": page, "query": query})


@GET_POST
@login_required
def dues_branch(request, pk: int):
    """One branch's months, newest first; a writer enters (or corrects) a month, which is published at once."""
    branch = get_branch_for_user(request.user, pk)
    may_write = scope_for(request.user).covers(Cap.WRITE, branch)
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    form = DuesForm(request.POST or None, initial=_initial(request, branch)) if may_write else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = dues_month_save(branch=branch, by=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            label = _("已保存并作为更正发布") if version.number > 1 and data["reason"].strip() else _("已保存并发布")
            messages.success(request, label)
            return redirect("disclosure:dues-branch", branch.pk)
    months = DuesMonth.objects.filter(branch=branch).order_by("-month")
    rows = Paginator(months.values_list(*DUES_ROW_COLUMNS, named=True), 24).get_page(request.GET.get("page"))
    items = dict(
        Item.objects.filter(
            branch=branch, category=Category.DUES, source=SOURCE, period__in=[r.month for r in rows]
        ).values_list("period", "pk")
    )
    return render(
        request,
        "disclosure/dues_branch.html",
        {
            "branch": branch,
            "page": rows,
            "rows": rows.object_list,
            "rows_html": dues_rows_html(rows, items, may_write),
            "form": form,
            "may_write": may_write,
        },
    )


def _initial(request, branch) -> dict:
    """?month=2026-03 fills the form with that month's figures, to correct it."""
    month = request.GET.get("month", "")
    row = DuesMonth.objects.filter(branch=branch, month=month).first() if month else None
    if row is None:
        return {}
    return {
        "month": row.month,
        "members_due": row.members_due,
        "members_paid": row.members_paid,
        "amount_paid": row.amount_paid,
        "note": row.note,
    }


@GET_POST
@login_required
def dues_import(request, pk: int):
    branch = get_branch_for_user(request.user, pk, write=True)
    form = DuesImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = dues_import_file(
            branch=branch,
            content=upload.read(),
            file_name=upload.name,
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        if not result.errors:
            messages.success(request, _("已导入 %(n)s 个月并发布到党务公开栏") % {"n": result.saved})
            return redirect("disclosure:dues-branch", branch.pk)
        errors = result.errors
    return render(
        request,
        "disclosure/dues_import.html",
        {
            "branch": branch,
            "form": form,
            "errors": errors[:200],
            "more_errors": max(len(errors) - 200, 0),
            "headers": CSV_HEADERS,
        },
    )
