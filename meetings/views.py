"""The meeting log, phone first: log, read, edit, submit, confirm, decisions, photos and attachments."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from branches.models import Branch
from branches.selectors import branches_where, get_branch_for_user
from members.models import Member
from portal.forms import apply_errors

from . import services, uploads
from .forms import MarkOptions, MeetingForm, meeting_initial
from .models import Attendance, Meeting, MeetingAttachment, MeetingPhoto
from .presenters import meeting_log_rows_html, not_present_html, roster_html
from .selectors import (
    get_meeting_for_user,
    get_meeting_page_for_user,
    meetings_visible_to,
    type_values_of_meetings,
)

PAGE_SIZE = 30


@require_safe
@login_required
def meeting_list(request):
    scope = scope_for(request.user)
    if not scope.has(Cap.READ):
        return redirect("meetings:mine")
    qs = meetings_visible_to(request.user).order_by("-held_on", "-pk")
    branch = None
    if request.GET.get("branch"):
        branch = get_branch_for_user(request.user, pk=request.GET["branch"])
        qs = qs.filter(branch=branch)
    elif scope.home_branch_id:
        branch = Branch.objects.get(pk=scope.home_branch_id)
        qs = qs.filter(branch__path__startswith=branch.path)
    page = Paginator(qs.prefetch_related(None).only(*LIST_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    can_log = branches_where(request.user, Cap.WRITE).exists()
    rows = _list_rows(page.object_list)
    context = {
        "page": page,
        "rows": rows,
        "rows_html": meeting_log_rows_html(rows),
        "branch": branch,
        "can_log": can_log,
    }
    return render(request, "meetings/list.html", context)


# What a line of the meeting log shows: not the minutes, guests or other long texts of each meeting.
LIST_COLUMNS = (
    "pk", "held_on", "topic", "status", "expected_count", "present_count", "branch__name", "party_group__name",
)  # fmt: skip


def _list_rows(meetings) -> list[dict]:
    """One row of plain text per meeting of the page: its link, date, topic, type names (in the types'
    order) and the line under it. The types are read as names in one query, not as objects."""
    meetings = list(meetings)
    names = type_values_of_meetings([m.pk for m in meetings], "name")
    draft_label = _("草稿")
    return [
        {
            "url": reverse("meetings:detail", args=[m.pk]),
            "date": m.held_on.isoformat(),
            "topic": m.topic,
            "types": names[m.pk],
            "group": m.party_group.name if m.party_group_id else "",
            "branch": m.branch.name,
            "counts": _("应到 %(a)s 实到 %(p)s") % {"a": m.expected_count, "p": m.present_count},
            "draft": m.status == Meeting.Status.DRAFT,
            "draft_label": draft_label,
        }
        for m in meetings
    ]


def _branch_for_logging(request) -> Branch:
    scope = scope_for(request.user)
    pk = request.GET.get("branch") or scope.home_branch_id
    if pk is None:
        first = branches_where(request.user, Cap.WRITE).filter(kind=Branch.Kind.BRANCH).order_by("path").first()
        if first is None:
            raise PermissionDenied
        pk = first.pk
    return get_branch_for_user(request.user, pk=pk, write=True)


def _roster_rows(roster, marks=None) -> list[dict]:
    """One row of plain data per member on the roster, by party group and name: the name, the group's
    name (None without a group), the ``att_<member id>`` field the form's ``marks()`` reads, and its
    options with the member's mark selected (present unless ``marks`` says otherwise).

    Three columns rather than the members (every column of a member record) with their groups: the
    roster is the page's longest part and the rows only show a name."""
    marks = marks or {}
    options = MarkOptions()
    rows = roster.order_by("party_group__name", "name", "pk").values_list("pk", "name", "party_group__name")
    return [
        {"name": name, "group": group, "field": f"att_{pk}", "options": options(marks.get(pk, "present"))}
        for pk, name, group in rows
    ]


