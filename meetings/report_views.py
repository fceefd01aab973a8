"""Compliance matrix, a branch's calendar, attendance reports, a member's own record, the yearly plan."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from branches.models import Area, Branch
from branches.selectors import areas_visible_to, branches_visible_to, get_branch_for_user
from members.models import Member
from portal.links import id_url_prefix

from . import services
from .compliance import OVERDUE, STATUS_LABELS, judge
from .figures_cache import branch_figures
from .matrix import compliance_matrix, matrix_xlsx
from .models import Attendance, Meeting, PlanItem
from .plan import plan_publish
from .presenters import attendance_rows_html, calendar_lines_html, meeting_rows_html, my_records_html
from .selectors import absent_streaks, attendance_for, type_values_of_meetings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _matrix_args(request):
    scope = scope_for(request.user)
    if not (scope.has(Cap.OVERVIEW) or scope.has(Cap.INSPECT)):
        raise PermissionDenied
    branches = branches_visible_to(request.user)
    area = None
    if request.GET.get("area"):
        area = Area.objects.filter(pk__in=areas_visible_to(request.user).values("pk"), pk=request.GET["area"]).first()
        if area is None:
            raise Http404
        branches = branches.filter(area=area)
    area_names = dict(areas_visible_to(request.user).values_list("pk", "name"))
    return branches, area, area_names


@require_safe
@login_required
def compliance(request):
    branches, area, area_names = _matrix_args(request)
    year = _year(request)
    matrix = compliance_matrix(branches=branches, year=year, as_of=timezone.localdate(), area_names=area_names)
    prefix = id_url_prefix("meetings:branch")
    rows = [row.html(f"{prefix}{row.branch_id}/?year={year}") for row in matrix.rows]
    return render(
        request,
        "meetings/compliance.html",
        {
            "matrix": matrix,
            "rows": rows,
            "year": year,
            "area": area,
            "areas": sorted(area_names.items(), key=lambda a: a[1]),
            "months": range(1, 13),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
@login_required
def compliance_xlsx(request):
    branches, area, area_names = _matrix_args(request)
    year = _year(request)
    matrix = compliance_matrix(branches=branches, year=year, as_of=timezone.localdate(), area_names=area_names)
    response = HttpResponse(matrix_xlsx(matrix, area_names), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="compliance-{year}.xlsx"'
    return response


def _meeting_rows(branch: Branch, year: int) -> list[dict]:
    """The branch's meetings of ``year``, newest first, as plain rows for its calendar page: the link, the
    day ("MM-DD"), the topic and the names of the types the meeting counted as (in the types' order).

    One query (a row per meeting and type), and no model instance, URL reversal or date filter per
    meeting: a year is 50–100 of them, and those took half the page's rendering.
    """
    prefix = id_url_prefix("meetings:detail")
    rows: dict[int, dict] = {}
    for pk, held_on, topic, type_name in (
        Meeting.objects.filter(branch=branch, held_on__year=year)
        .order_by("-held_on", "-pk", "types__order", "types__pk")
        .values_list("pk", "held_on", "topic", "types__name")
    ):
        row = rows.get(pk)
        if row is None:
            row = rows[pk] = {"url": f"{prefix}{pk}/", "day": f"{held_on:%m-%d}", "topic": topic, "types": []}
        if type_name is not None:
            row["types"].append(type_name)
    return list(rows.values())


def _calendar_lines(branch: Branch, year: int, today: dt.date) -> tuple[list, list[str]]:
    """The year's lines of squares (monthly rules first, then by type and group; a square as the status,
    reason and label it shows) and the overdue periods' reasons, judged as of ``today``."""
    cells = judge(branches=[branch], start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), as_of=today)
    lines: dict[tuple, list] = defaultdict(list)
    for cell in cells:
        lines[(cell.meeting_type, cell.party_group_name)].append(cell)
    squares = [
        (key, [(c.status, c.reason, c.period.short_label) for c in line])
        for key, line in sorted(lines.items(), key=lambda kv: (kv[1][0].period.kind != "month", kv[0]))
    ]
    return squares, [c.reason for c in cells if c.status == OVERDUE]


def calendar_figures(branch: Branch, year: int, today: dt.date) -> tuple[list, list[str]]:
    """:func:`_calendar_lines`, kept in the cache until one of the branch's meetings, or a rule, branch,
    party group or area, changes (and counted again when a meeting of it is saved: meetings.warm)."""
    return branch_figures(
        f"branch-calendar:{year}:{today:%Y%m%d}:{get_language()}",
        [branch.pk],
        lambda _missing: {branch.pk: _calendar_lines(branch, year, today)},
    )[branch.pk]


@require_safe
@login_required
def branch_calendar(request, pk: int):
    """A branch's year: every rule's periods as held / due / overdue, the meetings, the members to follow up."""
    branch = get_branch_for_user(request.user, pk=pk)
    year = _year(request)
    today = timezone.localdate()
    lines, overdue = calendar_figures(branch, year, today)
    scope = scope_for(request.user)
    streaks = []
    if scope.covers(Cap.WRITE, branch) or scope.covers(Cap.INSPECT, branch) or scope.has(Cap.OVERVIEW):
        streaks = absent_streaks(branch=branch)
    meetings = _meeting_rows(branch, year)
    return render(
        request,
        "meetings/branch.html",
        {
            "branch": branch,
            "year": year,
            "lines": lines,
            "lines_html": calendar_lines_html(lines),
            "meetings": meetings,
            "meetings_html": meeting_rows_html(meetings),
            "streaks": streaks,
            "overdue": overdue,
            "can_log": scope.covers(Cap.WRITE, branch),
            "labels": STATUS_LABELS,
        },
    )


