"""三会一课 at district scale: the overdue pass over every branch and the compliance matrix page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoqiao_bench .venv/bin/python benchmarks/meetings_overdue.py

Builds the district once (``seed_demo``'s core steps at ``--scale 40``: 40 towns, ~1,600
organisations, ~110,000 members), then YEARS (default 5) of meetings for every branch that
has rules: every month a 主题党日 (with the quarter's 党员大会 at quarter ends), a 支委会 and a
meeting per party group, a 党课 and a 锋领指数亮绩 every half year, the yearly appraisal, the
town committees' own meetings, with attendance for the members' meetings of the last two
years. About one branch in twelve misses a few periods. Rows already there are kept (the
seeding is keyed), so a second run goes straight to the timings.

Then it times, each three times, the best reported:
* ``meetings_flag_overdue`` over every branch (first run opens the flags, later runs change nothing),
  with its query count;
* the district compliance matrix page (``/meetings/compliance/``) for the district's admin, end to end
  through the Django test client.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoqiao.settings")

NAMESPACE = uuid.UUID("0b7c4c55-51a9-4d6e-8f8a-2f6f1f3b2018")
BATCH = 5000


def seed_meetings(years: int, today: dt.date) -> int:
    import random

    from django.db import connection, transaction

    from branches.models import Branch, PartyGroup
    from meetings.demo import _sittings
    from meetings.models import Attendance, Meeting, MeetingType
    from meetings.periods import month_index
    from members.models import Member

    if Meeting.objects.filter(idempotency_key__isnull=False, topic="基准测试会议").exists():
        return 0
    types = {t.code: t.pk for t in MeetingType.objects.all()}
    rng = random.Random(2018)
    leaves = list(Branch.objects.filter(kind=Branch.Kind.BRANCH, is_active=True).values_list("pk", "code"))
    towns = list(Branch.objects.filter(kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN).values_list("pk", "code"))
    groups: dict[int, list[int]] = {}
    for pk, branch_id in PartyGroup.objects.values_list("pk", "branch_id"):
        groups.setdefault(branch_id, []).append(pk)
    members: dict[int, list[int]] = {}
    for pk, branch_id in Member.objects.values_list("pk", "branch_id"):
        members.setdefault(branch_id, []).append(pk)
    now = month_index(today)
    months = range(now - 12 * years + 1, now)  # up to last month
    made = 0
    plan = []
    for branches, is_town in ((towns, True), (leaves, False)):
        for n, (branch_id, code) in enumerate(branches):
            late = n % 12 == 5
            for m in months:
                year, month = divmod(m, 12)
                for sitting in _sittings(m, is_town):
                    if late and m >= now - 3 and sitting[0] in ("theme_day", "party_group") and rng.random() < 0.5:
                        continue
                    targets = groups.get(branch_id, []) if sitting == ("party_group",) else [None]
                    for group_id in targets:
                        plan.append(
                            (branch_id, code, group_id, sitting, dt.date(year, month + 1, rng.randint(1, 28)), m)
                        )
    print(f"  {len(plan):,} meetings to write", flush=True)
    with transaction.atomic():
        for start in range(0, len(plan), BATCH):
            chunk = plan[start : start + BATCH]
            rows = [
                Meeting(
                    branch_id=b,
                    party_group_id=g,
                    held_on=day,
                    place="会议室",
                    topic="基准测试会议",
                    host="书记",
                    status="confirmed",
                    idempotency_key=uuid.uuid5(NAMESPACE, f"{code}:{'+'.join(s)}:{g}:{m}"),
                )
                for b, code, g, s, day, m in chunk
            ]
            made_rows = Meeting.objects.bulk_create(rows)
            Meeting.types.through.objects.bulk_create(
                [
                    Meeting.types.through(meeting_id=meeting.pk, meetingtype_id=types[c])
                    for meeting, (_b, _code, _g, s, _d, _m) in zip(made_rows, chunk, strict=True)
                    for c in s
                ]
            )
            attendance = [
                Attendance(meeting_id=meeting.pk, member_id=member_id, status="present")
                for meeting, (b, _code, _g, s, _d, m) in zip(made_rows, chunk, strict=True)
                if "members" in s and m >= now - 24
                for member_id in members.get(b, [])
            ]
            Attendance.objects.bulk_create(attendance, batch_size=BATCH)
            made += len(rows)
            if start % (BATCH * 20) == 0:
                print(f"  {made:,} meetings written", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Role, User
    from branches.models import Branch
    from meetings.models import Attendance, Meeting
    from meetings.overdue import meetings_flag_overdue
    from members.models import Member
    from notices.models import Flag
    from portal.seeding import demo_seed

    today = timezone.localdate()
    t0 = time.perf_counter()
    if not Branch.objects.filter(code="HS").exists():
        print(f"seeding the district (core steps, --scale {args.scale}) …", flush=True)
        demo_seed(scale=args.scale, only={"accounts"}, progress=lambda line: print("  " + line, flush=True))
    print(f"seeding {args.years} years of meetings …", flush=True)
    seed_meetings(args.years, today)
    print(f"seeded in {time.perf_counter() - t0:.0f} s", flush=True)
    counts = {
        "branches": Branch.objects.count(),
        "members": Member.objects.count(),
        "meetings": Meeting.objects.count(),
        "meeting types links": Meeting.types.through.objects.count(),
        "attendance": Attendance.objects.count(),
    }
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" (total {sum(counts.values()):,})")

    for run in range(3):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = meetings_flag_overdue(as_of=today)
            took = time.perf_counter() - t
        print(
            f"overdue pass {run + 1}: {took:.2f} s, {len(ctx)} queries; overdue {result.overdue:,}, "
            f"opened {result.opened:,}, closed {result.closed:,}, reminded {result.reminded:,}",
            flush=True,
        )
    print(f"open flags: {Flag.objects.filter(kind='meeting_overdue', closed_at__isnull=True).count():,}")

    admin = User.objects.filter(role=Role.TOWN_ADMIN, branch__code="HS").first()
    if admin is None:
        admin = User.objects.create(
            username="bench_district_admin", role=Role.TOWN_ADMIN, branch=Branch.objects.get(code="HS"), is_staff=True
        )
    client = Client()
    client.force_login(admin)
    for run in range(3):
        reset_queries()
        t = time.perf_counter()
        response = client.get("/meetings/compliance/")
        took = time.perf_counter() - t
        print(
            f"compliance matrix page {run + 1}: {took:.2f} s, status {response.status_code}, {len(response.content):,} bytes"
        )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
    )


if __name__ == "__main__":
    main()
