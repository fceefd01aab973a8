"""A project's public page shows what the disclosure register published, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.models import Audience, Item, ItemVersion
from projects import services
from projects.delays import projects_flag_delays
from projects.publishing import project_publish

from .images import jpeg_bytes

pytestmark = pytest.mark.django_db


def _page(client, project) -> tuple[int, str]:
    r = client.get(reverse("projects_public:detail", args=[project.pk]))
    return r.status_code, r.content.decode()


def test_nothing_is_public_until_published(make_project, anonymous, secretary_a):
    project = make_project(goal="建成村级文化礼堂")
    services.milestone_create(project=project, title="布展设计", planned_on=dt.date(2026, 5, 1))
    services.report_save(
        project=project, month=dt.date(2026, 3, 1), done="完成选址", problems="村民甲不同意拆迁", next_steps="协商"
    )
    assert _page(anonymous, project)[0] == 404

    r = secretary_a.post(reverse("projects:publish", args=[project.pk]))
    assert r.status_code == 302
    status, page = _page(anonymous, project)
    assert status == 200
    assert "建成村级文化礼堂" in page and "布展设计" in page and project.lead.name in page
    # The monthly reports are the branch's working notes: never on the board.
    assert "村民甲不同意拆迁" not in page and "完成选址" not in page
    item = Item.objects.get(source=f"projects.project:{project.pk}")
    assert (item.category, item.period, item.branch_id) == ("secretary_projects", "2026", project.branch_id)


def test_the_page_reads_the_published_version_not_the_live_project(make_project, anonymous):
    project = make_project(name="高峰村道路亮化")
    project_publish(project=project)
    # A change that bypasses the services (no publishing) never reaches the public page.
    type(project).objects.filter(pk=project.pk).update(name="未发布的新名称", goal="未发布的目标")
    status, page = _page(anonymous, project)
    assert status == 200 and "高峰村道路亮化" in page
    assert "未发布的新名称" not in page and "未发布的目标" not in page


def test_updates_become_new_versions_and_the_same_content_none(make_project, anonymous):
    project = make_project()
    milestone = services.milestone_create(project=project, title="入户宣传", planned_on=dt.date(2026, 4, 1))
    first = project_publish(project=project)
    assert first.number == 1
    assert project_publish(project=project).pk == first.pk  # nothing changed, no new version

    services.milestone_complete(milestone=milestone, done_on=dt.date(2026, 3, 30))
    photo = services.photo_add(project=project, upload=SimpleUploadedFile("a.jpg", jpeg_bytes()), caption="宣传现场")
    versions = list(ItemVersion.objects.filter(item__source=f"projects.project:{project.pk}").order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[-1].payload["project"]["percent"] == 100
    status, page = _page(anonymous, project)
    assert "第 3 版" in page and photo.image.url in page and "宣传现场" in page
    assert versions[0].payload["milestones"][0]["done_on"] == ""  # earlier versions are kept as they were


def test_the_daily_pass_republishes_a_public_project_whose_status_changed(make_project, monkeypatch):
    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "localdate", lambda *a, **k: dt.date(2026, 11, 20))
    project = make_project()
    services.milestone_create(project=project, title="施工", planned_on=dt.date(2026, 12, 10))
    project_publish(project=project)
    projects_flag_delays(on=dt.date(2026, 12, 3))  # nothing changed: no new version
    projects_flag_delays(on=dt.date(2026, 12, 15))
    latest = Item.objects.get(source=f"projects.project:{project.pk}").latest_version
    assert latest.number == 2 and latest.payload["project"]["status"] == "滞后"


def test_a_members_only_version_is_not_public(make_project, anonymous):
    from disclosure.services import disclosure_publish
    from projects.publishing import project_payload, source_for

    project = make_project()
    disclosure_publish(
        branch=project.branch,
        category="secretary_projects",
        period="2026",
        source=source_for(project),
        title=project.name,
        payload=project_payload(project),
        audience=Audience.MEMBERS,
    )
    assert _page(anonymous, project)[0] == 404


def test_another_branch_secretary_cannot_publish(make_project, secretary_b):
    project = make_project()
    assert secretary_b.post(reverse("projects:publish", args=[project.pk])).status_code == 404
    assert not Item.objects.exists()
