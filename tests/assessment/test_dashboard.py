"""The town office's home: this quarter at a glance, with self-hosted charts, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from assessment import dashboard, services
from assessment.models import QuarterScore
from assessment.periods import last_full_quarter, quarter_label, quarter_of
from assessment.selectors import town_of
from tests.factories import BranchFactory, UserFactory

from .conftest import scores_at


def _score(branch, quarter, *, stars, previous, rank, total="80.0"):
    return QuarterScore.objects.create(
        branch=branch, quarter=quarter, parts={}, total=Decimal(total), rank=rank, stars=stars, previous_stars=previous
    )


def _fill(town, area, standard, inspector, n):
    today = timezone.localdate()
    units = [BranchFactory(parent=town, area=area) for _ in range(n)]
    for i, unit in enumerate(units):
        services.inspection_record(
            branch=unit,
            month=today.replace(day=1),
            standard=standard,
            inspector=inspector,
            scores=scores_at(standard, 90),
            inspected_on=today,
            findings=[services.FindingInput(text="台账不全", deadline=today - dt.timedelta(days=1))],
        )
        _score(unit, last_full_quarter(today), stars=3 + i % 2, previous=3 + (i + 1) % 2, rank=i + 1)
    return units


def test_the_town_office_lands_on_this_quarter_at_a_glance(
    town_admin, town, area, branch_a, branch_b, standard, area_head_user
):
    today = timezone.localdate()
    last = last_full_quarter(today)
    up, down = (BranchFactory(parent=town, area=area, name=n) for n in ("升星村党支部", "降星村党支部"))
    _score(up, last, stars=4, previous=3, rank=1, total="92.0")
    _score(down, last, stars=2, previous=3, rank=2, total="70.0")
    services.inspection_record(
        branch=branch_a,
        month=today.replace(day=1),
        standard=standard,
        inspector=area_head_user,
        scores=scores_at(standard, 80),
        inspected_on=today,
        findings=[services.FindingInput(text="公开栏未更新", deadline=today - dt.timedelta(days=1))],
    )

    response = town_admin.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("assessment:dashboard"), 302)]
    html = response.content.decode()
    assert quarter_label(quarter_of(today)) in html  # this quarter
    assert f"{quarter_label(last)}星级变动" in html
    assert re.search(r"升星村党支部 <span class=\"up\">3★ → 4★", html)
    assert re.search(r"降星村党支部 <span class=\"down\">3★ → 2★", html)
    glance = response.context["glance"]
    assert (glance.open_total, glance.overdue, glance.inspected_units, glance.inspection_percent) == (1, 1, 1, 80.0)
    # Charts from the self-hosted Chart.js, never a CDN; their figures are also on the page as text.
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert "/static/js/vendor/chart.umd.min.js" in scripts and all(s.startswith("/static/") for s in scripts)
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["stars"]["values"] == [0, 1, 0, 1, 0] and data["rect"]["values"][-1] == 1
    assert 'id="chart-stars"' in html and 'id="chart-rect"' in html


def test_branch_officers_and_area_heads_keep_their_own_home(secretary_a, area_head, branch_a):
    assert secretary_a.get(reverse("home"))["Location"] == reverse("branches:detail", args=[branch_a.pk])
    assert area_head.get(reverse("home"))["Location"] == reverse("branches:tree")
    assert area_head.get(reverse("assessment:dashboard")).status_code == 403


@pytest.mark.parametrize("n_units", [3, 30])
def test_the_glance_takes_the_same_queries_for_3_or_30_units(
    n_units, town_admin, town, area, standard, area_head_user, django_assert_max_num_queries, django_assert_num_queries
):
    _fill(town, area, standard, area_head_user, n_units)
    with django_assert_max_num_queries(20):  # 18 (meetings' compliance is a fixed number of reads)
        response = town_admin.get(reverse("assessment:dashboard"))
    assert response.status_code == 200
    assert response.context["glance"].open_total == n_units
    # Seen again: the units and their compliance come from the cache (meetings.figures_cache).
    # The user, inspections, rectifications, the scored quarter, its briefing; and the session where it is
    # read from the database (no Redis cache: a laptop's settings).
    from_db = settings.SESSION_ENGINE != "portal.sessions"
    with django_assert_num_queries(5 + from_db):
        again = town_admin.get(reverse("assessment:dashboard"))
    assert again.context["glance"].units == response.context["glance"].units == n_units + 1  # and branch_a


def test_a_town_officer_overviews_their_own_town_without_a_query(town, town_admin_user, django_assert_num_queries):
    user = User.objects.select_related("branch").get(pk=town_admin_user.pk)  # as the session loads it
    with django_assert_num_queries(0):
        assert town_of(user) == town
    superuser = UserFactory(role=Role.TOWN_ADMIN, is_superuser=True)  # overviews the whole tree: its top is looked up
    assert town_of(superuser) == town


def test_the_moves_up_and_down_are_the_ten_best_ranked_and_the_ten_worst_and_the_mean_is_of_every_unit(
    town_admin_user, town, area
):
    """The scored quarter is read once and its stars, mean and moves counted from its rows."""
    today = timezone.localdate()
    last = last_full_quarter(today)
    units = [BranchFactory(parent=town, area=area, name=f"第{i:02d}村党支部") for i in range(25)]
    for i, unit in enumerate(units):  # 12 up (ranks 1–12), 12 down (ranks 13–24), the last one unchanged
        previous = 3 if i < 24 else 4
        _score(
            unit, last, stars=4 if i < 12 else (2 if i < 24 else 4), previous=previous, rank=i + 1, total=f"{70 + i}.5"
        )
    glance = dashboard.town_glance(town_admin_user, town_of(town_admin_user), today=today)
    assert glance.scored_quarter == last and glance.scored_units == 25
    assert glance.stars == {4: 13, 2: 12}
    assert glance.mean_total == round(sum(70 + i + 0.5 for i in range(25)) / 25, 1) == 82.5
    assert [m.name for m in glance.up] == [f"第{i:02d}村党支部" for i in range(10)]
    assert [m.name for m in glance.down] == [f"第{i:02d}村党支部" for i in range(23, 13, -1)]
    assert (glance.up[0].previous_stars, glance.up[0].stars) == (3, 4)
    assert (glance.down[0].previous_stars, glance.down[0].stars, glance.down[0].rank) == (3, 2, 24)
