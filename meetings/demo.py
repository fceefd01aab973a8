"""Demo seeding: 18 months of 三会一课 for the demo town(s), with attendance and minutes.

Every branch keeps its rules, except a few chosen ones that miss a few periods
(``LATE``), so the compliance views, the flags and the attendance report all
have something true to show. Meetings are keyed by a deterministic idempotency
key (branch, sitting, month), so a second run makes nothing. Everything goes in
with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict

from django.utils import timezone

from branches.models import Branch, OfficerPost, PartyGroup
from members.models import LEFT_PARTY_STANDINGS, Member
from portal.seeding import SeedContext, register

from .figures_cache import forget_meetings
from .models import Attendance, Meeting, MeetingType, PlanItem
from .periods import month_index

MONTHS = 18
NAMESPACE = uuid.UUID("6f0c7d2e-1b1a-4c55-9a55-3d1f0e6a2018")
BATCH = 2000

# Which branches are late, and what they miss (relative month: -1 is last month). Index into the
# town's leaf branches, in path order.
# "Q" is the last month of the last finished quarter (for the quarterly 党员大会).
LATE = {
    3: [("theme_day", -1), ("members", "Q")],
    11: [("committee", -2), ("theme_day", -3)],
    19: [("party_group", -1)],
}

TOPICS = {
    "theme_day": [
        "学习党章党规",
        "重温入党誓词",
        "走访慰问困难党员",
        "环境整治志愿服务",
        "学习习近平新时代中国特色社会主义思想",
    ],
    "committee": ["研究本月党建工作", "讨论发展党员工作", "研究村级重大事项", "部署主题党日活动"],
    "party_group": ["学习上级会议精神", "交流思想和工作情况", "收集群众意见建议"],
    "members": ["通报支部工作", "讨论决定重大事项", "学习传达上级精神"],
    "lecture": ["书记讲党课：不忘初心 牢记使命", "党史学习教育专题党课", "基层党建提标年专题党课"],
    "appraisal": ["年度民主评议党员"],
    "pioneer_index": ["锋领指数积分亮绩"],
    "secretaries": ["书记例会：部署季度重点工作"],
    "organisation_members": ["组织委员例会：党员发展与组织生活"],
    "three_committees_training": ["三委会成员培训"],
}
PLACES = ("党群服务中心", "村委会会议室", "党员活动室", "社区会议室")
REASONS = [r.value for r in Attendance.Reason]


def _sittings(code_month: int, is_town: bool) -> list[tuple[str, ...]]:
    """The sittings of one month, each a tuple of the types it counts for."""
    month = code_month % 12 + 1
    if is_town:
        found = [("organisation_members",)]
        if month in (2, 5, 8, 11):
            found.append(("secretaries",))
        if month == 9:
            found.append(("three_committees_training",))
        return found
    theme = ("theme_day", "members") if month in (3, 6, 9, 12) else ("theme_day",)  # combined sittings
    found = [theme, ("committee",), ("party_group",)]
    if month in (5, 11):
        found.append(("lecture",))
    if month in (6, 12):
        found.append(("pioneer_index",))
    if month == 12:
        found.append(("appraisal",))
    return found


@register("meetings", after=("core",))
def seed_meetings(ctx: SeedContext) -> None:
    towns: list[Branch] = ctx.state.get("towns", [])
    if not MeetingType.objects.exists():
        # A database flushed since it was migrated (a transactional test) lost the data migration's rows.
        import importlib

        from django.apps import apps

        importlib.import_module("meetings.migrations.0002_town_rules").seed(apps, None)
    types = {t.code: t for t in MeetingType.objects.all()}
    for town in towns:
        _seed_town(ctx, town, types)
    # Written with bulk_create, behind the signals that keep the compliance figures fresh.
    forget_meetings()
    root = ctx.state.get("root")
    if root is not None:
        ctx.total("meetings", Meeting.objects.filter(branch__path__startswith=root.path).count(), "三会一课会议记录")


def _seed_town(ctx: SeedContext, town: Branch, types: dict[str, MeetingType]) -> None:
    today = ctx.today
    rng = random.Random(f"meetings-{town.code}")
    leaves = list(
        Branch.objects.filter(path__startswith=town.path, kind=Branch.Kind.BRANCH, is_active=True).order_by("path")
    )
    late = {leaves[i].pk: misses for i, misses in LATE.items() if i < len(leaves)}
    members = defaultdict(list)
    for pk, branch_id, group_id, joined in (
        Member.objects.filter(branch__in=leaves)
        .exclude(standing__in=LEFT_PARTY_STANDINGS)
        .values_list("pk", "branch_id", "party_group_id", "joined_on")
        .order_by("pk")
    ):
        members[branch_id].append((pk, group_id, joined))
    groups = defaultdict(list)
    for pk, branch_id in PartyGroup.objects.filter(branch__in=leaves).order_by("pk").values_list("pk", "branch_id"):
        groups[branch_id].append(pk)
    officers = defaultdict(list)
    for branch_id, member_id, post, name in (
        OfficerPost.objects.current(today)
        .filter(branch__path__startswith=town.path)
        .order_by("post", "pk")
        .values_list("branch_id", "member_id", "post", "member__name")
    ):
        officers[branch_id].append((member_id, post, name))

    now_month = month_index(today)
    # By branch ids, unordered: "path LIKE" over a join planned on the statistics of a table the
    # seeder has just filled took 30 s a town at seed_demo --scale 40.
    existing = set(
        Meeting.objects.filter(branch__in=[town.pk, *(b.pk for b in leaves)], idempotency_key__isnull=False)
        .order_by()
        .values_list("idempotency_key", flat=True)
    )
    planned: list[tuple[Meeting, list[str], list[tuple[int, str, str]]]] = []
    for branch in [town, *leaves]:
        is_town = branch.pk == town.pk
        heads = officers.get(branch.pk, [])
        host = next((n for _m, p, n in heads if p == OfficerPost.Post.SECRETARY), "书记")
        recorder = next((n for _m, p, n in heads if p != OfficerPost.Post.SECRETARY), "")
        misses = {(code, _missed_month(now_month, rel)) for code, rel in late.get(branch.pk, [])}
        for m in range(now_month - MONTHS + 1, now_month + 1):
            year, month = divmod(m, 12)
            for sitting in _sittings(m, is_town):
                codes = [c for c in sitting if (c, m) not in misses]
                if not codes:
                    continue
                targets = groups.get(branch.pk, []) if codes == ["party_group"] else [None]
                for group_id in targets:
                    key = uuid.uuid5(NAMESPACE, f"{branch.code}:{'+'.join(codes)}:{group_id}:{m}")
                    day = dt.date(year, month + 1, rng.randint(3, 26))
                    if key in existing or day > today:
                        continue
                    roster = _roster(codes, branch, group_id, members, heads, is_town, day)
                    marks = _marks(rng, roster, m, now_month)
                    topic = rng.choice(TOPICS[codes[0]])
                    meeting = Meeting(
                        branch=branch,
                        party_group_id=group_id,
                        held_on=day,
                        starts_at=dt.time(rng.choice((9, 14, 19)), 0),
                        place=rng.choice(PLACES) if not is_town else "镇政府会议室",
                        topic=topic,
                        host=host,
                        recorder=recorder,
                        lecturer=host if "lecture" in codes else "",
                        minutes=_minutes(host, topic, len(roster), sum(s == "present" for _m, s, _r in marks)),
                        status=Meeting.Status.CONFIRMED if (today - day).days > 30 else Meeting.Status.SUBMITTED,
                        idempotency_key=key,
                        expected_count=len(marks),
                        present_count=sum(s == "present" for _m, s, _r in marks),
                        leave_count=sum(s == "leave" for _m, s, _r in marks),
                        absent_count=sum(s == "absent" for _m, s, _r in marks),
                        submitted_at=timezone.now(),
                    )
                    planned.append((meeting, codes, marks))
    _bulk_insert(planned, types)
    ctx.made("meetings", len(planned), "三会一课会议记录")
    ctx.made("attendance", sum(len(p[2]) for p in planned), "会议出勤记录")
    ctx.made("plan_items", _seed_plan(town, leaves, today, rng), "主题党日年度计划")


def _missed_month(now_month: int, rel: int | str) -> int:
    if rel == "Q":
        return now_month - (now_month % 12) % 3 - 1
    return now_month + int(rel)


def _roster(codes, branch, group_id, members, heads, is_town, day) -> list[int]:
    if is_town or codes == ["committee"]:
        return [m for m, _p, _n in heads]
    return [m for m, g, joined in members.get(branch.pk, []) if joined <= day and (group_id is None or g == group_id)]


def _marks(rng: random.Random, roster: list[int], m: int, now_month: int) -> list[tuple[int, str, str]]:
    marks = []
    for member_id in roster:
        # A few members stay away without leave for the last months: the secretary's list has names.
        if member_id % 61 == 0 and m > now_month - 4:
            marks.append((member_id, "absent", ""))
            continue
        roll = rng.random()
        if roll < 0.86:
            marks.append((member_id, "present", ""))
        elif roll < 0.96:
            marks.append((member_id, "leave", rng.choice(REASONS)))
        else:
            marks.append((member_id, "absent", ""))
    return marks


def _minutes(host: str, topic: str, expected: int, present: int) -> str:
    return (
        f"会议由{host}主持，应到{expected}人，实到{present}人。\n"
        f"一、{topic}。\n二、与会党员结合工作实际交流发言。\n三、{host}作总结，部署下阶段工作。"
    )


def _bulk_insert(planned, types: dict[str, MeetingType]) -> None:
    for start in range(0, len(planned), BATCH):
        chunk = planned[start : start + BATCH]
        made = Meeting.objects.bulk_create([p[0] for p in chunk])
        links = [
            Meeting.types.through(meeting_id=meeting.pk, meetingtype_id=types[code].pk)
            for meeting, (_m, codes, _marks) in zip(made, chunk, strict=True)
            for code in codes
        ]
        Meeting.types.through.objects.bulk_create(links, batch_size=BATCH)
        rows = [
            Attendance(meeting_id=meeting.pk, member_id=member_id, status=status, reason=reason)
            for meeting, (_m, _codes, marks) in zip(made, chunk, strict=True)
            for member_id, status, reason in marks
        ]
        Attendance.objects.bulk_create(rows, batch_size=BATCH)


def _seed_plan(town: Branch, leaves: list[Branch], today: dt.date, rng: random.Random) -> int:
    have = set(PlanItem.objects.filter(branch__in=leaves, year=today.year).values_list("branch_id", "month"))
    items = [
        PlanItem(
            branch=branch,
            year=today.year,
            month=month,
            planned_on=dt.date(today.year, month, 15),
            topic=TOPICS["theme_day"][(month + i) % len(TOPICS["theme_day"])],
        )
        for i, branch in enumerate(leaves)
        for month in range(1, 13)
        if (branch.pk, month) not in have
    ]
    PlanItem.objects.bulk_create(items, batch_size=BATCH)
    return len(items)
