"""Quarterly scores: each part from the portal (0–100), the weighted total, rank and stars.

Every part is a percentage. Meeting compliance and project progress come from
their apps' selectors (sources.py); the inspection part is the mean of the
quarter's monthly inspections; the rectification part is the share of items
due in the quarter that the unit put right by their deadline; the line
departments' and the appraisal parts are what the town office entered. A part
the portal knows nothing of for a unit is left out and its weight shared out
over the others, so a unit is never marked down for data nobody holds.

Stars move one step a quarter toward the band the total falls in; a unit's
first quarter takes its band directly. Once a quarter's briefing is
published its scores are locked and computing them again is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Q
from django.utils.translation import gettext as _

from branches.models import Branch

from . import sources
from .models import CatchUpPlan, ExternalScore, Inspection, QuarterScore, Rectification, ScoreWeight, StarBand
from .periods import previous_quarter, quarter_bounds, quarter_months
from .selectors import units_of

P = ScoreWeight.Part
BOTTOM_SHARE = Decimal("0.05")  # the bottom 5 % of units (at least one) draw up a catch-up plan


class ScoresLocked(ValidationError):
    pass


def _q1(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weights() -> dict[str, Decimal]:
    return {w.part: w.weight for w in ScoreWeight.objects.all()}


def star_bands() -> list[tuple[Decimal, int]]:
    bands = sorted(((b.min_total, b.stars) for b in StarBand.objects.all()), reverse=True)
    return bands or [(Decimal(0), 1)]


def band_for(total: Decimal, bands: list[tuple[Decimal, int]]) -> int:
    for min_total, stars in bands:
        if total >= min_total:
            return stars
    return 1


def next_stars(previous: int | None, target: int) -> int:
    if previous is None:
        return target
    if target > previous:
        return previous + 1
    if target < previous:
        return previous - 1
    return previous


def inspection_part(unit_ids: list[int], quarter: str) -> dict[int, float]:
    rows = (
        Inspection.objects.filter(branch_id__in=unit_ids, month__in=quarter_months(quarter), full_marks__gt=0)
        .values("branch_id")
        .annotate(avg=Avg("score"), marks=Avg("full_marks"))
    )
    return {r["branch_id"]: float(r["avg"]) * 100 / float(r["marks"]) for r in rows}


def rectification_part(unit_ids: list[int], start: dt.date, end: dt.date) -> dict[int, float]:
    """Share of the items due in the quarter that were reported fixed by their deadline (no item: 100)."""
    due = defaultdict(int)
    on_time = defaultdict(int)
    rows = Rectification.objects.filter(branch_id__in=unit_ids, deadline__range=(start, end)).values_list(
        "branch_id", "deadline", "fixed_at", "status"
    )
    for branch_id, deadline, fixed_at, status in rows:
        due[branch_id] += 1
        if (
            status in (Rectification.Status.FIXED, Rectification.Status.VERIFIED)
            and fixed_at
            and (fixed_at.date() <= deadline)
        ):
            on_time[branch_id] += 1
    return {pk: (100.0 * on_time[pk] / due[pk] if due[pk] else 100.0) for pk in unit_ids}


def parts_for(units: list[Branch], quarter: str) -> dict[int, dict[str, float | None]]:
    start, end = quarter_bounds(quarter)
    ids = [u.pk for u in units]
    compliance = sources.meeting_compliance(units, start, end) or {}
    projects = sources.project_progress(units, start, end) or {}
    inspections = inspection_part(ids, quarter)
    rectifications = rectification_part(ids, start, end)
    external = {e.branch_id: e for e in ExternalScore.objects.filter(branch_id__in=ids, quarter=quarter)}
    parts = {}
    for pk in ids:
        ext = external.get(pk)
        parts[pk] = {
            P.COMPLIANCE: compliance.get(pk),
            P.INSPECTION: inspections.get(pk),
            P.PROJECTS: projects.get(pk),
            P.RECTIFICATION: rectifications.get(pk),
            P.DEPARTMENTS: float(ext.departments) if ext else None,
            P.APPRAISAL: float(ext.appraisal) if ext else None,
        }
    return parts


def weighted_total(parts: dict[str, float | None], weight: dict[str, Decimal]) -> Decimal:
    known = [(Decimal(str(v)), weight.get(k, Decimal(0))) for k, v in parts.items() if v is not None]
    total_weight = sum((w for _v, w in known), Decimal(0))
    if not total_weight:
        return Decimal(0)
    return _q1(sum((v * w for v, w in known), Decimal(0)) / total_weight)


def quarter_scores_locked(units, quarter: str) -> bool:
    return QuarterScore.objects.filter(branch__in=units, quarter=quarter, locked=True).exists()


def quarter_scores_compute(*, organisation: Branch, quarter: str) -> list[QuarterScore]:
    """Score every unit under ``organisation`` for ``quarter``; replaces the quarter's unlocked scores.

    A fixed number of queries whatever the number of units.
    """
    units = list(units_of(organisation))
    if quarter_scores_locked(units, quarter):
        raise ScoresLocked(_("%(q)s 的季度通报已发布，考核结果已锁定，不能重新计算") % {"q": quarter})
    weight = weights()
    bands = star_bands()
    parts = parts_for(units, quarter)
    previous = dict(
        QuarterScore.objects.filter(branch__in=units, quarter=previous_quarter(quarter)).values_list(
            "branch_id", "stars"
        )
    )
    totals = {pk: weighted_total(p, weight) for pk, p in parts.items()}
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = []
    rank = 0
    last_total = None
    for position, (pk, total) in enumerate(ordered, start=1):
        if total != last_total:
            rank, last_total = position, total
        prev = previous.get(pk)
        rows.append(
            QuarterScore(
                branch_id=pk,
                quarter=quarter,
                parts={k: (None if v is None else round(v, 1)) for k, v in parts[pk].items()},
                total=total,
                rank=rank,
                stars=next_stars(prev, band_for(total, bands)),
                previous_stars=prev,
            )
        )
    with transaction.atomic():
        QuarterScore.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["branch", "quarter"],
            update_fields=["parts", "total", "rank", "stars", "previous_stars", "computed_at"],
        )
        _catch_up_plans(rows, quarter)
    return rows


def _catch_up_plans(rows: list[QuarterScore], quarter: str) -> None:
    """The units at the bottom get a plan to draw up; a plan nobody started is dropped if the unit moved up."""
    if not rows:
        return
    n = len(rows)
    cut = max(1, int((BOTTOM_SHARE * n).to_integral_value(rounding=ROUND_HALF_UP)))
    threshold = sorted(r.rank for r in rows)[n - cut]
    bottom = [r.branch_id for r in rows if r.rank >= threshold]
    CatchUpPlan.objects.filter(quarter=quarter, branch_id__in=[r.branch_id for r in rows]).filter(
        ~Q(branch_id__in=bottom), status=CatchUpPlan.Status.AWAITING, plan=""
    ).delete()
    CatchUpPlan.objects.bulk_create(
        [CatchUpPlan(branch_id=pk, quarter=quarter) for pk in bottom], ignore_conflicts=True
    )
    _tell_bottom_units(bottom, quarter)


def _tell_bottom_units(branch_ids: list[int], quarter: str) -> None:
    """The unit's secretary and area head hear of the plan once (a notice keyed by unit and quarter)."""
    from accounts.selectors import responsible_users
    from notices.models import Notice
    from notices.services import notify_many

    people = responsible_users(branch_ids)
    plans = dict(CatchUpPlan.objects.filter(quarter=quarter, branch_id__in=branch_ids).values_list("branch_id", "pk"))
    notify_many(
        [
            Notice(
                recipient=user,
                key=f"catch-up:{quarter}:{pk}",
                title=_("%(q)s 考核排名靠后，请制定赶超计划") % {"q": quarter},
                body=_("请在赶超计划页填写措施，镇党建办将跟踪落实。"),
                url=f"/assessment/catch-up/{plans[pk]}/",
            )
            for pk in branch_ids
            if pk in plans
            for user in people.get(pk, [])
        ]
    )


