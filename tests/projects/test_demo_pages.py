"""The demo town's projects and key tasks: seeded once, and their pages render."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from projects.models import KeyTask, KeyTaskMonth, Project, Status


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    # Seeded once for the module inside a transaction that is rolled back afterwards, so the rows
    # the migrations put in (rule sets, standards) are still there for the tests after these.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
def test_the_demo_has_23_projects_and_16_key_tasks_with_a_believable_mix(demo_town):
    assert Project.objects.count() == 23
    assert Project.objects.values("branch").distinct().count() == 23
    statuses = set(Project.objects.values_list("status", flat=True))
    assert {Status.ON_TRACK, Status.BEHIND, Status.DONE} <= statuses
    assert KeyTask.objects.count() == 16
    states = set(KeyTaskMonth.objects.values_list("state", flat=True))
    assert states == {"done", "late", "pending"}
    # Twice: nothing new.
    call_command("seed_demo", verbosity=0)
    assert (Project.objects.count(), KeyTask.objects.count(), KeyTaskMonth.objects.count()) == (23, 16, 192)


@pytest.mark.django_db
def test_the_wall_chart_renders_for_the_demo_town(demo_town):
    r = _client("admin").get(reverse("projects:wall-chart"))
    assert r.status_code == 200
    page = r.content.decode()
    assert len(r.context["rows"]) == 16
    assert "万科印象城项目建设推进" in page and "pj-cell--done" in page and "pj-cell--late" in page
    assert "@page" not in page  # the print rules live in the stylesheet


@pytest.mark.django_db
def test_a_project_page_renders_for_its_secretary_and_on_the_board(demo_town):
    project = Project.objects.get(branch__name="高峰村党支部")
    r = _client("sec_gaofeng").get(reverse("projects:detail", args=[project.pk]))
    assert r.status_code == 200
    page = r.content.decode()
    assert "高峰村河道综合整治" in page and "填报月度进展" in page and f"{project.percent}%" in page

    public = Client().get(reverse("projects_public:detail", args=[project.pk]))
    assert public.status_code == 200 and "高峰村河道综合整治" in public.content.decode()
    # Another branch's secretary cannot open it inside the portal.
    assert _client("sec_gaoqiao_sq").get(reverse("projects:detail", args=[project.pk])).status_code == 404
