"""Roster import (upload, check, confirm, progress) and export pages for users who manage members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.selectors import branches_visible_to, get_branch_for_user

from .forms import RosterUploadForm
from .models import RosterImport
from .roster import (
    QueueUnavailable,
    allowed_branch_ids_for,
    roster_import_job_confirm,
    roster_import_job_create,
    roster_import_job_retry,
    roster_template_xlsx,
)
from .roster import roster_export as export_service
from .roster.recovery import run_looks_dead
from .selectors import import_reach_for, roster_imports_reportable_to

ERRORS_SHOWN = 200
PREVIEW_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import_scope(user) -> None:
    if not allowed_branch_ids_for(user):
        raise PermissionDenied


def _get_job_for_user(user, pk: int) -> RosterImport:
    """A job is its uploader's: nobody else sees its file name, errors or report."""
    return get_object_or_404(RosterImport, pk=pk, uploaded_by=user)


def _job_state(job: RosterImport) -> dict:
    """What the page and its progress JSON say: only what is true of the job right now."""
    label, running, stalled = job.get_status_display(), job.is_running, False
    if job.is_waiting_for_queue:
        # Nothing is happening to it: the check was never handed to a worker.
        label, running = _("未能开始预检，可重试"), False
    elif job.status in (RosterImport.Status.CHECKING, RosterImport.Status.IMPORTING) and run_looks_dead(job):
        label, stalled = _("处理进程无响应，正在自动恢复"), True
    return {
        "status": job.status,
        "status_label": label,
        "progress": job.progress,
        "running": running,
        "stalled": stalled,
        "can_retry": job.is_waiting_for_queue,
        "total": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "errors": job.error_count,
        "message": job.message,
    }


@require_http_methods(["GET", "POST"])
@login_required
def roster_import(request):
    _require_import_scope(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = roster_import_job_create(upload=form.cleaned_data["file"], user=request.user)
        except QueueUnavailable as exc:
            # The upload is kept as a job that can be retried from its page (listed below).
            form.add_error("file", exc)
            return render(request, "members/roster/import.html", _import_context(request, form), status=503)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("members:roster-import-status", pk=job.pk)
    return render(request, "members/roster/import.html", _import_context(request, form))


def _import_context(request, form) -> dict:
    return {
        "form": form,
        "jobs": RosterImport.objects.filter(uploaded_by=request.user)[:10],
        "reach": import_reach_for(request.user),
    }


@login_required
@require_GET
def roster_import_status(request, pk: int):
    job = _get_job_for_user(request.user, pk)
    return render(
        request,
        "members/roster/status.html",
        {
            "job": job,
            "state": _job_state(job),
            "errors": job.errors[:ERRORS_SHOWN],
            "errors_shown": ERRORS_SHOWN,
            "preview": job.preview[:PREVIEW_SHOWN],
            "preview_shown": PREVIEW_SHOWN,
        },
    )


@login_required
@require_GET
def roster_import_progress(request, pk: int):
    job = _get_job_for_user(request.user, pk)
    return JsonResponse(_job_state(job))


@login_required
@require_POST
def roster_import_confirm(request, pk: int):
    job = _get_job_for_user(request.user, pk)
    _require_import_scope(request.user)
    try:
        roster_import_job_confirm(job=job, user=request.user)
    except QueueUnavailable as exc:
        messages.error(request, exc.messages[0])  # the job is checked again: confirm once more later
    except ValidationError:
        pass  # already confirmed or no longer checkable: the status page says which
    return redirect("members:roster-import-status", pk=job.pk)


@login_required
@require_POST
def roster_import_retry(request, pk: int):
    """Queue again the check of an upload that could not be queued."""
    job = _get_job_for_user(request.user, pk)
    _require_import_scope(request.user)
    try:
        roster_import_job_retry(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("members:roster-import-status", pk=job.pk)


@login_required
@require_GET
def roster_import_report(request, pk: int):
    # The uploader's, or a town admin's of the uploader's town (to help fix the file).
    job = get_object_or_404(roster_imports_reportable_to(request.user), pk=pk)
    if not job.error_report:
        raise Http404
    return FileResponse(
        job.error_report.open("rb"),
        as_attachment=True,
        filename=f"{job.file_name.rsplit('.', 1)[0]}-错误报告.xlsx",
        content_type=XLSX,
    )


@login_required
@require_GET
def roster_export(request):
    branches = branches_visible_to(request.user).order_by("path")
    if not branches.exists():
        raise PermissionDenied
    file_format = request.GET.get("format")
    if file_format not in ("xlsx", "csv"):
        return render(request, "members/roster/export.html", {"branches": branches})
    branch = None
    if request.GET.get("branch"):
        branch = get_branch_for_user(request.user, code=request.GET["branch"])
    data, file_name = export_service(user=request.user, file_format=file_format, branch=branch)
    response = HttpResponse(data, content_type=XLSX if file_format == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(file_name)
    return response


@login_required
@require_GET
def roster_template(request):
    response = HttpResponse(roster_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = _attachment("党员名册导入模板.xlsx")
    return response


def _attachment(file_name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"roster.{file_name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(file_name)}"
