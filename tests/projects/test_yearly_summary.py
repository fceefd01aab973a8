"""The one-page yearly report material (述职) for a branch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from projects import services

pytestmark = pytest.mark.django_db


def test_the_summary_shows_the_project_its_milestones_and_key_tasks(make_project, secretary_a, branch_a, town):
    project = make_project(name="高峰村河道综合整治")
    services.milestone_create(project=project, title="河道清淤", planned_on=dt.date(2026, 5, 1), weight=3)
    done = services.milestone_create(project=project, title="编制方案", planned_on=dt.date(2026, 3, 20))
    services.milestone_complete(milestone=done, done_on=dt.date(2026, 3, 18))
    services.key_task_save(
        branch=town,
        year=2026,
        number=7,
        title="五水共治",
        leader="施鹤峰",
        unit=branch_a,
        targets={1: "方案", 2: "清淤"},
    )
    r = secretary_a.get(reverse("projects:yearly-summary", args=[branch_a.pk]), {"year": 2026})
    assert r.status_code == 200
    page = r.content.decode()
    for text in ("高峰村河道综合整治", "编制方案", "2026-03-18", "河道清淤", "逾期未完成", "7. 五水共治", "述职材料"):
        assert text in page, text


def test_the_summary_is_scoped(secretary_b, branch_a):
    assert secretary_b.get(reverse("projects:yearly-summary", args=[branch_a.pk])).status_code == 404
