"""Pages for projects (书记领衔) and key tasks (亮任务): thin, each starts with one access helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, get_object_for_user, scope_for
from portal.forms import apply_errors, choices_from_rows
from portal.paging import counted_page

from . import services
from .forms import DropForm, MilestoneForm, PhotoForm, ProjectForm, ReportForm
from .models import Category, ProjectPhoto, Status
from .presenters import project_cards_html
from .selectors import (
    branches_writable_by,
    get_milestone_for_user,
    get_project_for_user,
    get_project_page_for_user,
    may_add_project,
    projects_visible_to,
)

PAGE_SIZE = 30
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@require_safe
@login_required
def project_list(request):
    if not scope_for(request.user).has(Cap.READ):
        raise PermissionDenied
    qs = projects_visible_to(request.user).order_by("branch__path", "-starts_on", "pk")
    status, category, year = request.GET.get("status"), request.GET.get("category"), request.GET.get("year")
    if status in Status.values:
        qs = qs.filter(status=status)
    if category in Category.values:
        qs = qs.filter(category=category)
    if year and year.isdigit():
        qs = qs.filter(starts_on__year__lte=int(year), ends_on__year__gte=int(year))
    # Only what a card shows (presenters.project_cards_html), not the projects' and their leads' whole rows.
    page = counted_page(
        request, qs, PAGE_SIZE, "pk", "name", "status", "category", "percent", "branch__name", "lead__name"
    )
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "rows_html": project_cards_html(page.object_list),
            "statuses": Status.choices,
            "categories": Category.choices,
            "status": status,
            "category": category,
            "may_add": may_add_project(request.user),
        },
    )


@GET_POST
@login_required
def project_create(request):
    branches = branches_writable_by(request.user)
    if not branches.exists():
        raise PermissionDenied
    form = ProjectForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("项目已创建，请添加项目节点"))
            return redirect("projects:detail", project.pk)
    return render(request, "projects/form.html", {"form": form, "title": _("新建书记领衔项目")})


@require_safe
@login_required
def project_detail(request, pk: int):
    project = get_project_page_for_user(request.user, pk)
    may_write = scope_for(request.user).covers(Cap.WRITE, project.branch)
    today = timezone.localdate()
    milestones = list(project.milestones.all())
    photos = project.photos.select_related("milestone").only(
        "project", "image", "width", "height", "caption", "milestone__title"
    )
    reports = project.reports.only("project", "month", "done", "problems", "next_steps")
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "milestones": milestones,
            "photos": list(photos[:24]),
            "reports": list(reports[:6]),
            "may_write": may_write,
            "today": today,
            "milestone_form": MilestoneForm() if may_write else None,
            "photo_form": _photo_form(project, milestones) if may_write else None,
            "drop_form": DropForm() if may_write else None,
        },
    )


def _photo_form(project, milestones) -> PhotoForm:
    """The upload form, its milestone choices from the page's milestones (the same rows, in the same
    order as the form's own query of them) instead of reading them a second time."""
    form = PhotoForm(project=project)
    choices_from_rows(form.fields["milestone"], milestones)
    return form


@GET_POST
@login_required
def project_edit(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    form = ProjectForm(request.POST or None, instance=project, branches=None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.PROJECT_FIELDS if f in form.cleaned_data}
        try:
            services.project_update(
                project=get_project_for_user(request.user, pk, write=True), data=data, by=request.user
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("已保存"))
            return redirect("projects:detail", pk)
    return render(request, "projects/form.html", {"form": form, "project": project, "title": _("修改项目")})


@require_POST
@login_required
def project_drop(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    if project.status == Status.DROPPED:
        services.project_resume(project=project, by=request.user)
        messages.success(request, _("项目已恢复"))
        return redirect("projects:detail", pk)
    form = DropForm(request.POST)
    if form.is_valid():
        services.project_drop(project=project, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("项目已终止"))
    else:
        messages.error(request, _("请写明终止原因"))
    return redirect("projects:detail", pk)


@require_POST
@login_required
def milestone_add(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "done_on"}
            milestone = services.milestone_create(project=project, by=request.user, **data)
            if form.cleaned_data.get("done_on"):
                services.milestone_complete(milestone=milestone, done_on=form.cleaned_data["done_on"], by=request.user)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("已添加节点"))
            return redirect("projects:detail", pk)
    return render(
        request, "projects/milestone_form.html", {"form": form, "project": project, "title": _("添加节点")}, status=400
    )


@GET_POST
@login_required
def milestone_edit(request, pk: int):
    milestone = get_milestone_for_user(request.user, pk, write=True)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST":
        if request.POST.get("delete"):
            services.milestone_delete(milestone=milestone, by=request.user)
            messages.success(request, _("节点已删除"))
            return redirect("projects:detail", milestone.project_id)
        if form.is_valid():
            try:
                services.milestone_update(
                    milestone=get_milestone_for_user(request.user, pk, write=True),
                    data={f: form.cleaned_data[f] for f in services.MILESTONE_FIELDS},
                    by=request.user,
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("已保存"))
                return redirect("projects:detail", milestone.project_id)
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "project": milestone.project, "milestone": milestone, "title": _("修改节点")},
    )


@require_POST
@login_required
def milestone_done(request, pk: int):
    """One tap on the phone: the milestone is done today (or undone)."""
    milestone = get_milestone_for_user(request.user, pk, write=True)
    if milestone.done_on:
        services.milestone_reopen(milestone=milestone, by=request.user)
        messages.success(request, _("已撤销完成"))
    else:
        services.milestone_complete(milestone=milestone, by=request.user)
        messages.success(request, _("节点已完成"))
    return redirect("projects:detail", milestone.project_id)


@require_POST
@login_required
def photo_add(request, pk: int):
    project = get_project_for_user(request.user, pk, write=True)
    form = PhotoForm(request.POST, request.FILES, project=project)
    if form.is_valid():
        try:
            services.photo_add(
                project=project,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                milestone=form.cleaned_data["milestone"],
                by=request.user,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("照片已上传"))
            return redirect("projects:detail", pk)
    return render(request, "projects/photo_form.html", {"form": form, "project": project}, status=400)


@require_POST
@login_required
def photo_delete(request, pk: int):
    photo = get_object_for_user(
        ProjectPhoto.objects.select_related("project__branch"), request.user, pk, write=True, via="project__branch__"
    )
    services.photo_delete(photo=photo, by=request.user)
    messages.success(request, _("照片已删除"))
    return redirect("projects:detail", photo.project_id)


@GET_POST
@login_required
def report_edit(request, pk: int):
    """The monthly progress report, written on a phone."""
    project = get_project_for_user(request.user, pk, write=True)
    today = timezone.localdate()
    month = today.replace(day=1)
    existing = project.reports.filter(month=month).first()
    form = ReportForm(request.POST or None, instance=existing, initial={"month": month})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(
                project=project,
                month=form.cleaned_data["month"],
                done=form.cleaned_data["done"],
                problems=form.cleaned_data["problems"],
                next_steps=form.cleaned_data["next_steps"],
                by=request.user,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("月度进展已提交"))
            return redirect("projects:detail", pk)
    return render(request, "projects/report_form.html", {"form": form, "project": project})


@require_POST
@login_required
def project_publish(request, pk: int):
    """Put the project on its site's board; from now on every change publishes a new version."""
    from .publishing import project_publish as publish

    project = get_project_for_user(request.user, pk, write=True)
    try:
        version = publish(project=project, by=request.user)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, _("已在公开栏发布（第 %(n)s 版）") % {"n": version.number})
    return redirect("projects:detail", pk)
