"""The town office's pages: the overview, starting a briefing and downloading it; the API's rectification door."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from assessment import scoring, services
from assessment.models import Briefing, Rectification
from assessment.tasks import briefing_compile_task

from .conftest import JULY, scores_at


def test_town_staff_start_the_briefing_watch_it_and_download_it(
    town_staff, town, branch_a, branch_b, standard, town_admin_user, django_capture_on_commit_callbacks
):
    services.inspection_record(
        branch=branch_a,
        month=JULY,
        standard=standard,
        inspector=town_admin_user,
        scores=scores_at(standard, 90),
        inspected_on=dt.date(2026, 7, 9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = town_staff.post(reverse("assessment:briefings"), {"quarter": "2026Q3"})
    briefing = Briefing.objects.get(quarter="2026Q3")
    if briefing.status == Briefing.Status.QUEUED:
        # With a real broker the request only queued it: run the queued task here, as a worker would.
        briefing_compile_task.apply(args=[briefing.pk])
    assert response.status_code == 302 and response["Location"] == reverse("assessment:briefing", args=[briefing.pk])
    progress = town_staff.get(reverse("assessment:briefing-progress", args=[briefing.pk])).json()
    assert progress["done"] and progress["progress"] == 100
    page = town_staff.get(reverse("assessment:briefing", args=[briefing.pk])).content.decode()
    assert "?as=pdf" in page and "发布通报" not in page  # staff cannot publish
    pdf = town_staff.get(reverse("assessment:briefing-download", args=[briefing.pk]) + "?as=pdf")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    xlsx = town_staff.get(reverse("assessment:briefing-download", args=[briefing.pk]) + "?as=xlsx")
    assert "attachment" in xlsx["Content-Disposition"]


def test_the_overview_shows_the_quarter_at_a_glance(town_admin, town, branch_a, branch_b, standard, town_admin_user):
    services.inspection_record(
        branch=branch_a,
        month=JULY,
        standard=standard,
        inspector=town_admin_user,
        scores=scores_at(standard, 95),
        inspected_on=dt.date(2026, 7, 9),
        findings=[services.FindingInput(text="台账缺失", deadline=dt.date(2026, 7, 20))],
    )
    scoring.quarter_scores_compute(organisation=town, quarter="2026Q3")
    page = town_admin.get(reverse("assessment:dashboard") + "?quarter=2026Q3").content.decode()
    assert "2026年第三季度" in page and "chart.umd.min.js" in page and "dashboard-data" in page
    assert "逾期整改" in page


def test_the_unit_answers_a_rectification_through_the_api(secretary_a_user, area_head_user, branch_a, standard):
    inspection = services.inspection_record(
        branch=branch_a,
        month=JULY,
        standard=standard,
        inspector=area_head_user,
        scores=scores_at(standard, 80),
        inspected_on=dt.date(2026, 7, 9),
        findings=[services.FindingInput(text="公开栏破损")],
    )
    rect = inspection.findings.get()
    api = APIClient()
    api.force_authenticate(secretary_a_user)
    url = reverse("api:assessment-rectifications-act", args=[rect.pk])
    bad = api.post(url, {"action": "explain"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"cause", "measures"}
    ok = api.post(url, {"action": "explain", "cause": "台风损坏", "measures": "更换面板"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == Rectification.Status.EXPLAINED
    assert api.post(url, {"action": "verify"}, format="json").status_code == 403
