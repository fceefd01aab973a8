"""This quarter at a glance: the town office's home page (offered to ``/`` through ``portal.home``).

Live figures for the quarter running now (meeting compliance so far, the
month's inspections, rectification still open and overdue) beside the stars
of the latest scored quarter, moving up and down. A fixed number of queries
whatever the number of units; the units and their compliance, which change only
with meetings and the organisation tree, are kept in the cache (meetings.figures_cache).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q, Subquery

from branches.models import Branch
from meetings.figures_cache import cached_figures

from . import sources
from .models import Inspection, QuarterScore, Rectification
from .periods import QUARTER_PATTERN, quarter_bounds, quarter_label, quarter_of
from .selectors import briefings_visible_to, quarter_scores_visible_to, rectifications_visible_to, units_of

S = Rectification.Status
STILL_OPEN = (S.OPEN, S.EXPLAINED, S.FIXED)
OUTSIDE_AREAS = "片区外"  # units no area supervises (the town's offices), listed after the areas


@dataclass
class Glance:
    quarter: str
    quarter_label: str
    as_of: dt.date
    units: int
    compliance: float | None = None
    compliance_by_area: list[tuple[str, float]] = field(default_factory=list)
    inspected_units: int = 0
    inspections: int = 0
    inspection_percent: float | None = None
    open_counts: dict[str, int] = field(default_factory=dict)
    open_total: int = 0
    overdue: int = 0
    from_fixtures: int = 0
    scored_quarter: str | None = None
    scored_label: str = ""
    scored_units: int = 0
    mean_total: float | None = None
    stars: dict[int, int] = field(default_factory=dict)
    up: list[QuarterScore] = field(default_factory=list)
    down: list[QuarterScore] = field(default_factory=list)
    briefing: object | None = None

    @property
    def chart(self) -> dict:
        """What the page's charts draw (also shown as text beside them)."""
        return {
            "stars": {"labels": [f"{n}星" for n in range(1, 6)], "values": [self.stars.get(n, 0) for n in range(1, 6)]},
            "rect": {
                "labels": [str(label) for value, label in S.choices if value in STILL_OPEN] + ["逾期"],
                "values": [self.open_counts.get(v, 0) for v in STILL_OPEN] + [self.overdue],
            },
            "areas": {
                "labels": [name for name, _p in self.compliance_by_area],
                "values": [p for _n, p in self.compliance_by_area],
            },
        }


def _mean(values) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


@dataclass(frozen=True)
class UnitCompliance:
    """The town's assessed units and their meeting compliance so far this quarter (cached: meetings.figures_cache)."""

    unit_ids: tuple[int, ...]
    compliance: float | None
    by_area: tuple[tuple[str, float], ...]


def unit_compliance(town: Branch, start: dt.date, today: dt.date) -> UnitCompliance:
    """Meetings' compliance rolled up to each assessed unit, then averaged over the town and each area."""
    # A unit is read for its id, its path (compliance is rolled up by path) and its area's name.
    units = list(units_of(town).select_related("area").only("path", "area__name"))
    compliance = sources.meeting_compliance(units, start, today) or {}
    by_area: dict[str, list] = {}
    for unit in units:
        by_area.setdefault(unit.area.name if unit.area else OUTSIDE_AREAS, []).append(compliance.get(unit.pk))
    return UnitCompliance(
        unit_ids=tuple(u.pk for u in units),
        compliance=_mean(compliance.get(u.pk) for u in units),
        by_area=tuple(
            (name, p)
            for name, values in sorted(by_area.items(), key=lambda pair: pair[0] == OUTSIDE_AREAS)
            if (p := _mean(values)) is not None
        ),
    )


def town_glance(user, town: Branch, *, today: dt.date, scored_quarter: str | None = None) -> Glance:
    quarter = quarter_of(today)
    start, _end = quarter_bounds(quarter)
    figures = cached_figures(
        f"assessment-unit-compliance:{town.pk}:{start:%Y%m%d}:{today:%Y%m%d}",
        lambda: unit_compliance(town, start, today),
    )
    units = figures.unit_ids
    glance = Glance(quarter=quarter, quarter_label=quarter_label(quarter), as_of=today, units=len(units))
    glance.compliance = figures.compliance
    glance.compliance_by_area = list(figures.by_area)

    percent = ExpressionWrapper(F("score") * 100.0 / F("full_marks"), output_field=FloatField())
    inspected = Inspection.objects.filter(branch_id__in=units, month__gte=start, month__lte=today, full_marks__gt=0)
    row = inspected.aggregate(n=Count("pk"), units=Count("branch", distinct=True), avg=Avg(percent))
    glance.inspections, glance.inspected_units = row["n"], row["units"]
    glance.inspection_percent = round(row["avg"], 1) if row["avg"] is not None else None

    rects = rectifications_visible_to(user).filter(status__in=STILL_OPEN)
    for status, source, overdue, n in (
        rects.values_list("status", "source")
        .annotate(overdue=Count("pk", filter=Q(status__in=(S.OPEN, S.EXPLAINED), deadline__lt=today)), n=Count("pk"))
        .values_list("status", "source", "overdue", "n")
        .order_by()
    ):
        glance.open_counts[status] = glance.open_counts.get(status, 0) + n
        glance.overdue += overdue
        glance.from_fixtures += n if source == Rectification.Source.FIXTURE else 0
    glance.open_total = sum(glance.open_counts.values())

    scores = quarter_scores_visible_to(user)
    if scored_quarter is None or not QUARTER_PATTERN.match(scored_quarter):
        # The latest quarter scored by now, found by the query that counts its stars.
        latest = scores.filter(quarter__lte=quarter).order_by("-quarter").values("quarter")[:1]
        scored, scored_quarter = scores.filter(quarter=Subquery(latest)), None
    else:
        scored = scores.filter(quarter=scored_quarter)
    for found_quarter, stars, n, mean in (
        scored.values_list("quarter", "stars")
        .annotate(n=Count("pk"), mean=Avg("total"))
        .values_list("quarter", "stars", "n", "mean")
        .order_by()
    ):
        scored_quarter = found_quarter
        glance.stars[stars] = n
        glance.scored_units += n
        glance.mean_total = (glance.mean_total or 0) + float(mean) * n
    if scored_quarter:
        glance.scored_quarter, glance.scored_label = scored_quarter, quarter_label(scored_quarter)
        if glance.scored_units:
            glance.mean_total = round(glance.mean_total / glance.scored_units, 1)
        these = scores.filter(quarter=scored_quarter)
        # The lists show the unit's name and its stars: the parts (JSON) and the rest stay unread.
        moved = these.filter(previous_stars__isnull=False).only("stars", "previous_stars", "rank", "branch__name")
        glance.up = list(moved.filter(stars__gt=F("previous_stars")).order_by("rank")[:10])
        glance.down = list(moved.filter(stars__lt=F("previous_stars")).order_by("-rank")[:10])
        glance.briefing = briefings_visible_to(user).filter(quarter=scored_quarter).first()
    return glance
