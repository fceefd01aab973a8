"""Writes of the meetings app: log a meeting with its attendance, its lifecycle, decisions, the yearly plan.

The same functions serve the phone form, the API, the admin, the demo seed and
the tests. Every saved meeting re-runs the overdue pass for its branch, so
logging a late meeting closes its flag.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for
from branches.models import Branch, OfficerPost, PartyGroup
from members.models import LEFT_PARTY_STANDINGS, Member

from .models import Attendance, Decision, Meeting, MeetingType, MinutesRevision, PlanItem


@dataclass(frozen=True)
class Mark:
    """A member not simply present: on leave (with a reason) or absent."""

    status: str
    reason: str = ""


def roster_for(
    *, branch: Branch, party_group: PartyGroup | None = None, types: Iterable[MeetingType] = ()
) -> QuerySet[Member]:
    """Who is expected: the party group's members at a group meeting, the committee at a 支委会 alone, else the branch."""
    members = Member.objects.filter(branch=branch).exclude(standing__in=LEFT_PARTY_STANDINGS)
    codes = {t.code for t in types}
    if party_group is not None:
        return members.filter(party_group=party_group)
    if codes == {"committee"}:
        officers = OfficerPost.objects.current(timezone.localdate()).filter(branch=branch).values("member_id")
        return members.filter(pk__in=officers)
    return members


def _validate(
    *,
    branch: Branch,
    types: list[MeetingType],
    held_on: dt.date | None,
    party_group: PartyGroup | None,
    lecturer: str,
    roster_ids: set[int],
    marks: Mapping[int, Mark],
) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if held_on and held_on > today:
        errors.setdefault("held_on", []).append(_("会议日期不能晚于今天"))
    if not types:
        errors.setdefault("types", []).append(_("请至少选择一种会议类型"))
    if any(t.has_lecturer for t in types) and not lecturer.strip():
        errors.setdefault("lecturer", []).append(_("党课须填写授课人"))
    if party_group is not None and party_group.branch_id != branch.pk:
        errors.setdefault("party_group", []).append(_("党小组不属于该党支部"))
    if any(t.for_party_group for t in types) and party_group is None:
        errors.setdefault("party_group", []).append(_("党小组会须选择党小组"))
    if set(marks) - roster_ids:
        errors.setdefault("attendance", []).append(_("只能登记本支部（党小组）的党员"))
    for mark in marks.values():
        if mark.status not in Attendance.Status.values:
            errors.setdefault("attendance", []).append(_("出勤状态无效"))
        elif mark.status == Attendance.Status.LEAVE and mark.reason not in Attendance.Reason.values:
            errors.setdefault("attendance", []).append(_("请假须选择原因：病假、事假、因公或流动在外"))
    if errors:
        raise ValidationError(errors)


def _write_attendance(meeting: Meeting, roster_ids: Iterable[int], marks: Mapping[int, Mark]) -> None:
    meeting.attendance.all().delete()
    rows = []
    for member_id in sorted(roster_ids):
        mark = marks.get(member_id, Mark(Attendance.Status.PRESENT))
        reason = mark.reason if mark.status == Attendance.Status.LEAVE else ""
        rows.append(Attendance(meeting=meeting, member_id=member_id, status=mark.status, reason=reason))
    Attendance.objects.bulk_create(rows, batch_size=1000)
    meeting.expected_count = len(rows)
    meeting.present_count = sum(r.status == Attendance.Status.PRESENT for r in rows)
    meeting.leave_count = sum(r.status == Attendance.Status.LEAVE for r in rows)
    meeting.absent_count = sum(r.status == Attendance.Status.ABSENT for r in rows)