def quarter_scores_lock(*, organisation: Branch, quarter: str) -> int:
    return QuarterScore.objects.filter(branch__in=units_of(organisation), quarter=quarter).update(locked=True)


def external_score_set(*, branch: Branch, quarter: str, departments, appraisal, by) -> ExternalScore:
    from accounts.scope import Cap, scope_for

    if not (scope_for(by).covers(Cap.OVERVIEW, branch) and scope_for(by).covers(Cap.WRITE, branch)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if QuarterScore.objects.filter(branch=branch, quarter=quarter, locked=True).exists():
        raise ScoresLocked(_("%(q)s 的考核结果已锁定") % {"q": quarter})
    score = ExternalScore.objects.filter(branch=branch, quarter=quarter).first() or ExternalScore(
        branch=branch, quarter=quarter
    )
    score.departments, score.appraisal, score.entered_by = departments, appraisal, by
    score.full_clean()
    score.save()
    return score


def catch_up_plan_update(*, plan: CatchUpPlan, by, text: str = "", follow_up: str = "", done: bool = False):
    """The unit writes its plan (WRITE on the unit); the town office records the follow-up (OVERVIEW)."""
    from django.core.exceptions import PermissionDenied

    from accounts.scope import Cap, scope_for

    scope = scope_for(by)
    if text:
        if not scope.covers(Cap.WRITE, plan.branch):
            raise PermissionDenied
        plan.plan = text.strip()
        if plan.status == CatchUpPlan.Status.AWAITING:
            plan.status = CatchUpPlan.Status.ACTIVE
    if follow_up or done:
        if not scope.covers(Cap.OVERVIEW, plan.branch):
            raise PermissionDenied
        if follow_up:
            plan.follow_up = (plan.follow_up + "\n" if plan.follow_up else "") + follow_up.strip()
        if done:
            plan.status = CatchUpPlan.Status.DONE
    if not (text or follow_up or done):
        raise ValidationError({"plan": _("请填写赶超措施或跟踪情况")})
    plan.full_clean()
    plan.save()
    return plan
