"""Writes for inspections, rectification, pioneer points and appraisal; quarter scores are in scoring.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for
from branches.models import Branch
from portal.photos import photo_clean

from .models import (
    Appraisal,
    Inspection,
    InspectionScore,
    PointEntry,
    Rectification,
    RectificationEvent,
    Standard,
)

DEFAULT_DEADLINE_DAYS = 15
S = Rectification.Status


def _require(user, cap: Cap, branch: Branch) -> None:
    if not scope_for(user).covers(cap, branch):
        raise PermissionDenied


@dataclass(frozen=True)
class FindingInput:
    text: str
    item_id: int | None = None
    photo: object | None = None  # an uploaded file
    deadline: dt.date | None = None


def inspection_record(
    *,
    branch: Branch,
    month: dt.date,
    standard: Standard,
    inspector,
    scores: dict[int, Decimal],
    inspected_on: dt.date | None = None,
    note: str = "",
    findings: list[FindingInput] = (),
) -> Inspection:
    """Record (or correct) a unit's inspection for a month; each finding opens a rectification item."""
    _require(inspector, Cap.INSPECT, branch)
    month = month.replace(day=1)
    items = {item.pk: item for item in standard.items.all()}
    errors = {}
    for pk, item in items.items():
        value = scores.get(pk)
        if value is None:
            errors[f"item_{pk}"] = _("请为“%(t)s”打分") % {"t": item.title}
        elif not (0 <= Decimal(value) <= item.points):
            errors[f"item_{pk}"] = _("得分应在 0 到 %(p)s 之间") % {"p": item.points}
    if set(scores) - set(items):
        errors["scores"] = _("有不属于该标准的条目")
    if errors:
        raise ValidationError(errors)
    inspected_on = inspected_on or timezone.localdate()
    photos = [photo_clean(f.photo) if f.photo else None for f in findings]
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().filter(branch=branch, month=month).first()
        if inspection is None:
            inspection = Inspection(branch=branch, month=month)
        inspection.standard = standard
        inspection.inspector = inspector
        inspection.inspected_on = inspected_on
        inspection.note = note
        inspection.score = sum((Decimal(v) for v in scores.values()), Decimal(0))
        inspection.full_marks = sum((i.points for i in items.values()), Decimal(0))
        inspection.full_clean()
        inspection.save()
        InspectionScore.objects.filter(inspection=inspection).delete()
        InspectionScore.objects.bulk_create(
            [InspectionScore(inspection=inspection, item_id=pk, score=Decimal(v)) for pk, v in scores.items()]
        )
        for finding, photo in zip(findings, photos, strict=True):
            rectification_open(
                branch=branch,
                finding=finding.text,
                by=inspector,
                inspection=inspection,
                item=items.get(finding.item_id),
                photo=photo,
                deadline=finding.deadline or inspected_on + dt.timedelta(days=DEFAULT_DEADLINE_DAYS),
            )
    return inspection


def _event(rectification: Rectification, action: str, by, note: str = "") -> None:
    RectificationEvent.objects.create(
        rectification=rectification, to_status=rectification.status, action=action, note=note, by=by
    )


def rectification_open(
    *,
    branch: Branch,
    finding: str,
    by,
    deadline: dt.date,
    source: str = Rectification.Source.INSPECTION,
    source_key: str = "",
    inspection: Inspection | None = None,
    item=None,
    photo=None,
) -> Rectification:
    """Open an item for the unit. With a ``source_key`` (a board fixture, say) it is opened once, ever."""
    _require(by, Cap.INSPECT, branch)
    if source_key:
        existing = Rectification.objects.filter(source=source, source_key=source_key).first()
        if existing:
            return existing
    rect = Rectification(
        branch=branch,
        finding=finding.strip(),
        deadline=deadline,
        source=source,
        source_key=source_key,
        inspection=inspection,
        item=item,
        opened_by=by,
    )
    if photo is not None:
        rect.photo.save(photo.name, photo, save=False)
    rect.full_clean()
    rect.save()
    _event(rect, "open", by, finding)
    return rect


def _move(rect: Rectification, *, frm: tuple[str, ...], to: str, by, action: str, note: str = "", **fields):
    """Move the item only if it is still where the caller saw it (a conditional update claims the step)."""
    now = timezone.now()
    moved = Rectification.objects.filter(pk=rect.pk, status__in=frm).update(status=to, **fields)
    if not moved:
        raise ValidationError(_("该整改事项当前状态为“%(s)s”，不能执行此操作") % {"s": rect.get_status_display()})
    rect.refresh_from_db()
    _event(rect, action, by, note)
    return now