def meeting_create(
    *,
    branch: Branch,
    types: list[MeetingType],
    held_on: dt.date,
    place: str,
    topic: str,
    host: str,
    by=None,
    starts_at: dt.time | None = None,
    party_group: PartyGroup | None = None,
    recorder: str = "",
    lecturer: str = "",
    guests: str = "",
    minutes: str = "",
    marks: Mapping[int, Mark] | None = None,
    status: str = Meeting.Status.SUBMITTED,
    idempotency_key: uuid.UUID | str | None = None,
) -> tuple[Meeting, bool]:
    """Log a sitting with its attendance (everyone on the roster present unless marked). Returns (meeting, created).

    The same ``idempotency_key`` twice (a double tap, a retry after the signal
    dropped) gives back the first meeting: the key is unique in the database,
    so two submissions racing each other still make one.
    """
    marks = dict(marks or {})
    key = uuid.UUID(str(idempotency_key)) if idempotency_key else None
    if key is not None and (found := _logged_with(key, branch)):
        return found, False
    roster_ids = set(roster_for(branch=branch, party_group=party_group, types=types).values_list("pk", flat=True))
    _validate(
        branch=branch,
        types=types,
        held_on=held_on,
        party_group=party_group,
        lecturer=lecturer,
        roster_ids=roster_ids,
        marks=marks,
    )
    meeting = Meeting(
        branch=branch,
        party_group=party_group,
        held_on=held_on,
        starts_at=starts_at,
        place=place,
        topic=topic,
        host=host,
        recorder=recorder,
        lecturer=lecturer,
        guests=guests,
        minutes=minutes,
        status=status,
        idempotency_key=key,
        created_by=by,
        submitted_at=timezone.now() if status != Meeting.Status.DRAFT else None,
    )
    meeting.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            meeting.save()
            meeting.types.set(types)
            _write_attendance(meeting, roster_ids, marks)
            meeting.save(update_fields=["expected_count", "present_count", "leave_count", "absent_count"])
    except IntegrityError:
        if key is not None and (found := _logged_with(key, branch)):
            return found, False
        raise
    _after_save(meeting)
    return meeting, True


def _logged_with(key: uuid.UUID, branch: Branch) -> Meeting | None:
    """The meeting already saved under ``key``; a key another branch used is refused, never handed over."""
    found = Meeting.objects.filter(idempotency_key=key).first()
    if found is not None and found.branch_id != branch.pk:
        raise ValidationError({NON_FIELD_ERRORS: [_("提交标识已被其他会议使用，请刷新页面后重新提交")]})
    return found


def may_amend(user, meeting: Meeting) -> bool:
    return scope_for(user).covers(Cap.AMEND, meeting.branch)


