"""Results that go on the boards, through the disclosure register (names and figures only)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from branches.models import Branch

from . import sources
from .models import Appraisal, PointEntry
from .periods import parse_quarter

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


def half_year_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of "2026-H1"."""
    year, half = int(period[:4]), int(period[-1])
    return dt.date(year, 6 * half - 5, 1), (dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31))


def last_full_half_year(today: dt.date) -> str:
    return f"{today.year - 1}-H2" if today.month <= 6 else f"{today.year}-H1"


def half_year_title(period: str) -> str:
    return f"{period[:4]}年{'上' if period.endswith('H1') else '下'}半年锋领指数积分排名"


def publish_pioneer_ranking(*, organisation: Branch, period: str, by=None) -> int:
    """Every branch under ``organisation``: its members ranked by the half year's points, on its board.

    Published under 锋领指数积分 for ``period`` ("2026-H1"); the register keeps
    one item per branch and half year, and the same ranking again makes no new
    version (a late entry becomes a dated correction). Names and points only.
    Returns how many branches have a ranking. Three queries plus the register's.
    """
    start, end = half_year_bounds(period)
    totals = (
        PointEntry.objects.filter(branch__path__startswith=organisation.path, on__range=(start, end))
        .values("branch_id", "member_id", "member__name")
        .annotate(points=Sum("points"))
        .order_by("branch_id", "-points", "member__name", "member_id")
    )
    by_branch: dict[int, list] = {}
    for row in totals:
        by_branch.setdefault(row["branch_id"], []).append((row["member__name"], row["points"]))
    published = 0
    title = half_year_title(period)
    for branch in Branch.objects.filter(pk__in=by_branch).order_by("path"):
        rows = by_branch[branch.pk]
        published += sources.publish(
            branch=branch,
            category=CATEGORY_POINTS,
            period=period,
            source=SOURCE_POINTS,
            title=title,
            payload={"columns": ["名次", "姓名", "积分"], "rows": [[i, n, p] for i, (n, p) in enumerate(rows, 1)]},
            by=by,
        )
    return published


def publish_pioneer_rankings(*, organisation: Branch, quarter: str, by=None) -> bool:
    """With a half year's last quarter (its briefing published): that half year's rankings."""
    period, _first, last = half_year_of(quarter)
    if quarter != last:
        return False
    return bool(publish_pioneer_ranking(organisation=organisation, period=period, by=by))


def pioneer_rankings_publish_due(*, today: dt.date | None = None) -> int:
    """Beat, in the first days of January and July: the half year just ended, for every town."""
    period = last_full_half_year(today or timezone.localdate())
    return sum(
        publish_pioneer_ranking(organisation=town, period=period)
        for town in Branch.objects.filter(unit=Branch.Unit.TOWN, is_active=True).order_by("path")
    )


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

    scope = scope_for(user)
    branch_ids = (
        Appraisal.objects.filter(year=year, branch__in=Branch.objects.filter(scope.q(Cap.WRITE)))
        .exclude(grade="")
        .values_list("branch_id", flat=True)
        .distinct()
    )
    return sum(publish_appraisal(branch=b, year=year, by=user) for b in Branch.objects.filter(pk__in=branch_ids))