def rectification_explain(*, rectification: Rectification, by, cause: str, measures: str) -> Rectification:
    _require(by, Cap.WRITE, rectification.branch)
    errors = {}
    if not cause.strip():
        errors["cause"] = _("请说明问题产生的原因")
    if not measures.strip():
        errors["measures"] = _("请写明整改措施")
    if errors:
        raise ValidationError(errors)
    _move(
        rectification,
        frm=(S.OPEN, S.EXPLAINED),
        to=S.EXPLAINED,
        by=by,
        action="explain",
        note=measures,
        cause=cause.strip(),
        measures=measures.strip(),
    )
    return rectification


def rectification_fix(*, rectification: Rectification, by, result: str) -> Rectification:
    _require(by, Cap.WRITE, rectification.branch)
    if not result.strip():
        raise ValidationError({"result": _("请写明整改完成情况")})
    _move(
        rectification,
        frm=(S.EXPLAINED,),
        to=S.FIXED,
        by=by,
        action="fix",
        note=result,
        result=result.strip(),
        fixed_at=timezone.now(),
    )
    return rectification


def rectification_verify(*, rectification: Rectification, by, note: str = "") -> Rectification:
    _require(by, Cap.INSPECT, rectification.branch)
    _move(rectification, frm=(S.FIXED,), to=S.VERIFIED, by=by, action="verify", note=note, verified_at=timezone.now())
    return rectification


def rectification_reopen(
    *, rectification: Rectification, by, note: str, deadline: dt.date | None = None
) -> Rectification:
    """The inspector is not satisfied: back to the unit (整改中), with a reason and perhaps a new deadline."""
    _require(by, Cap.INSPECT, rectification.branch)
    if not note.strip():
        raise ValidationError({"note": _("请说明退回的理由")})
    fields = {"fixed_at": None, "reopen_count": F("reopen_count") + 1}
    if deadline:
        fields["deadline"] = deadline
    _move(rectification, frm=(S.FIXED,), to=S.EXPLAINED, by=by, action="reopen", note=note, **fields)
    return rectification


def overdue_rectifications(today: dt.date):
    """Items past their deadline that the unit has not yet reported fixed."""
    return Rectification.objects.filter(status__in=(S.OPEN, S.EXPLAINED), deadline__lt=today)


def rectifications_flag_overdue(*, today: dt.date | None = None):
    """The daily pass: one open flag per overdue item, closed when it is fixed (notices.flags_sync)."""
    from notices.services import FlagSpec, flags_sync

    today = today or timezone.localdate()
    due = [
        FlagSpec(
            branch_id=branch_id,
            subject=f"rectification:{pk}",
            period=deadline.strftime("%Y-%m"),
            title=_("整改逾期：%(f)s") % {"f": finding[:40]},
            detail=_("整改期限 %(d)s 已过，请尽快说明原因并完成整改。") % {"d": deadline.isoformat()},
            url=f"/assessment/rectifications/{pk}/",
        )
        for pk, branch_id, deadline, finding in overdue_rectifications(today).values_list(
            "pk", "branch_id", "deadline", "finding"
        )
    ]
    return flags_sync(kind="rectification_overdue", due=due)


@dataclass(frozen=True)
class FixtureSync:
    opened: int = 0
    closed: int = 0


def _fixture_key(fixture) -> str:
    # One item per episode: the check that found it needing fixing. A later check that still finds it
    # broken does not open a second item while the first is open; one after it was closed does.
    stamp = fixture.last_checked_at.strftime("%Y%m%dT%H%M%S") if fixture.last_checked_at else "0"
    return f"fixture:{fixture.pk}:{stamp}"


def _fixture_of(source_key: str) -> int | None:
    parts = source_key.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "fixture" and parts[1].isdigit() else None


