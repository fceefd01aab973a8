"""Rows for 三会一课: the meeting log, its files, the reports and the plan (own = branch_a, other = branch_b)."""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, OK, ROLES, Row, everyone, scoped

# Who may write a branch's meetings: the town admin everywhere, each secretary in their own branch.
WRITERS = {
    "anonymous": (LOGIN, LOGIN),
    "town_admin": (OK, OK),
    "town_staff": (DENY, DENY),
    "area_head": (DENY, DENY),
    "secretary_a": (OK, DENY),
    "secretary_b": (DENY, OK),
    "member": (DENY, DENY),
}
LOGGERS = {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "secretary_a": OK, "secretary_b": OK}
OVERSEERS = {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "town_staff": OK, "area_head": OK}
APPROVERS = {**WRITERS, "secretary_a": (DENY, DENY), "secretary_b": (DENY, DENY), "area_head": (OK, DENY)}
WITH_MEMBER_RECORD = {
    **everyone(DENY, anonymous=LOGIN),
    "secretary_a": OK,
    "secretary_b": OK,
    "member": OK,
}

ROWS = {
    ("meetings:list", "get"): Row(LOGGED_IN),
    ("meetings:create", "get"): Row(LOGGERS),
    ("meetings:create", "post"): Row(LOGGERS),  # the empty form comes back with its errors
    ("meetings:detail", "get"): Row(scoped(LOGIN), target="meeting"),
    ("meetings:edit", "get"): Row(WRITERS, target="meeting"),
    ("meetings:edit", "post"): Row(WRITERS, target="meeting"),
    ("meetings:submit", "post"): Row(WRITERS, target="meeting"),
    ("meetings:confirm", "post"): Row(APPROVERS, target="meeting"),
    ("meetings:decision-add", "post"): Row(WRITERS, target="meeting"),
    # Unpublished photos: a 404 for anyone outside the branch's readers, logged in or not.
    ("meetings:photo", "get"): Row(scoped(DENY), target="meeting_photo"),
    ("meetings:photo-publish", "post"): Row(WRITERS, target="meeting_photo"),
    ("meetings:attachment", "get"): Row(scoped(LOGIN), target="attachment"),
    ("meetings:compliance", "get"): Row(OVERSEERS),
    ("meetings:compliance-xlsx", "get"): Row(OVERSEERS),
    ("meetings:branch", "get"): Row(scoped(LOGIN), target="branch"),
    ("meetings:attendance", "get"): Row(scoped(LOGIN), target="branch"),
    ("meetings:attendance-xlsx", "get"): Row(scoped(LOGIN), target="branch"),
    ("meetings:plan", "get"): Row(scoped(LOGIN), target="branch"),
    ("meetings:plan", "post"): Row(WRITERS, target="branch"),
    ("meetings:plan-publish", "post"): Row(WRITERS, target="branch"),
    ("meetings:mine", "get"): Row(WITH_MEMBER_RECORD),
    ("api:meeting-rules-list", "get"): Row(API_LOGGED_IN),
    ("api:meeting-rules-detail", "get"): Row(
        {role: ((DENY, DENY) if role == "anonymous" else (OK, OK)) for role in ROLES}, target="rule"
    ),
    ("api:meetings-list", "get"): Row(API_LOGGED_IN),
    # Logging a meeting: refused for the empty body where the role may write somewhere.
    ("api:meetings-list", "post"): Row(
        {**everyone(DENY), "town_admin": "400", "secretary_a": "400", "secretary_b": "400"}
    ),
    ("api:meetings-detail", "get"): Row(scoped(DENY), target="meeting"),
    ("api:meetings-attendance", "get"): Row(scoped(DENY), target="meeting"),
    ("api:meeting-attendance-list", "get"): Row(API_LOGGED_IN),
    ("api:meeting-plans-list", "get"): Row(API_LOGGED_IN),
    ("api:meeting-plans-detail", "get"): Row(scoped(DENY), target="plan"),
    ("api:compliance-list", "get"): Row(API_LOGGED_IN),
}


def targets(request, world: dict) -> dict:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from branches.models import Branch
    from meetings.models import MeetingAttachment, MeetingPhoto, MeetingType
    from meetings.services import meeting_create
    from tests.meetings.conftest import ensure_town_rules

    ensure_town_rules()  # a transactional test run earlier may have flushed the data migration's rows
    theme_day = MeetingType.objects.get(code="theme_day")
    meetings = []
    for branch_id in world["branch"]:
        meeting, _created = meeting_create(
            branch=Branch.objects.get(pk=branch_id),
            types=[theme_day],
            held_on=timezone.localdate(),
            place="会议室",
            topic="主题党日",
            host="书记",
        )
        meetings.append(meeting)
    photos = tuple(
        MeetingPhoto.objects.create(meeting=m, image=ContentFile(b"\xff\xd8\xff", name="p.jpg")).pk for m in meetings
    )
    files = tuple(
        MeetingAttachment.objects.create(meeting=m, file=ContentFile(b"%PDF-1.4", name="a.pdf"), name="a.pdf").pk
        for m in meetings
    )
    from meetings.models import MeetingRule, PlanItem

    plans = tuple(
        PlanItem.objects.create(branch_id=branch_id, year=2026, month=1, topic="学习党章").pk
        for branch_id in world["branch"]
    )
    rules = tuple(MeetingRule.objects.order_by("pk").values_list("pk", flat=True)[:2])
    return {
        "meeting": tuple(m.pk for m in meetings),
        "meeting_photo": photos,
        "attachment": files,
        "plan": plans,
        "rule": rules,
    }
