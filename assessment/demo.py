"""Demo data for assessment: two quarters of monthly inspections, rectification in every state,
the town office's entries, pioneer points and last year's appraisal, then the quarters' scores.

Deterministic (a generator seeded per unit code) and idempotent: a town whose
units already have inspections in these months is left alone; points and
appraisals are keyed (member, source) and (member, year).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from branches.models import Branch
from members.models import Member
from portal.seeding import SeedContext, register

from . import publishing, scoring, services
from .models import (
    Appraisal,
    ExternalScore,
    Inspection,
    InspectionScore,
    PointEntry,
    QuarterScore,
    Rectification,
    Standard,
)
from .periods import last_full_quarter, previous_quarter, quarter_months
from .selectors import units_of

FINDINGS = {
    "组织生活": "“三会一课”记录不完整，缺少%s月党小组会记录",
    "党员管理": "党费收缴台账%s月未及时登记",
    "阵地建设": "党员活动室%s月被临时占用，功能标识缺失",
    "党务公开": "“七个一”公开栏%s月内容未更新",
    "组织建设": "党小组长空缺未及时补选（%s月督查）",
    "服务群众": "书记领衔项目%s月进度滞后，无阶段成果",
    "党风廉政": "%s月村务公开资料未经集体决策记录",
}
POINT_REASONS = [
    ("service", 3, "参加“周末卫生日”志愿服务"),
    ("service", 2, "参与五水共治巡河"),
    ("pioneer", 5, "抗台防汛中带头值守"),
    ("service", 2, "走访结对困难户"),
    ("deduction", -2, "无故缺席主题党日"),
]


def _months(ctx: SeedContext) -> tuple[str, str, list[dt.date]]:
    last = last_full_quarter(ctx.today)
    prev = previous_quarter(last)
    months = quarter_months(prev) + quarter_months(last)
    current = [
        m for m in quarter_months(last_full_quarter(ctx.today + dt.timedelta(days=92))) if m < ctx.today.replace(day=1)
    ]
    return prev, last, months + current


def _inspectors(town) -> tuple[dict, User | None]:
    heads = {u.area_id: u for u in User.objects.filter(role=Role.AREA_HEAD, area__town=town)}
    admin = User.objects.filter(role=Role.TOWN_ADMIN).order_by("pk").first()
    return heads, admin


# After the apps whose results assessment reads: the meetings logged (compliance, attendance), the
# boards' fixture checks (disclosure), the secretary-led projects and key tasks (projects); the
# quarter's scores are computed last.
@register("assessment", after=("core", "meetings", "disclosure", "projects"))
def seed_assessment(ctx: SeedContext) -> None:
    standard = Standard.objects.prefetch_related("items").filter(year__lte=ctx.today.year).order_by("-year").first()
    if standard is None:
        return
    items = list(standard.items.all())
    prev, last, months = _months(ctx)
    for town in ctx.state.get("towns", []):
        _seed_town(ctx, town, standard, items, months, (prev, last))
    first = (ctx.state.get("towns") or [None])[0]
    if first is not None:
        _seed_points(ctx, first)
        _seed_appraisal(ctx, first)
        _credit_attendance(ctx, first, months)
    # The daily job's first pass: board fixtures checked 需整改 open their items (keyed: once).
    fixtures = services.rectifications_sync_fixtures(today=ctx.today)
    ctx.made("assessment_fixture_items", fixtures.opened, "公开栏设施整改")
    if first is not None:
        # The last half year's pioneer ranking on each branch's board (the same ranking makes no new version).
        publishing.publish_pioneer_ranking(organisation=first, period=publishing.last_full_half_year(ctx.today))
    root = ctx.state.get("root")
    if root is not None:
        for quarter in (prev, last):
            if not QuarterScore.objects.filter(quarter=quarter, locked=True).exists():
                rows = scoring.quarter_scores_compute(organisation=root, quarter=quarter)
                ctx.total(f"assessment_scores_{quarter}", len(rows), f"{quarter} 季度考核结果")


def _credit_attendance(ctx, town, months) -> None:
    """The nightly job's work for the demo's months: attendance at the meetings logged, keyed per month."""
    branches = list(Branch.objects.filter(path__startswith=town.path))
    credited = sum(services.points_credit_attendance(month=month, branches=branches) for month in months)
    ctx.total("assessment_attendance_points", credited, "参加组织生活积分")


def _seed_town(ctx, town, standard, items, months, quarters) -> None:
    units = list(units_of(town).select_related("area"))
    if not units or Inspection.objects.filter(branch__in=units, month__in=months).exists():
        return
    heads, admin = _inspectors(town)
    if admin is None:
        return
    full = sum(i.points for i in items)
    inspections, score_rows, findings = [], [], []
    for unit in units:
        rng = random.Random(f"assessment:{unit.code}")
        quality = rng.uniform(0.62, 0.99)
        inspector = heads.get(unit.area_id, admin)
        for month in months:
            per_item = []
            for item in items:
                share = min(1.0, max(0.0, rng.gauss(quality, 0.12)))
                per_item.append((item, (item.points * Decimal(str(share))).quantize(Decimal("0.5"))))
            day = month.replace(day=min(25, 8 + rng.randrange(15)))
            inspection = Inspection(
                branch=unit,
                month=month,
                standard=standard,
                inspector=inspector,
                inspected_on=min(day, ctx.today),
                score=sum(s for _i, s in per_item),
                full_marks=full,
            )
            inspections.append(inspection)
            score_rows.append(per_item)
            worst = min(per_item, key=lambda p: p[1] / p[0].points)
            if worst[1] / worst[0].points < Decimal("0.6"):
                findings.append((inspection, worst[0], rng.random(), inspector))
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    InspectionScore.objects.bulk_create(
        [
            InspectionScore(inspection=insp, item=item, score=score)
            for insp, per_item in zip(inspections, score_rows, strict=True)
            for item, score in per_item
        ],
        batch_size=5000,
    )
    ctx.made("assessment_inspections", len(inspections), "月度督查")
    rects = []
    today = ctx.today
    for inspection, item, roll, inspector in findings:
        deadline = inspection.inspected_on + dt.timedelta(days=15)
        rect = Rectification(
            branch=inspection.branch,
            inspection=inspection,
            item=item,
            finding=FINDINGS.get(item.area_of_work, "%s月督查发现问题") % inspection.month.month,
            deadline=deadline,
            opened_by=inspector,
        )
        if deadline < today - dt.timedelta(days=20) and roll < 0.8 or roll < 0.3:
            late = roll > 0.65
            fixed_on = deadline + dt.timedelta(days=6 if late else -3)
            rect.status = (
                Rectification.Status.VERIFIED
                if fixed_on < today - dt.timedelta(days=5)
                else (Rectification.Status.FIXED)
            )
            rect.cause, rect.measures = "责任人对要求理解不到位", "明确专人负责，按月对照标准自查"
            rect.result = "已按要求完成整改"
            rect.fixed_at = timezone.make_aware(dt.datetime.combine(min(fixed_on, today), dt.time(10)))
            if rect.status == Rectification.Status.VERIFIED:
                rect.verified_at = rect.fixed_at + dt.timedelta(days=2)
        elif roll < 0.9:
            rect.status = Rectification.Status.EXPLAINED
            rect.cause, rect.measures = "人员调整后交接不到位", "支部书记牵头，十日内整改到位"
        rects.append(rect)
    Rectification.objects.bulk_create(rects, batch_size=2000)
    ctx.made("assessment_rectifications", len(rects), "整改事项")
    externals = []
    for unit in units:
        rng = random.Random(f"assessment-ext:{unit.code}")
        for quarter in quarters:
            externals.append(
                ExternalScore(
                    branch=unit,
                    quarter=quarter,
                    entered_by=admin,
                    departments=Decimal(str(round(rng.uniform(72, 98), 1))),
                    appraisal=Decimal(str(round(rng.uniform(80, 99), 1))),
                )
            )
    ExternalScore.objects.bulk_create(externals, batch_size=2000, ignore_conflicts=True)


def _seed_points(ctx, town) -> None:
    members = list(
        Member.objects.filter(branch__path__startswith=town.path, standing=Member.Standing.NORMAL).values_list(
            "pk", "branch_id", "name"
        )
    )
    entries = []
    for pk, branch_id, _name in members:
        rng = random.Random(f"points:{pk}")
        for n in range(rng.randrange(1, 5)):
            kind, points, reason = rng.choice(POINT_REASONS)
            on = ctx.today - dt.timedelta(days=rng.randrange(5, 300))
            entries.append(
                PointEntry(
                    member_id=pk,
                    branch_id=branch_id,
                    on=on,
                    kind=kind,
                    points=points,
                    reason=reason,
                    source_key=f"demo:{n}",
                )
            )
    PointEntry.objects.bulk_create(entries, batch_size=5000, ignore_conflicts=True)
    ctx.total(
        "assessment_points", PointEntry.objects.filter(branch__path__startswith=town.path).count(), "锋领指数记录"
    )


def _seed_appraisal(ctx, town) -> None:
    year = ctx.today.year - 1
    grades = [("excellent", 18), ("qualified", 78), ("basic", 3), ("unqualified", 1)]
    rows = []
    for pk, branch_id in Member.objects.filter(
        branch__path__startswith=town.path, standing=Member.Standing.NORMAL
    ).values_list("pk", "branch_id"):
        rng = random.Random(f"appraisal:{pk}:{year}")
        grade = rng.choices([g for g, _w in grades], weights=[w for _g, w in grades])[0]
        voters = rng.randrange(15, 45)
        excellent = int(voters * (0.7 if grade == "excellent" else 0.15))
        rows.append(
            Appraisal(
                member_id=pk,
                branch_id=branch_id,
                year=year,
                grade=grade,
                self_assessment="认真学习党的理论，按时参加组织生活，积极参与志愿服务。",
                votes_excellent=excellent,
                votes_qualified=voters - excellent - 1,
                votes_basic=1,
            )
        )
    Appraisal.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    ctx.total(
        "assessment_appraisals",
        Appraisal.objects.filter(year=year, branch__path__startswith=town.path).count(),
        f"{year}年度民主评议",
    )