def _roster_context(roster, marks=None) -> dict:
    """The form's roster: its rows (the template counts them) and their markup."""
    rows = _roster_rows(roster, marks)
    return {"roster": rows, "roster_html": roster_html(rows)}


def _url_token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.GET.get("token", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request):
    """Log a meeting. The form's submission key lives in its address (``?token=``), not only in the page:
    Back after a submit, a reload or a retried post all reach the same key, so they show the meeting
    already saved instead of making a second one (the key is unique on the meeting)."""
    branch = _branch_for_logging(request)
    token = _url_token(request)
    if request.method == "GET":
        found = Meeting.objects.filter(idempotency_key=token).only("pk", "branch_id", "idempotency_key")
        done = found.first() if token else None
        if done is not None and done.branch_id == branch.pk:
            messages.info(request, _("这次会议已经保存过了，没有重复记录"))
            return redirect(f"{done.get_absolute_url()}?saved={done.idempotency_key}")
        if token is None or done is not None:
            query = request.GET.copy()
            query["token"] = str(uuid.uuid4())
            return redirect(f"{request.path}?{query.urlencode()}")
    form = MeetingForm(request.POST or None, branch=branch, initial={"idempotency_key": token})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                meeting, created = services.meeting_create(
                    branch=branch,
                    by=request.user,
                    types=list(data["types"]),
                    party_group=data["party_group"],
                    held_on=data["held_on"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    topic=data["topic"],
                    host=data["host"],
                    recorder=data["recorder"],
                    lecturer=data["lecturer"],
                    guests=data["guests"],
                    minutes=data["minutes"],
                    marks=form.marks(),
                    status=Meeting.Status.DRAFT if request.POST.get("action") == "draft" else Meeting.Status.SUBMITTED,
                    # The draft kept on the phone carries the key it was first given; else the address's.
                    idempotency_key=data["idempotency_key"] or token,
                )
                if created:
                    for upload in request.FILES.getlist("photos"):
                        uploads.meeting_add_photo(meeting=meeting, upload=upload)
                    for upload in request.FILES.getlist("attachments"):
                        uploads.meeting_add_attachment(meeting=meeting, upload=upload)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if created:
                messages.success(request, _("会议记录已保存"))
            else:
                messages.info(request, _("这次会议已经保存过了，没有重复记录"))
            return redirect(f"{meeting.get_absolute_url()}?saved={meeting.idempotency_key}")
    posted = {k: v for k, v in request.POST.items() if k.startswith("att_")}
    marks = {int(k[4:]): v for k, v in posted.items() if k[4:].isdigit()}
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "branch": branch,
            **_roster_context(services.roster_for(branch=branch), marks),
            "draft_key": f"meeting-draft:{branch.pk}",
            "creating": True,
        },
    )