def _attendance_rows(branch: Branch, year: int):
    stats = attendance_for(branches=[branch], start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    names = dict(Member.objects.filter(pk__in=stats).values_list("pk", "name"))
    rows = sorted(stats.values(), key=lambda s: names.get(s.member_id, ""))
    return [(names.get(s.member_id, ""), s) for s in rows]


@require_safe
@login_required
def attendance_report(request, pk: int):
    branch = get_branch_for_user(request.user, pk=pk)
    year = _year(request)
    rows = _attendance_rows(branch, year)
    totals = {
        "expected": sum(s.expected for _n, s in rows),
        "present": sum(s.present for _n, s in rows),
        "leave": sum(s.leave for _n, s in rows),
        "absent": sum(s.absent for _n, s in rows),
    }
    reasons = Attendance.Reason.choices
    # A row per member: the name and the texts of its cells in the columns' order (leave by reason, ""
    # for none). The numbers become text here rather than in the template, whose localisation of the
    # nine numbers of every row, and a look-up of each reason among the member's, cost 4 ms a page.
    table = [
        (
            name,
            [
                str(s.expected),
                str(s.present),
                *(str(s.leave_by_reason.get(value, "")) for value, _label in reasons),
                str(s.absent),
                "—" if s.rate is None else f"{round(s.rate * 100)}%",
            ],
        )
        for name, s in rows
    ]
    return render(
        request,
        "meetings/attendance.html",
        {
            "branch": branch,
            "year": year,
            "rows": table,
            "rows_html": attendance_rows_html(table),
            "totals": totals,
            "reasons": reasons,
            "held": Meeting.objects.filter(branch=branch, held_on__year=year).exclude(status="draft").count(),
        },
    )


@require_safe
@login_required
def attendance_xlsx(request, pk: int):
    from openpyxl import Workbook

    branch = get_branch_for_user(request.user, pk=pk)
    year = _year(request)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年出勤"
    reasons = Attendance.Reason.choices
    ws.append(
        ["姓名", "应到次数", "出席", *[f"请假·{label}" for _v, label in reasons], "请假合计", "无故缺席", "出勤率"]
    )
    for name, s in _attendance_rows(branch, year):
        ws.append(
            [
                name,
                s.expected,
                s.present,
                *[s.leave_by_reason.get(v, 0) for v, _l in reasons],
                s.leave,
                s.absent,
                f"{s.rate:.0%}" if s.rate is not None else "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="attendance-{branch.code}-{year}.xlsx"'
    return response


@require_safe
@login_required
def mine(request):
    """A member's own meeting record (the member login; anyone with a member record)."""
    scope = scope_for(request.user)
    if not scope.own_member_id:
        raise Http404
    year = _year(request)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    stats = attendance_for(members=[scope.own_member_id], start=start, end=end).get(scope.own_member_id)
    # The columns the list prints, newest first; the rows joined in Python (presenters.my_records_html).
    records = list(
        Attendance.objects.filter(member_id=scope.own_member_id, meeting__held_on__range=(start, end))
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .order_by("-meeting__held_on", "-meeting_id")
        .values_list("meeting_id", "meeting__held_on", "meeting__topic", "status", "reason")
    )
    rows_html = my_records_html(
        records,
        type_values_of_meetings([r[0] for r in records], "name"),
        {value: str(label) for value, label in Attendance.Status.choices},
        {value: str(label) for value, label in Attendance.Reason.choices},
    )
    return render(request, "meetings/mine.html", {"year": year, "stats": stats, "rows_html": rows_html})


@require_http_methods(["GET", "POST"])
@login_required
def plan(request, pk: int):
    """The branch's 主题党日 plan for a year: a month per row, published to the board through the register."""
    branch = get_branch_for_user(request.user, pk=pk)
    year = _year(request)
    can_write = scope_for(request.user).covers(Cap.WRITE, branch)
    items = {i.month: i for i in PlanItem.objects.filter(branch=branch, year=year)}
    errors: dict[int, str] = {}
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        for month in range(1, 13):
            topic = request.POST.get(f"topic_{month}", "").strip()
            raw_day = request.POST.get(f"planned_on_{month}", "").strip()
            if not topic:
                continue
            try:
                day = dt.date.fromisoformat(raw_day) if raw_day else None
                items[month] = services.plan_item_set(
                    branch=branch, year=year, month=month, topic=topic, planned_on=day
                )
            except ValueError:
                errors[month] = _("日期格式应为 YYYY-MM-DD")
            except ValidationError as exc:
                errors[month] = "；".join(exc.messages)
        if not errors:
            messages.success(request, _("主题党日计划已保存"))
            return redirect(f"{reverse('meetings:plan', args=[branch.pk])}?year={year}")
    months = [(m, items.get(m), errors.get(m)) for m in range(1, 13)]
    return render(
        request, "meetings/plan.html", {"branch": branch, "year": year, "months": months, "can_write": can_write}
    )


@require_POST
@login_required
def plan_publish_view(request, pk: int):
    branch = get_branch_for_user(request.user, pk=pk, write=True)
    year = _year(request)
    try:
        plan_publish(branch=branch, year=year, by=request.user)
        messages.success(request, _("%(year)d年主题党日计划已在党务公开栏发布") % {"year": year})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('meetings:plan', args=[branch.pk])}?year={year}")
