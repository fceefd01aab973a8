"""What assessment takes from the meetings app: compliance in the quarter's score and on the town's
dashboard (``compliance_summary_for``), attendance credited as pioneer points (``attendance_for``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessment import dashboard, scoring, services
from assessment.models import PointEntry
from meetings.services import Mark
from tests.factories import MemberFactory

from .conftest import held


def test_the_quarters_compliance_part_is_the_share_of_ended_periods_held(town, branch_a, branch_b, theme_day_only):
    held(branch_a, dt.date(2026, 7, 8), theme_day_only)
    held(branch_a, dt.date(2026, 9, 30), theme_day_only)  # the quarter's last day counts
    rows = {s.branch_id: s for s in scoring.quarter_scores_compute(organisation=town, quarter="2026Q3")}
    assert rows[branch_a.pk].parts["compliance"] == pytest.approx(66.7, abs=0.05)  # July and September of three
    assert rows[branch_b.pk].parts["compliance"] == 0.0
    before = rows[branch_b.pk].total

    # branch_b logs its three months (late, but within them): its part and its total move.
    for month in (7, 8, 9):
        held(branch_b, dt.date(2026, month, 20), theme_day_only)
    rows = {s.branch_id: s for s in scoring.quarter_scores_compute(organisation=town, quarter="2026Q3")}
    assert rows[branch_b.pk].parts["compliance"] == 100.0
    assert rows[branch_b.pk].total > before


def test_a_sub_branch_counts_toward_its_general_branch(town, theme_day_only):
    from branches.models import Branch
    from tests.factories import BranchFactory

    general = BranchFactory(parent=town, kind=Branch.Kind.GENERAL_BRANCH, name="渔业社党总支")
    first = BranchFactory(parent=general, name="第一党支部")
    BranchFactory(parent=general, name="第二党支部")
    for month in (7, 8, 9):
        held(first, dt.date(2026, month, 5), theme_day_only)
    rows = {s.branch_id: s for s in scoring.quarter_scores_compute(organisation=town, quarter="2026Q3")}
    assert rows[general.pk].parts["compliance"] == 50.0  # first: 3 of 3, second: 0 of 3


def test_the_dashboard_shows_this_quarters_compliance_so_far(
    town, area, branch_a, branch_b, theme_day_only, town_admin_user
):
    held(branch_a, dt.date(2026, 7, 3), theme_day_only)
    glance = dashboard.town_glance(town_admin_user, town, today=dt.date(2026, 8, 15))
    # July has ended (branch_a held it, branch_b did not); August is still running and not counted.
    assert glance.compliance == 50.0
    assert dict(glance.compliance_by_area) == {"东片区": 100.0, "片区外": 0.0}


def test_attendance_at_the_months_meetings_is_credited_once_and_shown_to_the_member(
    branch_a, member_a, member, theme_day_only
):
    absent = MemberFactory(branch=branch_a, name="缺席者")
    held(branch_a, dt.date(2026, 7, 8), theme_day_only, marks={absent.pk: Mark(status="absent")})

    assert services.points_credit_attendance(month=dt.date(2026, 7, 1)) >= 1
    entry = PointEntry.objects.get(member=member_a, kind=PointEntry.Kind.ATTENDANCE)
    assert (entry.points, entry.on, entry.reason) == (2, dt.date(2026, 7, 31), "7月参加组织生活 1 次")
    assert not PointEntry.objects.filter(member=absent).exists()

    # The nightly job runs again, and a second meeting logged late: one entry for the month, recounted.
    services.points_credit_attendance(month=dt.date(2026, 7, 1))
    held(branch_a, dt.date(2026, 7, 25), theme_day_only)
    services.points_credit_attendance(month=dt.date(2026, 7, 1))
    entry = PointEntry.objects.get(member=member_a, kind=PointEntry.Kind.ATTENDANCE)
    assert entry.points == 4 and entry.reason == "7月参加组织生活 2 次"

    page = member.get(reverse("assessment:points")).content.decode()
    assert "7月参加组织生活 2 次" in page
