"""Pages for inspections, rectification, pioneer points and appraisal (phone first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from members.models import Member
from members.selectors import members_writable_by
from portal.forms import apply_errors
from portal.paging import counted_page

from . import services
from .forms import GradeForm, InspectionForm, PointEntryForm, RectificationActForm, SelfAssessmentForm
from .models import Appraisal, Rectification
from .presenters import (
    appraisal_rows_html,
    finding_slots_html,
    own_points_html,
    ranking_rows_html,
    rectification_rows_html,
    score_fields_html,
)
from .publishing import publish_appraisals
from .selectors import (
    appraisals_visible_to,
    current_standard,
    get_inspection_for_user,
    get_rectification_for_user,
    inspectable_units,
    inspections_visible_to,
    may_answer,
    may_verify,
    point_entries_visible_to,
    rectifications_visible_to,
)

PAGE_SIZE = 30


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@login_required
def inspection_list(request):
    scope = scope_for(request.user)
    if not scope.has(Cap.READ):
        raise PermissionDenied
    qs = inspections_visible_to(request.user).order_by("-month", "branch__path")
    return render(
        request, "assessment/inspection_list.html", {"page": _page(request, qs), "can_inspect": scope.has(Cap.INSPECT)}
    )


@require_http_methods(["GET", "POST"])
@login_required
def inspection_new(request):
    units = inspectable_units(request.user)
    if not scope_for(request.user).has(Cap.INSPECT):
        raise PermissionDenied
    standard = current_standard(timezone.localdate().year)
    if standard is None:
        return render(request, "assessment/no_standard.html")
    form = InspectionForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        units=units,
        standard=standard,
        initial={"branch": request.GET.get("branch")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                branch=form.cleaned_data["branch"],
                month=form.cleaned_data["month"],
                standard=standard,
                inspector=request.user,
                scores=form.scores(),
                inspected_on=form.cleaned_data["inspected_on"],
                note=form.cleaned_data["note"],
                findings=form.findings(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存 {inspection.branch.name} {inspection.month:%Y年%m月} 的督查结果")
            return redirect("assessment:inspection-detail", pk=inspection.pk)
    return render(
        request,
        "assessment/inspection_form.html",
        {
            "form": form,
            "standard": standard,
            "score_fields_html": score_fields_html(form.score_fields()),
            "finding_slots_html": finding_slots_html(form.finding_slots()),
        },
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def inspection_detail(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    scores = inspection.scores.select_related("item").order_by("item__order")
    return render(
        request,
        "assessment/inspection_detail.html",
        {
            "inspection": inspection,
            "scores": scores,
            "findings": inspection.findings.all(),
            "can_inspect": scope_for(request.user).covers(Cap.INSPECT, inspection.branch),
        },
    )


@require_safe
@login_required
def rectification_list(request):
    if not scope_for(request.user).has(Cap.READ):
        raise PermissionDenied
    qs = rectifications_visible_to(request.user)
    status = request.GET.get("status")
    if status in Rectification.Status.values:
        qs = qs.filter(status=status)
    elif status == "overdue":
        qs = qs.filter(pk__in=services.overdue_rectifications(timezone.localdate()))
    page = counted_page(request, qs, PAGE_SIZE, "pk", "finding", "branch__name", "status", "deadline")
    today = timezone.localdate()
    return render(
        request,
        "assessment/rectification_list.html",
        {
            "page": page,
            "rows_html": rectification_rows_html(page.object_list, today),
            "status": status,
            "statuses": Rectification.Status.choices,
            "today": today,
        },
    )


@require_safe
@login_required
def rectification_detail(request, pk: int):
    rect = get_rectification_for_user(request.user, pk)
    return _rectification_page(request, rect, RectificationActForm())


def _rectification_page(request, rect, form, status=200):
    return render(
        request,
        "assessment/rectification_detail.html",
        {
            "rect": rect,
            "form": form,
            "events": rect.events.select_related("by"),
            "may_answer": may_answer(request.user, rect),
            "may_verify": may_verify(request.user, rect),
            "overdue": rect.status in ("open", "explained") and rect.deadline < timezone.localdate(),
        },
        status=status,
    )


@require_POST
@login_required
def rectification_act(request, pk: int):
    rect = get_rectification_for_user(request.user, pk)
    form = RectificationActForm(request.POST)
    if not form.is_valid():
        return _rectification_page(request, rect, form, status=400)
    d, user = form.cleaned_data, request.user
    steps = {
        "explain": lambda: services.rectification_explain(
            rectification=rect, by=user, cause=d["cause"], measures=d["measures"]
        ),
        "fix": lambda: services.rectification_fix(rectification=rect, by=user, result=d["result"]),
        "verify": lambda: services.rectification_verify(rectification=rect, by=user, note=d["note"]),
        "reopen": lambda: services.rectification_reopen(
            rectification=rect, by=user, note=d["note"], deadline=d["deadline"]
        ),
    }
    try:
        steps[d["action"]]()
    except ValidationError as exc:
        apply_errors(form, exc)
        return _rectification_page(request, rect, form, status=400)
    messages.success(request, "已保存")
    return redirect("assessment:rectification-detail", pk=rect.pk)


@require_safe
@login_required
def points(request):
    """A member's own ledger; a secretary's view of their branch's totals."""
    scope = scope_for(request.user)
    visible = point_entries_visible_to(request.user)
    own = None
    if scope.own_member_id:
        # The whole ledger is listed, so its total is summed here rather than by a second query.
        own = list(
            visible.filter(member_id=scope.own_member_id)
            .select_related(None)
            .values_list("reason", "on", "kind", "points", named=True)
        )
    ranking = None
    if scope.has(Cap.READ):
        ranking = (
            visible.filter(on__year=timezone.localdate().year)
            .values("member_id", "member__name", "branch__name")
            .annotate(total=Sum("points"))
            .order_by("-total", "member__name")
        )
    if own is None and ranking is None:
        raise PermissionDenied
    ranking_page = counted_page(request, ranking, PAGE_SIZE) if ranking is not None else None
    return render(
        request,
        "assessment/points.html",
        {
            "own": own,
            "own_html": own_points_html(own) if own else "",
            "own_total": sum(entry.points for entry in own) if own is not None else None,
            "ranking": ranking_page,
            "ranking_html": ranking_rows_html(ranking_page.object_list) if ranking_page is not None else "",
            "can_add": scope.has(Cap.WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def point_add(request):
    members = members_writable_by(request.user).filter(standing=Member.Standing.NORMAL).order_by("name")
    if not scope_for(request.user).has(Cap.WRITE):
        raise PermissionDenied
    form = PointEntryForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.point_entry_add(
                member=d["member"], kind=d["kind"], points=d["points"], reason=d["reason"], on=d["on"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已为 {d['member'].name} 记录 {d['points']} 分")
            return redirect("assessment:points")
    return render(request, "assessment/point_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def appraisals(request):
    """This year's appraisal: a member writes their self-assessment; a secretary records tallies and grades."""
    scope = scope_for(request.user)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    own = None
    self_form = None
    if scope.own_member_id:
        own = Appraisal.objects.filter(member_id=scope.own_member_id, year=year).first()
        self_form = SelfAssessmentForm(initial={"self_assessment": own.self_assessment if own else ""})
    grade_form = GradeForm(members=members_writable_by(request.user)) if scope.has(Cap.WRITE) else None
    if not (own or self_form or scope.has(Cap.READ)):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("form") == "self" and self_form is not None:
                self_form = SelfAssessmentForm(request.POST)
                if self_form.is_valid():
                    services.appraisal_self_assess(
                        member=Member.objects.get(pk=scope.own_member_id),
                        year=year,
                        text=self_form.cleaned_data["self_assessment"],
                        by=request.user,
                    )
                    messages.success(request, "自我评价已提交")
                    return redirect("assessment:appraisals")
            elif request.POST.get("form") == "grade" and grade_form is not None:
                grade_form = GradeForm(request.POST, members=members_writable_by(request.user))
                if grade_form.is_valid():
                    d = grade_form.cleaned_data
                    services.appraisal_grade(
                        member=d["member"], year=year, grade=d["grade"], by=request.user, votes=grade_form.votes()
                    )
                    messages.success(request, f"已评定 {d['member'].name} 的等次")
                    return redirect("assessment:appraisals")
            elif request.POST.get("form") == "publish" and grade_form is not None:
                n = publish_appraisals(user=request.user, year=year)
                messages.success(request, f"已在党务公开栏发布 {n} 个支部的评议结果（姓名和等次）")
                return redirect(f"{reverse('assessment:appraisals')}?year={year}")
            elif request.POST.get("form") in ("self", "grade", "publish"):
                raise PermissionDenied  # the form this role is not offered
            else:
                messages.error(request, "请选择要提交的表单")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    page = None
    if scope.has(Cap.READ):
        listing = (
            appraisals_visible_to(request.user)
            .filter(year=year)
            .order_by("branch__path", "member__name")
            .annotate(self_assessed=ExpressionWrapper(~Q(self_assessment=""), output_field=BooleanField()))
        )
        page = counted_page(
            request,
            listing,
            PAGE_SIZE,
            "member__name",
            "branch__name",
            "self_assessed",
            "votes_excellent",
            "votes_qualified",
            "votes_basic",
            "votes_unqualified",
            "grade",
        )
    return render(
        request,
        "assessment/appraisals.html",
        {
            "year": year,
            "own": own,
            "self_form": self_form,
            "grade_form": grade_form,
            "page": page,
            "rows_html": appraisal_rows_html(page.object_list) if page is not None else "",
        },
        status=400 if request.method == "POST" else 200,
    )
