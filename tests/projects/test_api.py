"""The projects API: scoped reads, writes through the same services, in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects import services
from projects.models import Project, Status

pytestmark = pytest.mark.django_db


def test_secretary_runs_a_project_through_the_api(secretary_a, secretary_a_user, branch_a, branch_b):
    body = {
        "branch": branch_a.pk,
        "lead": secretary_a_user.member_id,
        "name": "高峰村老年食堂建设",
        "category": "service",
        "goal": "日均就餐 60 人次",
        "budget": "28.00",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    r = secretary_a.post(reverse("api:projects-list"), body, content_type="application/json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    # Another branch is refused on its field.
    r = secretary_a.post(reverse("api:projects-list"), {**body, "branch": branch_b.pk}, content_type="application/json")
    assert r.status_code == 400 and "branch" in r.json()

    # The schema's maxLength (100) holds for the title as sent, spaces and all.
    too_long = {"project": pk, "title": "选" * 100 + "  ", "weight": 2, "planned_on": "2026-06-30"}
    r = secretary_a.post(reverse("api:milestones-list"), too_long, content_type="application/json")
    assert r.status_code == 400 and "title" in r.json()
    m = secretary_a.post(
        reverse("api:milestones-list"),
        {"project": pk, "title": " 选址装修 ", "weight": 2, "planned_on": "2026-06-30"},
        content_type="application/json",
    ).json()
    assert m["title"] == "选址装修"  # trimmed once it fits
    r = secretary_a.patch(
        reverse("api:milestones-detail", args=[m["id"]]), {"done_on": "2026-06-20"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["is_done"]
    project = secretary_a.get(reverse("api:projects-detail", args=[pk])).json()
    assert (project["status"], project["percent"]) == (Status.DONE, 100)

    r = secretary_a.post(
        reverse("api:project-reports-list"),
        {"project": pk, "month": "2026-06-01", "done": "完成装修", "next_steps": "试运营"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = secretary_a.post(
        reverse("api:project-reports-list"),
        {"project": pk, "month": "2026-06-01", "done": "完成装修并验收", "next_steps": "试运营"},
        content_type="application/json",
    )
    assert r.status_code == 201 and Project.objects.get(pk=pk).reports.get().done == "完成装修并验收"

    # Status and percent are the services' to set.
    r = secretary_a.patch(reverse("api:projects-detail", args=[pk]), {"percent": 5}, content_type="application/json")
    assert r.status_code == 200 and r.json()["percent"] == 100


def test_lists_are_scoped(secretary_b, make_project):
    make_project()
    assert secretary_b.get(reverse("api:projects-list")).json()["count"] == 0
    assert secretary_b.get(reverse("api:milestones-list")).json()["count"] == 0


def test_the_responsible_unit_reports_a_month_through_the_api(town, branch_a, secretary_a, secretary_b):
    task = services.key_task_save(
        branch=town, year=2026, number=3, title="垃圾分类全覆盖", leader="施鹤峰", unit=branch_a,
        targets={2: "完成 50% 农户"},
    )  # fmt: skip
    month = task.months.get()
    url = reverse("api:key-task-months-report", args=[month.pk])
    assert secretary_b.post(url, {"done": True, "evidence": "x"}, content_type="application/json").status_code == 404
    r = secretary_a.post(url, {"done": True}, content_type="application/json")
    assert r.status_code == 400 and "evidence" in r.json()
    # A form body that leaves "done" out is refused, not read as an unticked box (滞后).
    r = secretary_a.post(url, {"reason": "雨季停工", "evidence": "x"})
    assert r.status_code == 400 and "done" in r.json()
    month.refresh_from_db()
    assert month.state == month.State.PENDING
    r = secretary_a.post(url, {"done": True, "evidence": "分类台账 2 月"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "done"
    detail = secretary_a.get(reverse("api:key-tasks-detail", args=[task.pk])).json()
    assert detail["months"][0]["state"] == "done"


def test_the_schema_documents_the_endpoints(town_admin):
    schema = town_admin.get(reverse("api:schema")).content.decode()
    for path in (
        "/api/projects/",
        "/api/milestones/",
        "/api/project-reports/",
        "/api/key-tasks/",
        "/api/key-task-months/{id}/report/",
    ):
        assert path in schema


def test_an_empty_milestone_list_answers_in_fixed_queries(secretary_a, make_project, django_assert_max_num_queries):
    project = make_project()
    for i in range(5):
        services.milestone_create(project=project, title=f"节点{i}", planned_on=dt.date(2026, 4, 1 + i))
    with django_assert_max_num_queries(8):
        assert secretary_a.get(reverse("api:milestones-list")).json()["count"] == 5