def is_editable_by(user, meeting: Meeting, today: dt.date | None = None) -> bool:
    """Writers edit until the record is confirmed or locked; after that only those who may amend."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    if scope.covers(Cap.AMEND, meeting.branch):
        return True
    if not scope.covers(Cap.WRITE, meeting.branch):
        return False
    return meeting.status != Meeting.Status.CONFIRMED and not meeting.is_locked(today)


UPDATABLE = ("held_on", "starts_at", "place", "topic", "host", "recorder", "lecturer", "guests", "minutes")


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by,
    types: list[MeetingType] | None = None,
    marks: Mapping[int, Mark] | None = None,
    reason: str = "",
    **fields,
) -> Meeting:
    """Change a meeting. Once confirmed or locked, only an amender may, with a reason; the earlier minutes are kept."""
    if not is_editable_by(by, meeting):
        raise ValidationError(_("会议记录已确认或已超过 30 天，只有镇党建办管理员可以修改"))
    amending = meeting.status == Meeting.Status.CONFIRMED or meeting.is_locked(timezone.localdate())
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    if amending and "minutes" in fields and fields["minutes"] != meeting.minutes:
        if not reason.strip():
            raise ValidationError({"reason": _("修改已锁定的会议记录须说明原因")})
        MinutesRevision.objects.create(meeting=meeting, minutes=meeting.minutes, reason=reason, changed_by=by)
    for name, value in fields.items():
        setattr(meeting, name, value)
    types = list(types) if types is not None else list(meeting.types.all())
    roster_ids = set(
        roster_for(branch=meeting.branch, party_group=meeting.party_group, types=types).values_list("pk", flat=True)
    )
    if marks is not None:
        # Members marked at the time who have left the roster since stay on the record.
        roster_ids |= set(meeting.attendance.values_list("member_id", flat=True)) if amending else set()
    _validate(
        branch=meeting.branch,
        types=types,
        held_on=meeting.held_on,
        party_group=meeting.party_group,
        lecturer=meeting.lecturer,
        roster_ids=roster_ids,
        marks=marks or {},
    )
    meeting.full_clean(exclude=["idempotency_key"])
    meeting.save()
    meeting.types.set(types)
    if marks is not None:
        _write_attendance(meeting, roster_ids, marks)
        meeting.save(update_fields=["expected_count", "present_count", "leave_count", "absent_count"])
    _after_save(meeting)
    return meeting


def meeting_submit(*, meeting: Meeting, by) -> Meeting:
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError(_("只有草稿可以提交"))
    meeting.status = Meeting.Status.SUBMITTED
    meeting.submitted_at = timezone.now()
    meeting.save(update_fields=["status", "submitted_at", "updated_at"])
    _after_save(meeting)
    return meeting


def meeting_confirm(*, meeting: Meeting, by) -> Meeting:
    """The area head or the town office confirms a submitted record; from then on it is fixed."""
    if not scope_for(by).covers(Cap.APPROVE, meeting.branch):
        raise ValidationError(_("您不能确认这个会议记录"))
    if meeting.status != Meeting.Status.SUBMITTED:
        raise ValidationError(_("只有已提交的会议记录可以确认"))
    meeting.status = Meeting.Status.CONFIRMED
    meeting.confirmed_at = timezone.now()
    meeting.save(update_fields=["status", "confirmed_at", "updated_at"])
    return meeting


@transaction.atomic
def decision_record(*, meeting: Meeting, text: str, by=None) -> Decision:
    decision = Decision(meeting=meeting, kind=Decision.Kind.OTHER, text=text)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_record_conversion(*, meeting: Meeting, member: Member, by=None) -> Decision:
    """The members' meeting decides 转正: the member becomes a full member, linked to this meeting."""
    from members.services import member_convert_to_full

    if not meeting.types.filter(code="members").exists():
        raise ValidationError({"member": _("转正须由支部党员大会讨论决定")})
    if member.branch_id != meeting.branch_id:
        raise ValidationError({"member": _("只能为本支部的预备党员记录转正")})
    member_convert_to_full(member=member, on=meeting.held_on)
    decision = Decision(
        meeting=meeting,
        kind=Decision.Kind.CONVERSION,
        member=member,
        text=_("同意%(name)s同志按期转为中共正式党员") % {"name": member.name},
    )
    decision.full_clean()
    decision.save()
    return decision


def plan_item_set(*, branch: Branch, year: int, month: int, topic: str, planned_on: dt.date | None = None) -> PlanItem:
    """Set one month of the branch's 主题党日 plan (create or replace)."""
    item = PlanItem.objects.filter(branch=branch, year=year, month=month).first() or PlanItem(
        branch=branch, year=year, month=month
    )
    item.topic = topic
    item.planned_on = planned_on
    item.full_clean()
    if planned_on and (planned_on.year, planned_on.month) != (year, month):
        raise ValidationError({"planned_on": _("计划日期须在 %(y)d年%(m)d月 之内") % {"y": year, "m": month}})
    item.save()
    return item


def _after_save(meeting: Meeting) -> None:
    """Re-judge the branch once the transaction commits: a late meeting logged closes its flag."""
    from .overdue import meetings_flag_overdue

    branch_id = meeting.branch_id
    transaction.on_commit(lambda: meetings_flag_overdue(branches=Branch.objects.filter(pk=branch_id), remind=False))
