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


def test_the_half_year_job_puts_each_branchs_pioneer_ranking_on_its_board_once(
    town, branch_a, member_a, secretary_a_user
):
    from assessment import tasks
    from assessment.publishing import pioneer_rankings_publish_due
    from branches.models import Branch
    from tests.factories import BranchFactory, MemberFactory

    general = BranchFactory(parent=town, code="GQ-G03", name="高桥渔业社党总支", kind=Branch.Kind.GENERAL_BRANCH)
    sub = BranchFactory(parent=general, code="GQ-G03-1", name="渔业社第一党支部")
    fisher = MemberFactory(branch=sub, name="王五", phone="13700001111")
    other = MemberFactory(branch=branch_a, name="赵六")
    add = services.point_entry_add
    add(member=member_a, kind="service", points=3, reason="巡河", on=dt.date(2026, 2, 3), by=secretary_a_user)
    add(member=other, kind="pioneer", points=5, reason="抗台值守", on=dt.date(2026, 6, 30), by=secretary_a_user)
    add(member=member_a, kind="service", points=9, reason="下半年", on=dt.date(2026, 7, 1), by=secretary_a_user)
    services.PointEntry.objects.create(
        member=fisher, branch=sub, on=dt.date(2026, 4, 1), kind="service", points=4, reason="助跑"
    )

    # Before the half year ends nothing is due; the first week of July publishes 2026-H1.
    assert pioneer_rankings_publish_due(today=dt.date(2026, 6, 20)) == 0  # 2025-H2: no points then
    assert pioneer_rankings_publish_due(today=dt.date(2026, 7, 1)) == 2

    item = Item.objects.get(category="pioneer_points", branch=branch_a, period="2026-H1")
    assert item.latest_version.title == "2026年上半年锋领指数积分排名"
    assert item.payload["rows"] == [[1, "赵六", 5], [2, "张三", 3]]
    assert "138" not in str(item.payload) and "137" not in str(item.payload)
    # A sub-branch of a general branch gets its own ranking on its own board.
    assert Item.objects.get(category="pioneer_points", branch=sub, period="2026-H1").payload["rows"] == [[1, "王五", 4]]

    # The job runs every day of that week: the same ranking makes no new version.
    tasks.pioneer_rankings_publish_due()  # today's half year, whatever today is
    pioneer_rankings_publish_due(today=dt.date(2026, 7, 2))
    assert item.versions.count() == 1
    # A late entry for June becomes a dated correction.
    add(member=member_a, kind="service", points=4, reason="补录", on=dt.date(2026, 6, 28), by=secretary_a_user)
    pioneer_rankings_publish_due(today=dt.date(2026, 7, 3))
    item.refresh_from_db()
    assert item.versions.count() == 2 and item.payload["rows"] == [[1, "张三", 7], [2, "赵六", 5]]
