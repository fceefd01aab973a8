"""Town-office pages: this quarter at a glance, scores and stars, catch-up plans, the quarterly briefing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for

from . import briefing as briefing_service
from . import scoring
from .dashboard import town_glance
from .forms import CatchUpForm, ExternalScoreForm
from .models import Briefing, QuarterScore
from .periods import QUARTER_PATTERN, last_full_quarter, quarter_label
from .presenters import plan_items_html, score_rows_html
from .selectors import (
    briefings_visible_to,
    catch_up_plans_visible_to,
    get_briefing_for_user,
    get_catch_up_plan_for_user,
    may_publish_briefing,
    quarter_scores_visible_to,
    town_of,
    units_of,
)


def _quarter(request) -> str:
    q = (request.GET.get("quarter") or request.POST.get("quarter") or "").upper()
    return q if QUARTER_PATTERN.match(q) else last_full_quarter(timezone.localdate())


def _town(request):
    town = town_of(request.user)
    if town is None:
        raise PermissionDenied
    return town


@require_safe
@login_required
def dashboard(request):
    """The town office's home: this quarter at a glance, and the stars of the latest scored quarter."""
    town = _town(request)
    q = (request.GET.get("quarter") or "").upper()
    glance = town_glance(request.user, town, today=timezone.localdate(), scored_quarter=q or None)
    return render(request, "assessment/dashboard.html", {"glance": glance, "chart": glance.chart})


@require_safe
@login_required
def scores(request):
    scope = scope_for(request.user)
    if not scope.has(Cap.READ):
        raise PermissionDenied
    quarter = _quarter(request)
    # A quarter has a score per assessed unit (a town's few dozen): read them all, narrow, in one
    # query — the page, its count and whether any is locked come from the same rows.
    rows = list(
        quarter_scores_visible_to(request.user)
        .filter(quarter=quarter)
        .order_by("rank", "branch__path")
        .values_list("rank", "branch__name", "total", "stars", "previous_stars", "locked", named=True)
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    plans = list(
        catch_up_plans_visible_to(request.user)
        .filter(quarter=quarter)
        .values_list("pk", "branch__name", "status", named=True)
    )
    return render(
        request,
        "assessment/scores.html",
        {
            "quarter": quarter,
            "quarter_label": quarter_label(quarter),
            "page": page,
            "rows_html": score_rows_html(page.object_list),
            "locked": any(row.locked for row in rows),
            "can_compute": scope.has(Cap.OVERVIEW),
            "plans": plans,
            "plans_html": plan_items_html(plans),
        },
    )


@require_POST
@login_required
def scores_compute(request):
    town = _town(request)
    quarter = _quarter(request)
    try:
        rows = scoring.quarter_scores_compute(organisation=town, quarter=quarter)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已计算 {len(rows)} 个单位 {quarter_label(quarter)} 的得分")
    return redirect(f"{reverse('assessment:scores')}?quarter={quarter}")


@require_http_methods(["GET", "POST"])
@login_required
def external_scores(request):
    """The town office enters the line departments' scores and the appraisal, unit by unit."""
    town = _town(request)
    if not scope_for(request.user).covers(Cap.WRITE, town):
        raise PermissionDenied
    units = units_of(town)
    form = ExternalScoreForm(
        request.POST if request.method == "POST" else None, units=units, initial={"quarter": _quarter(request)}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            scoring.external_score_set(
                branch=d["branch"],
                quarter=d["quarter"],
                departments=d["departments"],
                appraisal=d["appraisal"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已保存 {d['branch'].name} {d['quarter']} 的评分")
            return redirect(f"{reverse('assessment:external-scores')}?quarter={d['quarter']}")
    return render(request, "assessment/external_scores.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def catch_up(request, pk: int):
    plan = get_catch_up_plan_for_user(request.user, pk)
    scope = scope_for(request.user)
    form = CatchUpForm(request.POST if request.method == "POST" else None, initial={"plan": plan.plan})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                scoring.catch_up_plan_update(
                    plan=plan,
                    by=request.user,
                    text=d["plan"] if d["plan"] != plan.plan else "",
                    follow_up=d["follow_up"],
                    done=d["done"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, "已保存")
                return redirect("assessment:catch-up", pk=plan.pk)
    return render(
        request,
        "assessment/catch_up.html",
        {
            "plan": plan,
            "form": form,
            "may_plan": scope.covers(Cap.WRITE, plan.branch),
            "may_follow": scope.covers(Cap.OVERVIEW, plan.branch),
            "score": QuarterScore.objects.filter(branch=plan.branch, quarter=plan.quarter).first(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def briefings(request):
    town = _town(request)
    if request.method == "POST":
        quarter = _quarter(request)
        try:
            briefing = briefing_service.briefing_request(organisation=town, quarter=quarter, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("assessment:briefings")
        return redirect("assessment:briefing", pk=briefing.pk)
    return render(
        request,
        "assessment/briefings.html",
        {
            "briefings": briefings_visible_to(request.user).order_by("-quarter")[:20],
            "default_quarter": last_full_quarter(timezone.localdate()),
        },
    )


@require_safe
@login_required
def briefing_detail(request, pk: int):
    briefing = get_briefing_for_user(request.user, pk)
    return render(
        request,
        "assessment/briefing.html",
        {
            "briefing": briefing,
            "label": quarter_label(briefing.quarter),
            "may_publish": may_publish_briefing(request.user, briefing),
            "files": [f for f in briefing_service.FORMATS if briefing_service.file_path(briefing, f)],
        },
    )


@require_safe
@login_required
def briefing_progress(request, pk: int):
    b = get_briefing_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": b.status,
            "status_display": b.get_status_display(),
            "progress": b.progress,
            "step": b.step,
            "done": b.status in (Briefing.Status.READY, Briefing.Status.PUBLISHED),
            "failed": b.status == Briefing.Status.FAILED,
        }
    )


@require_safe
@login_required
def briefing_download(request, pk: int):
    briefing = get_briefing_for_user(request.user, pk)
    fmt = request.GET.get("as", "pdf")
    path = briefing_service.file_path(briefing, fmt)
    if path is None:
        raise Http404
    return FileResponse(
        open(path, "rb"),
        as_attachment=fmt != "html",
        filename=briefing_service.file_name(briefing, fmt),
        content_type=briefing_service.FORMATS[fmt],
    )


@require_POST
@login_required
def briefing_publish(request, pk: int):
    briefing = get_briefing_for_user(request.user, pk)
    try:
        briefing_service.briefing_publish(briefing=briefing, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "通报已发布，本季度考核结果已锁定")
    return redirect("assessment:briefing", pk=briefing.pk)
