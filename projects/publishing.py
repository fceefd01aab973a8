"""A project's page on its site's board, through the disclosure register (书记领衔项目).

The project is published as structured content with
``disclosure.services.disclosure_publish`` under the key (branch,
``secretary_projects``, year, ``projects.project:<pk>``). Once published, every
change to the project, its milestones or its photos publishes again; the
register makes a new version only when the content changed, and keeps every
earlier one. The public page (:mod:`projects.public_views`) shows the newest
*published* version's payload and nothing read from the live project.

Payload keys (besides the register's generic ``summary``, ``columns``,
``rows``, ``notes``): ``project`` (name, category, lead, budget, dates,
status, percent), ``milestones`` (title, planned, done, weight), ``photos``
(url, caption, width, height). No personal data: the lead's name only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from disclosure.models import Category as DisclosureCategory
from disclosure.services import disclosure_publish

from .models import Project

PUBLIC_PHOTOS = 12


SOURCE_PREFIX = "projects.project:"


def source_for(project: Project) -> str:
    return f"{SOURCE_PREFIX}{project.pk}"


def project_payload(project: Project) -> dict:
    milestones = list(project.milestones.all())
    photos = list(project.photos.all()[:PUBLIC_PHOTOS])
    status = project.get_status_display()
    return {
        "summary": project.goal,
        "project": {
            "name": project.name,
            "branch": project.branch.name,
            "category": project.get_category_display(),
            "lead": project.lead.name,
            "budget": f"{project.budget}",
            "starts_on": project.starts_on.isoformat(),
            "ends_on": project.ends_on.isoformat(),
            "status": status,
            "percent": project.percent,
            "dropped_reason": project.dropped_reason,
        },
        "milestones": [
            {
                "title": m.title,
                "planned_on": m.planned_on.isoformat(),
                "done_on": m.done_on.isoformat() if m.done_on else "",
                "weight": m.weight,
            }
            for m in milestones
        ],
        "photos": [
            {"url": f"{settings.MEDIA_URL}{p.image.name}", "caption": p.caption, "width": p.width, "height": p.height}
            for p in photos
        ],
        # For the register's generic page.
        "columns": [_("节点"), _("计划完成"), _("实际完成")],
        "rows": [
            [m.title, m.planned_on.isoformat(), m.done_on.isoformat() if m.done_on else _("未完成")] for m in milestones
        ],
        "notes": [
            _("领衔书记：%(n)s") % {"n": project.lead.name},
            _("项目类别：%(c)s") % {"c": project.get_category_display()},
            _("完成进度：%(p)s%%（%(s)s）") % {"p": project.percent, "s": status},
        ],
    }


def project_publish(*, project: Project, by=None):
    """Publish (or republish) the project's page; returns the register's newest version."""
    with transaction.atomic():
        if not project.is_public:
            project.is_public = True
            project.save(update_fields=["is_public", "updated_at"])
        return disclosure_publish(
            branch=project.branch,
            category=DisclosureCategory.SECRETARY_PROJECTS,
            period=str(project.year),
            source=source_for(project),
            title=project.name,
            payload=project_payload(project),
            by=by,
            reason=_("项目进展更新"),
        )
