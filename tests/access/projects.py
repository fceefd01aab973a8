"""Rows for 书记领衔 projects and the town's key tasks (亮任务).

Projects are written by their branch's officers in office (and the town admin);
key tasks by the town admin, and each month is reported by the responsible
unit's officers. "own" objects sit in branch_a, "other" ones in branch_b (a
key task's *responsible unit* is branch_a or branch_b; the task is the town's).
"""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, OK, Row, everyone, scoped

READERS = {**LOGGED_IN, "member": DENY}
API_READERS = {**API_LOGGED_IN, "member": DENY}
WRITERS = {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "secretary_a": OK, "secretary_b": OK}
TOWN_WRITER = {**everyone(DENY, anonymous=LOGIN), "town_admin": OK}


def write_scoped(outcome: str = OK, anonymous: str = LOGIN) -> dict:
    """The branch's officers in office write its own; the town admin writes all."""
    return {
        **{role: (DENY, DENY) for role in ("town_staff", "area_head", "member")},
        "anonymous": (anonymous, anonymous),
        "town_admin": (outcome, outcome),
        "secretary_a": (outcome, DENY),
        "secretary_b": (DENY, outcome),
    }


API_WRITERS_400 = {**everyone(DENY), "town_admin": "400", "secretary_a": "400", "secretary_b": "400"}

TOWN_WRITE_ONLY = {
    **{role: (DENY, DENY) for role in ("town_staff", "area_head", "member", "secretary_a", "secretary_b")},
    "anonymous": (LOGIN, LOGIN),
    "town_admin": (OK, OK),
}

ROWS = {
    ("projects:list", "get"): Row(READERS),
    ("projects:create", "get"): Row(WRITERS),
    ("projects:create", "post"): Row(WRITERS),  # an empty form comes back with its errors
    ("projects:detail", "get"): Row(scoped(LOGIN), target="project"),
    ("projects:edit", "get"): Row(write_scoped(), target="project"),
    ("projects:edit", "post"): Row(write_scoped(), target="project"),
    ("projects:drop", "post"): Row(write_scoped(), target="project"),  # no reason: back to the page
    ("projects:milestone-add", "post"): Row(write_scoped("400"), target="project"),
    ("projects:photo-add", "post"): Row(write_scoped("400"), target="project"),
    ("projects:report", "get"): Row(write_scoped(), target="project"),
    ("projects:report", "post"): Row(write_scoped(), target="project"),
    ("projects:milestone-edit", "get"): Row(write_scoped(), target="milestone"),
    ("projects:milestone-edit", "post"): Row(write_scoped(), target="milestone"),
    ("projects:milestone-done", "post"): Row(write_scoped(), target="milestone"),
    ("projects:photo-delete", "post"): Row(write_scoped(), target="photo"),
    ("projects:publish", "post"): Row(write_scoped(), target="project"),
    ("projects_public:detail", "get"): Row(everyone((OK, OK)), target="public_project"),
    ("projects:yearly-summary", "get"): Row(scoped(LOGIN), target="branch"),
    ("projects:wall-chart", "get"): Row(READERS),
    ("projects:key-task-create", "get"): Row(TOWN_WRITER),
    ("projects:key-task-create", "post"): Row(TOWN_WRITER),
    ("projects:key-task-detail", "get"): Row(scoped(LOGIN), target="key_task"),
    ("projects:key-task-edit", "get"): Row(TOWN_WRITE_ONLY, target="key_task"),
    ("projects:key-task-edit", "post"): Row(TOWN_WRITE_ONLY, target="key_task"),
    ("projects:key-task-month", "post"): Row(write_scoped("400"), target="key_task_month"),
    # API: reads scoped like the pages; an empty body is refused (400) where the role may write.
    ("api:projects-list", "get"): Row(API_LOGGED_IN),
    ("api:projects-list", "post"): Row(API_WRITERS_400),
    ("api:projects-detail", "get"): Row(scoped(DENY), target="project"),
    ("api:projects-detail", "patch"): Row(write_scoped(OK, DENY), target="project"),  # an empty PATCH: 200
    ("api:projects-publish", "post"): Row(write_scoped(OK, DENY), target="project"),
    ("api:milestones-list", "get"): Row(API_LOGGED_IN),
    ("api:milestones-list", "post"): Row(API_WRITERS_400),
    ("api:milestones-detail", "get"): Row(scoped(DENY), target="milestone"),
    ("api:milestones-detail", "patch"): Row(write_scoped(OK, DENY), target="milestone"),
    ("api:project-reports-list", "get"): Row(API_LOGGED_IN),
    ("api:project-reports-list", "post"): Row(API_WRITERS_400),
    ("api:project-reports-detail", "get"): Row(scoped(DENY), target="report"),
    ("api:key-tasks-list", "get"): Row(API_LOGGED_IN),
    ("api:key-tasks-detail", "get"): Row(scoped(DENY), target="key_task"),
    ("api:key-task-months-list", "get"): Row(API_LOGGED_IN),
    ("api:key-task-months-detail", "get"): Row(scoped(DENY), target="key_task_month"),
    ("api:key-task-months-report", "post"): Row(write_scoped("400", DENY), target="key_task_month"),
}


def targets(request, world: dict) -> dict:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from branches.models import Branch
    from projects import services
    from projects.models import Category
    from tests.projects.images import jpeg_bytes

    town = request.getfixturevalue("town")
    today = timezone.localdate()
    projects, milestones, photos, tasks, months, reports = [], [], [], [], [], []
    for branch_id, lead in zip(world["branch"], ("member_a", "member_b"), strict=True):
        branch = Branch.objects.get(pk=branch_id)
        project = services.project_create(
            branch=branch,
            lead=request.getfixturevalue(lead),
            name=f"{branch.name}环境整治",
            category=Category.ENVIRONMENT,
            goal="河道清淤、垃圾分类全覆盖",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=200),
        )
        milestone = services.milestone_create(project=project, title="方案制定", planned_on=today)
        reports.append(services.report_save(project=project, month=today, done="完成方案", next_steps="开始施工").pk)
        photo = services.photo_add(project=project, upload=SimpleUploadedFile("p.jpg", jpeg_bytes()))
        task = services.key_task_save(
            branch=town,
            year=today.year,
            number=len(tasks) + 1,
            title="美丽乡村建设",
            leader="施鹤峰",
            unit=branch,
            targets={1: "完成方案", 6: "完成过半", 12: "全部完成"},
        )
        projects.append(project.pk)
        milestones.append(milestone.pk)
        photos.append(photo.pk)
        tasks.append(task.pk)
        months.append(task.months.get(month=1).pk)
    from projects.publishing import project_publish

    public = []
    for pk in projects:
        project = services.Project.objects.get(pk=pk)
        other = services.project_create(
            branch=project.branch,
            lead=project.lead,
            name=f"{project.name}（公开）",
            category=Category.SERVICE,
            goal="公开的项目",
            starts_on=project.starts_on,
            ends_on=project.ends_on,
        )
        project_publish(project=other)
        public.append(other.pk)
    return {
        "public_project": tuple(public),
        "project": tuple(projects),
        "report": tuple(reports),
        "milestone": tuple(milestones),
        "photo": tuple(photos),
        "key_task": tuple(tasks),
        "key_task_month": tuple(months),
    }