@require_safe
@login_required
def meeting_detail(request, pk: int):
    # The meeting with whether it has photos, attachments, decisions or revisions: each read only if so.
    meeting = get_meeting_page_for_user(request.user, pk)
    scope = scope_for(request.user)
    # The page names only those not present (the counts say the rest): not a row per member of the branch.
    statuses, reasons = dict(Attendance.Status.choices), dict(Attendance.Reason.choices)
    not_present = [
        (name, statuses.get(status, status), reasons.get(reason, reason))
        for name, status, reason in meeting.attendance.exclude(status=Attendance.Status.PRESENT)
        .order_by("status", "member__name")
        .values_list("member__name", "status", "reason")
    ]
    today = timezone.localdate()
    types = list(meeting.types.all())
    context = {
        "meeting": meeting,
        "type_names": [t.name for t in types],
        "not_present": not_present,
        "not_present_html": not_present_html(not_present),
        "photos": list(meeting.photos.all()) if meeting.has_photos else [],
        "attachments": list(meeting.attachments.all()) if meeting.has_attachments else [],
        "decisions": list(meeting.decisions.select_related("member")) if meeting.has_decisions else [],
        "revisions": list(meeting.revisions.select_related("changed_by")) if meeting.has_revisions else [],
        "locked": meeting.is_locked(today) or meeting.status == Meeting.Status.CONFIRMED,
        "can_edit": services.is_editable_by(request.user, meeting, today),
        "can_write": scope.covers(Cap.WRITE, meeting.branch),
        "can_confirm": meeting.status == Meeting.Status.SUBMITTED and scope.covers(Cap.APPROVE, meeting.branch),
        "is_members_meeting": any(t.code == "members" for t in types),
        "probationary": Member.objects.filter(branch=meeting.branch, category=Member.Category.PROBATIONARY)
        .due_for_conversion(meeting.held_on)
        .order_by("name")
        if scope.covers(Cap.WRITE, meeting.branch)
        else [],
        "saved_key": request.GET.get("saved", ""),
    }
    return render(request, "meetings/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    if not services.is_editable_by(request.user, meeting):
        raise PermissionDenied
    amending = meeting.is_locked(timezone.localdate()) or meeting.status == Meeting.Status.CONFIRMED
    roster = services.roster_for(branch=meeting.branch, party_group=meeting.party_group, types=meeting.types.all())
    form = MeetingForm(request.POST or None, branch=meeting.branch, amending=amending, initial=meeting_initial(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.meeting_update(
                    meeting=meeting,
                    by=request.user,
                    types=list(data["types"]),
                    marks=form.marks(),
                    reason=data.get("reason", ""),
                    **{k: data[k] for k in services.UPDATABLE},
                )
                for upload in request.FILES.getlist("photos"):
                    uploads.meeting_add_photo(meeting=meeting, upload=upload)
                for upload in request.FILES.getlist("attachments"):
                    uploads.meeting_add_attachment(meeting=meeting, upload=upload)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("会议记录已更新"))
            return redirect(meeting.get_absolute_url())
    marks = {
        member_id: f"leave:{reason}" if status == Attendance.Status.LEAVE else status
        for member_id, status, reason in meeting.attendance.values_list("member_id", "status", "reason")
    }
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "branch": meeting.branch,
            "meeting": meeting,
            **_roster_context(roster, marks),
            "draft_key": f"meeting-draft:edit-{meeting.pk}",
            "amending": amending,
        },
    )


@require_POST
@login_required
def meeting_submit(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        services.meeting_submit(meeting=meeting, by=request.user)
        messages.success(request, _("会议记录已提交"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting.get_absolute_url())


@require_POST
@login_required
def meeting_confirm(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=Cap.APPROVE)
    try:
        services.meeting_confirm(meeting=meeting, by=request.user)
        messages.success(request, _("会议记录已确认"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting.get_absolute_url())


@require_POST
@login_required
def decision_add(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        if request.POST.get("member"):
            member = get_object_or_404(Member, pk=request.POST["member"], branch=meeting.branch)
            services.decision_record_conversion(meeting=meeting, member=member, by=request.user)
        else:
            services.decision_record(meeting=meeting, text=request.POST.get("text", "").strip(), by=request.user)
        messages.success(request, _("决议已记录"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(meeting.get_absolute_url())


@require_POST
@login_required
def photo_publish(request, pk: int):
    photo = get_object_or_404(MeetingPhoto.objects.select_related("meeting__branch"), pk=pk)
    get_meeting_for_user(request.user, photo.meeting_id, write=True)
    uploads.photo_set_published(photo=photo, published=request.POST.get("published") == "1")
    return redirect(photo.meeting.get_absolute_url())


@require_safe
def photo_file(request, pk: int):
    """A meeting photo: for the branch's readers, or anyone once published."""
    photo = get_object_or_404(MeetingPhoto, pk=pk)
    if not photo.is_published:
        if not request.user.is_authenticated:
            raise Http404
        get_meeting_for_user(request.user, photo.meeting_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600" if not photo.is_published else "public, max-age=86400"
    return response


@require_safe
@login_required
def attachment_file(request, pk: int):
    attachment = get_object_or_404(MeetingAttachment, pk=pk)
    get_meeting_for_user(request.user, attachment.meeting_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
