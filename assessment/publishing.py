"""Results that go on the boards, through the disclosure register (names and figures only)."""

from __future__ import annotations

from django.db.models import Sum

from . import sources
from .models import Appraisal, PointEntry
from .periods import parse_quarter, quarter_bounds

SOURCE_POINTS = "assessment.pioneer"
SOURCE_APPRAISAL = "assessment.appraisal"
# disclosure.models.Category values (the register is read only through its service).
CATEGORY_POINTS = "pioneer_points"
CATEGORY_APPRAISAL = "appraisal"


def half_year_of(quarter: str) -> tuple[str, str, str]:
    """("2026-H2", first quarter, last quarter) of the half year the quarter ends or lies in."""
    year, q = parse_quarter(quarter)
    half = 1 if q <= 2 else 2
    return f"{year}-H{half}", f"{year}Q{2 * half - 1}", f"{year}Q{2 * half}"


def publish_pioneer_rankings(*, units, quarter: str, by=None) -> bool:
    """Each unit's members ranked by the half year's pioneer points (published when the half year ends)."""
    period, first, last = half_year_of(quarter)
    if quarter != last:
        return False
    start, end = quarter_bounds(first)[0], quarter_bounds(last)[1]
    totals = (
        PointEntry.objects.filter(branch__in=units, on__range=(start, end))
        .values("branch_id", "member__name")
        .annotate(points=Sum("points"))
        .order_by("branch_id", "-points", "member__name")
    )
    by_branch: dict[int, list] = {}
    for row in totals:
        by_branch.setdefault(row["branch_id"], []).append([row["member__name"], row["points"]])
    published = False
    for unit in units:
        rows = by_branch.get(unit.pk)
        if not rows:
            continue
        published |= sources.publish(
            branch=unit,
            category=CATEGORY_POINTS,
            period=period,
            source=SOURCE_POINTS,
            title=f"{period.replace('-H1', '年上半年').replace('-H2', '年下半年')}锋领指数积分排名",
            payload={"columns": ["名次", "姓名", "积分"], "rows": [[i, n, p] for i, (n, p) in enumerate(rows, 1)]},
            by=by,
        )
    return published


GRADE_LABELS = dict(Appraisal.Grade.choices)


def publish_appraisal(*, branch, year: int, by=None) -> bool:
    """The branch's democratic appraisal results: names and grades."""
    rows = [
        [a.member.name, str(GRADE_LABELS[a.grade])]
        for a in Appraisal.objects.filter(branch=branch, year=year)
        .exclude(grade="")
        .select_related("member")
        .order_by("member__name")
    ]
    if not rows:
        return False
    return sources.publish(
        branch=branch,
        category=CATEGORY_APPRAISAL,
        period=str(year),
        source=SOURCE_APPRAISAL,
        title=f"{year}年度民主评议党员结果",
        payload={"columns": ["姓名", "评定等次"], "rows": rows},
        by=by,
    )


def publish_appraisals(*, user, year: int) -> int:
    """Publish the year's graded appraisals of every branch the user may write; returns how many branches."""
    from accounts.scope import Cap, scope_for
    from branches.models import Branch

    scope = scope_for(user)
    branch_ids = (
        Appraisal.objects.filter(year=year, branch__in=Branch.objects.filter(scope.q(Cap.WRITE)))
        .exclude(grade="")
        .values_list("branch_id", flat=True)
        .distinct()
    )
    return sum(publish_appraisal(branch=b, year=year, by=user) for b in Branch.objects.filter(pk__in=branch_ids))
