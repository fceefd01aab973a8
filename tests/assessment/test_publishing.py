"""Results go on the boards through the disclosure register: names and figures, nothing personal."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from assessment import briefing, services
from assessment.models import Appraisal
from disclosure.models import Item


def test_secretary_publishes_the_branch_appraisal_names_and_grades(secretary_a, secretary_a_user, member_a):
    services.appraisal_grade(
        member=member_a,
        year=2026,
        grade=Appraisal.Grade.EXCELLENT,
        by=secretary_a_user,
        votes={"excellent": 20, "qualified": 3},
    )
    response = secretary_a.post(reverse("assessment:appraisals"), {"form": "publish", "year": "2026"})
    assert response.status_code == 302
    item = Item.objects.get(category="appraisal", branch=member_a.branch, period="2026")
    assert item.payload["rows"] == [["张三", "优秀"]]
    assert "138" not in str(item.payload)
    # Publishing the same results again makes no new version.
    secretary_a.post(reverse("assessment:appraisals"), {"form": "publish", "year": "2026"})
    assert item.versions.count() == 1


def test_publishing_the_half_year_briefing_puts_the_pioneer_ranking_on_the_board(
    town, branch_a, branch_b, member_a, secretary_a_user, town_admin_user
):
    services.point_entry_add(
        member=member_a, kind="service", points=5, reason="抗台值守", on=dt.date(2026, 5, 3), by=secretary_a_user
    )
    draft = briefing.briefing_compile_quarter(organisation=town, quarter="2026Q2")
    briefing.briefing_publish(briefing=draft, by=town_admin_user)
    item = Item.objects.get(category="pioneer_points", branch=branch_a, period="2026-H1")
    assert item.payload["rows"] == [[1, "张三", 5]]
    assert not Item.objects.filter(category="pioneer_points", branch=branch_b).exists()  # nobody earned points there
