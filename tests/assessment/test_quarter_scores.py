from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessment import briefing, scoring, services
from assessment.models import Briefing, CatchUpPlan, QuarterScore

from .conftest import hold_every_meeting, scores_at

Q2_Q3 = [dt.date(2026, m, 1) for m in range(4, 10)]


def _inspect(standard, branch, inspector, percent, months=(7, 8, 9)):
    for m in months:
        services.inspection_record(
            branch=branch,
            month=dt.date(2026, m, 1),
            standard=standard,
            inspector=inspector,
            scores=scores_at(standard, percent),
            inspected_on=dt.date(2026, m, 12),
        )


def _external(branch, quarter, value, by):
    scoring.external_score_set(
        branch=branch, quarter=quarter, departments=Decimal(value), appraisal=Decimal(value), by=by
    )


@pytest.fixture
def scored_town(town, branch_a, branch_b, standard, town_admin_user):
    _inspect(standard, branch_a, town_admin_user, 95)
    _inspect(standard, branch_b, town_admin_user, 62)
    hold_every_meeting(branch_a, Q2_Q3)  # branch_b holds none: its compliance part is 0
    for b, v in ((branch_a, 92), (branch_b, 60)):
        _external(b, "2026Q2", v, town_admin_user)
        _external(b, "2026Q3", v, town_admin_user)
    return town


def _stars(branch, quarter="2026Q3"):
    return QuarterScore.objects.get(branch=branch, quarter=quarter)


def test_stars_move_with_the_inputs_and_stop_once_published(
    scored_town, branch_a, branch_b, standard, town_admin_user, secretary_b_user
):
    scoring.quarter_scores_compute(organisation=scored_town, quarter="2026Q2")  # no inspections in Q2
    q2_b = _stars(branch_b, "2026Q2")
    scoring.quarter_scores_compute(organisation=scored_town, quarter="2026Q3")
    a, b = _stars(branch_a), _stars(branch_b)
    assert (a.rank, b.rank) == (1, 2)
    assert a.stars == 5 and a.total >= Decimal("90")
    # branch_b's total is about 61 (2 stars' band) and it starts from its Q2 stars.
    assert b.previous_stars == q2_b.stars
    assert CatchUpPlan.objects.filter(branch=branch_b, quarter="2026Q3").exists()
    assert not CatchUpPlan.objects.filter(branch=branch_a, quarter="2026Q3").exists()
    assert secretary_b_user.notices.filter(key__startswith="catch-up:2026Q3:").count() == 1
    before = b.stars

    assert (a.parts["compliance"], b.parts["compliance"]) == (100.0, 0.0)

    # The inputs change: branch_b put things right (its minutes logged after all, an inspection at full
    # marks) and the departments rate it well → it moves up one star.
    hold_every_meeting(branch_b, Q2_Q3[3:])
    _inspect(standard, branch_b, town_admin_user, 100)
    _external(branch_b, "2026Q3", 100, town_admin_user)
    scoring.quarter_scores_compute(organisation=scored_town, quarter="2026Q3")
    b = _stars(branch_b)
    assert b.stars == before + 1
    assert b.total > Decimal("95") and b.parts["compliance"] == 100.0

    # Published: the quarter's scores lock; new inputs change nothing and recomputing is refused.
    brief = briefing.briefing_compile_quarter(organisation=scored_town, quarter="2026Q3")
    briefing.briefing_publish(briefing=brief, by=town_admin_user)
    assert QuarterScore.objects.filter(quarter="2026Q3", locked=False).count() == 0
    frozen = {s.branch_id: (s.total, s.stars, s.rank) for s in QuarterScore.objects.filter(quarter="2026Q3")}
    _inspect(standard, branch_b, town_admin_user, 10)
    with pytest.raises(scoring.ScoresLocked):
        _external(branch_b, "2026Q3", 0, town_admin_user)
    with pytest.raises(scoring.ScoresLocked):
        scoring.quarter_scores_compute(organisation=scored_town, quarter="2026Q3")
    with pytest.raises(briefing.BriefingPublished):
        briefing.briefing_compile_quarter(organisation=scored_town, quarter="2026Q3")
    assert {s.branch_id: (s.total, s.stars, s.rank) for s in QuarterScore.objects.filter(quarter="2026Q3")} == frozen
    assert Briefing.objects.filter(quarter="2026Q3").count() == 1


def test_stars_move_one_step_a_quarter():
    assert scoring.next_stars(None, 4) == 4
    assert scoring.next_stars(2, 5) == 3
    assert scoring.next_stars(5, 1) == 4
    assert scoring.next_stars(3, 3) == 3


def test_unknown_parts_share_their_weight():
    weight = {"inspection": Decimal(25), "departments": Decimal(10), "compliance": Decimal(25)}
    assert scoring.weighted_total({"inspection": 80.0, "departments": 100.0, "compliance": None}, weight) == Decimal(
        "85.7"
    )


def _town_with_units(n, standard, admin, town):
    from tests.factories import BranchFactory

    for i in range(n):
        unit = BranchFactory(parent=town, code=f"GQ-Q{n}-{i}", name=f"第{i}村党支部")
        _inspect(standard, unit, admin, 70 + i)
        services.rectification_open(branch=unit, finding="台账不全", by=admin, deadline=dt.date(2026, 8, 1))
        _external(unit, "2026Q3", 80, admin)


def test_scoring_and_the_briefing_content_take_the_same_queries_for_more_units(town, standard, town_admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment import report

    counts = []
    for n in (2, 8):
        _town_with_units(n, standard, town_admin_user, town)
        with CaptureQueriesContext(connection) as scored:
            scoring.quarter_scores_compute(organisation=town, quarter="2026Q3")
        with CaptureQueriesContext(connection) as collected:
            data = report.collect(organisation=town, quarter="2026Q3")
        assert len(data.units) == (2 if n == 2 else 10)
        counts.append((len(scored), len(collected)))
    assert counts[0] == counts[1]
