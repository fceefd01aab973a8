"""This quarter at a glance: the town office's home page (offered to ``/`` through ``portal.home``).

Live figures for the quarter running now (meeting compliance so far, the
month's inspections, rectification still open and overdue) beside the stars
of the latest scored quarter, moving up and down. A fixed number of queries
whatever the number of units; the units (which change only with the organisation tree) and each
branch's compliance (which changes only with its meetings, the rules and the tree) are kept in the
cache (meetings.figures_cache): after a meeting is logged, only its branch is counted again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q, Subquery

from branches.models import Branch
from meetings.figures_cache import branch_figures, cached_figures, recounts, recounts_overview
from meetings.selectors import ComplianceSummary, compliance_summary_for

from . import sources
from .models import Inspection, Rectification
from .periods import QUARTER_PATTERN, quarter_bounds, quarter_label, quarter_of
from .selectors import briefings_visible_to, quarter_scores_visible_to, rectifications_visible_to, units_of

S = Rectification.Status
STILL_OPEN = (S.OPEN, S.EXPLAINED, S.FIXED)
OUTSIDE_AREAS = "片区外"  # units no area supervises (the town's offices), listed after the areas


@dataclass(frozen=True)
class Moved:
    """A unit whose stars went up or down since the quarter before."""

    name: str
    previous_stars: int
    stars: int
    rank: int


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
    up: list[Moved] = field(default_factory=list)
    down: list[Moved] = field(default_factory=list)
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


# What judging a branch's compliance reads of it (``pk`` first): kept with the units, so that counting a
# branch again after a meeting of it is logged does not read it again.
JUDGED_FIELDS = ("pk", "name", "kind", "unit", "area_id", "founded_on", "dissolved_on")


@dataclass(frozen=True)
class Units:
    """The town's assessed units, each with its area's name, and the branches counted for each unit: what
    only the organisation tree changes (kept under the cache's shared generation)."""

    unit_ids: tuple[int, ...]
    areas: tuple[str, ...]
    # (branch, its unit), the units' own branches included; and what judging reads of each branch
    branch_units: tuple[tuple[int, int], ...]
    branches: tuple[tuple, ...]


def town_units(town: Branch) -> Units:
    """The units, and the branches counted for each (:func:`assessment.sources.unit_branches`, as the scoring)."""
    # A unit is read for its id, its path (compliance is rolled up by path) and its area's name.
    units = list(units_of(town).select_related("area").only("path", "area__name"))
    q, unit_of = sources.unit_branches(units)
    branch_units, branches = [], []
    for path, *fields in Branch.objects.filter(q).values_list("path", *JUDGED_FIELDS).order_by("path"):
        if (unit := unit_of(path)) is not None:
            branch_units.append((fields[0], unit))
            branches.append(tuple(fields))
    return Units(
        unit_ids=tuple(u.pk for u in units),
        areas=tuple(u.area.name if u.area else OUTSIDE_AREAS for u in units),
        branch_units=tuple(branch_units),
        branches=tuple(branches),
    )


def branch_summaries(branches, start: dt.date, end: dt.date) -> dict[int, ComplianceSummary | None]:
    """Per branch (given as its ``JUDGED_FIELDS``), its periods ended in [start, end] held and overdue (None
    for a branch that owes nothing): each branch's kept in the cache until one of its meetings, or a rule,
    branch, party group or area, changes; the branches missing counted together (``compliance_summary_for``)."""
    as_of = sources.judged_as_of(end)  # the day the periods are judged on, as the scoring does
    by_id = {fields[0]: SimpleNamespace(**dict(zip(JUDGED_FIELDS, fields, strict=True))) for fields in branches}
    return branch_figures(
        f"summary:{start:%Y%m%d}:{end:%Y%m%d}:{as_of:%Y%m%d}",
        by_id,
        lambda missing: compliance_summary_for(
            branches=[by_id[pk] for pk in missing], start=start, end=end, as_of=as_of
        ),
    )


@recounts
def recount_summaries(branch_ids: list[int], today: dt.date) -> None:
    """Once a meeting of these branches is saved: their summaries for the dashboard of ``today`` (the
    quarter so far), counted again and kept (meetings.figures_cache.recounts)."""
    start, _end = quarter_bounds(quarter_of(today))
    rows = Branch.objects.filter(pk__in=branch_ids, is_active=True).values_list(*JUDGED_FIELDS)
    branch_summaries([tuple(row) for row in rows], start, today)


@recounts_overview
def recount_units(town: Branch, today: dt.date) -> None:
    """The worker's count of every branch (meetings.warm.count_everything): the town's units, kept for the
    whole town rather than per branch, and its branches' summaries for the quarter so far kept too."""
    start, _end = quarter_bounds(quarter_of(today))
    unit_compliance(town, start, today)


def unit_compliance(town: Branch, start: dt.date, today: dt.date) -> UnitCompliance:
    """Meetings' compliance rolled up to each assessed unit, then averaged over the town and each area.

    The scoring's figures (``sources.meeting_compliance``: the same units, branches and roll-up; a test holds
    them to it), from the cached units and each branch's cached summary: after a meeting is logged, only its
    branch is counted again.
    """
    units = cached_figures(f"assessment-town-units:{town.pk}", lambda: town_units(town))
    summaries = branch_summaries(units.branches, start, today)
    compliance = sources.roll_up(units.unit_ids, units.branch_units, summaries)
    by_area: dict[str, list] = {}
    for pk, area in zip(units.unit_ids, units.areas, strict=True):
        by_area.setdefault(area, []).append(compliance.get(pk))
    return UnitCompliance(
        unit_ids=units.unit_ids,
        compliance=_mean(compliance.get(pk) for pk in units.unit_ids),
        by_area=tuple(
            (name, p)
            for name, values in sorted(by_area.items(), key=lambda pair: pair[0] == OUTSIDE_AREAS)
            if (p := _mean(values)) is not None
        ),
    )


def town_glance(user, town: Branch, *, today: dt.date, scored_quarter: str | None = None) -> Glance:
    quarter = quarter_of(today)
    start, _end = quarter_bounds(quarter)
    figures = unit_compliance(town, start, today)
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
        # The latest quarter scored by now, found by the query that reads its rows.
        latest = scores.filter(quarter__lte=quarter).order_by("-quarter").values("quarter")[:1]
        scored, scored_quarter = scores.filter(quarter=Subquery(latest)), None
    else:
        scored = scores.filter(quarter=scored_quarter)
    # One read of the scored quarter's rows (a town's units, 30–100): its stars, mean and the units that moved
    # up or down are counted here rather than in a query each.
    rows = list(scored.values_list("quarter", "stars", "total", "previous_stars", "rank", "branch__name").order_by())
    total = Decimal(0)
    for found_quarter, stars, unit_total, _previous, _rank, _name in rows:
        scored_quarter = found_quarter
        glance.stars[stars] = glance.stars.get(stars, 0) + 1
        total += unit_total
    glance.scored_units = len(rows)
    if scored_quarter:
        glance.scored_quarter, glance.scored_label = scored_quarter, quarter_label(scored_quarter)
        if rows:
            glance.mean_total = round(float(total / len(rows)), 1)
        moved = [
            Moved(name, previous, stars, rank) for _q, stars, _t, previous, rank, name in rows if previous is not None
        ]
        glance.up = sorted((m for m in moved if m.stars > m.previous_stars), key=lambda m: m.rank)[:10]
        glance.down = sorted((m for m in moved if m.stars < m.previous_stars), key=lambda m: -m.rank)[:10]
        glance.briefing = briefings_visible_to(user).filter(quarter=scored_quarter).first()
    return glance