def rectifications_sync_fixtures(*, today: dt.date | None = None) -> FixtureSync:
    """The daily pass over the 七个一 boards (disclosure's ``fixtures_needing_fixing``).

    A fixture whose latest check says 需整改 opens one item for the site's unit
    (keyed ``fixture:<pk>:<check time>``, so two runs at once open it once);
    an open item whose fixture has since been checked 达标 is closed (销号).
    An item the inspector verified stays closed until a newer check finds the
    fixture broken again. Queries do not grow with the number of units once
    the items exist (a new item is one insert and its history line).
    """
    from . import sources

    needing = sources.fixtures_needing_fixing()
    if needing is None:
        return FixtureSync()
    today = today or timezone.localdate()
    fixtures = list(needing())
    live = {
        _fixture_of(key): (pk, by_id)
        for pk, key, by_id in Rectification.objects.filter(source=Rectification.Source.FIXTURE)
        .exclude(status=S.VERIFIED)
        .values_list("pk", "source_key", "opened_by_id")
    }
    wanted = {_fixture_key(f): f for f in fixtures if f.pk not in live and f.last_checked_by_id}
    seen = set(
        Rectification.objects.filter(source=Rectification.Source.FIXTURE, source_key__in=wanted).values_list(
            "source_key", flat=True
        )
    )
    opened = 0
    for key, fixture in wanted.items():
        if key in seen:
            continue  # verified by the inspector while the board still shows the old check
        finding = _("“七个一”阵地%(site)s的%(kind)s经%(d)s检查需整改") % {
            "site": fixture.site.name,
            "kind": fixture.get_kind_display(),
            "d": timezone.localtime(fixture.last_checked_at).date().isoformat(),
        }
        try:
            with transaction.atomic():
                rect = Rectification.objects.create(
                    branch=fixture.site.branch,
                    source=Rectification.Source.FIXTURE,
                    source_key=key,
                    finding=finding,
                    deadline=today + dt.timedelta(days=DEFAULT_DEADLINE_DAYS),
                    opened_by=fixture.last_checked_by,
                )
                _event(rect, "open", fixture.last_checked_by, finding)
        except IntegrityError:
            continue  # another run opened it a moment ago
        opened += 1
    broken = {f.pk for f in fixtures}
    closed = 0
    now = timezone.now()
    for fixture_pk, (pk, by_id) in live.items():
        if fixture_pk is None or fixture_pk in broken:
            continue
        moved = Rectification.objects.filter(pk=pk, status__in=(S.OPEN, S.EXPLAINED, S.FIXED)).update(
            status=S.VERIFIED, verified_at=now, fixed_at=Coalesce(F("fixed_at"), now)
        )
        if moved:
            RectificationEvent.objects.create(
                rectification_id=pk,
                to_status=S.VERIFIED,
                action="fixture_ok",
                note=_("复查达标，自动销号"),
                by_id=by_id,
            )
            closed += 1
    return FixtureSync(opened=opened, closed=closed)


def rectifications_daily(*, today: dt.date | None = None):
    """The daily job: board fixtures first (an item opened today may already be overdue tomorrow), then overdue."""
    fixtures = rectifications_sync_fixtures(today=today)
    return fixtures, rectifications_flag_overdue(today=today)


def point_entry_add(*, member, kind: str, points: int, reason: str, on: dt.date, by) -> PointEntry:
    """A secretary's entry in a member's pioneer ledger, with a reason."""
    _require(by, Cap.WRITE, member.branch)
    entry = PointEntry(
        member=member, branch=member.branch, kind=kind, points=points, reason=reason.strip(), on=on, by=by
    )
    if not entry.reason:
        raise ValidationError({"reason": _("请写明加减分事由")})
    entry.full_clean()
    entry.save()
    return entry


ATTENDANCE_POINTS = 2  # a point rule: per meeting attended


def points_credit_attendance(*, month: dt.date, branches=None) -> int:
    """Credit each member's attendance at the month's meetings (from meetings' attendance selector).

    One entry per member and month, keyed ``attendance:YYYY-MM``: a rerun (or a
    meeting logged late) replaces that month's entries, never adds to them.
    Returns the number of entries written.
    """
    from members.models import Member

    from . import sources

    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    records = sources.attendance_records(start, end, branches)
    key = f"attendance:{start:%Y-%m}"
    present = {pk: rec.present for pk, rec in records.items() if rec.present}
    home = dict(Member.objects.filter(pk__in=present).values_list("pk", "branch_id"))
    entries = [
        PointEntry(
            member_id=pk,
            branch_id=home[pk],
            on=end,
            kind=PointEntry.Kind.ATTENDANCE,
            points=min(20, n * ATTENDANCE_POINTS),
            source_key=key,
            reason=_("%(m)s月参加组织生活 %(n)s 次") % {"m": start.month, "n": n},
        )
        for pk, n in present.items()
        if pk in home
    ]
    with transaction.atomic():
        PointEntry.objects.filter(kind=PointEntry.Kind.ATTENDANCE, source_key=key, member_id__in=records).delete()
        PointEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def appraisal_self_assess(*, member, year: int, text: str, by) -> Appraisal:
    if scope_for(by).own_member_id != member.pk:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"self_assessment": _("请填写自我评价")})
    appraisal, _created = Appraisal.objects.get_or_create(member=member, year=year, defaults={"branch": member.branch})
    if appraisal.grade:
        raise ValidationError(_("支部已评定等次，自我评价不能再修改"))
    appraisal.self_assessment = text.strip()
    appraisal.full_clean()
    appraisal.save()
    return appraisal


def appraisal_grade(*, member, year: int, grade: str, by, votes: dict[str, int] | None = None) -> Appraisal:
    """The branch records the mutual appraisal tally and decides the grade."""
    _require(by, Cap.WRITE, member.branch)
    appraisal, _created = Appraisal.objects.get_or_create(member=member, year=year, defaults={"branch": member.branch})
    for key, value in (votes or {}).items():
        setattr(appraisal, f"votes_{key}", value)
    appraisal.grade = grade
    appraisal.graded_by = by
    appraisal.full_clean()
    appraisal.save()
    return appraisal
