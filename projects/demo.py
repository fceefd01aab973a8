"""Demo data: 23 书记领衔 projects (one per village and two communities) and the town's 16 key tasks.

Dates are laid around ``ctx.today`` so the mix reads the same whatever day
the demo is seeded: most projects on track, a few behind, some done, one not
started yet and one dropped; key-task months before this one mostly done,
some marked late with a reason, a few not reported. Keyed by (branch, name)
and (town, year, number): a second run makes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils.translation import gettext as _

from branches.models import Branch, OfficerPost
from portal.seeding import SeedContext, register

from .models import Category, KeyTask, KeyTaskMonth, Milestone, ProgressReport, Project, Status
from .services import progress_of, status_of

C = Category
# (name after the village's own name, category, budget in 万元, goal, milestones)
PROJECTS = [
    (
        "生活垃圾分类示范村创建",
        C.ENVIRONMENT,
        48,
        "垃圾分类农户覆盖率达 98%，创建市级垃圾分类示范村",
        ["入户宣传与分类桶发放", "建成资源回收站", "党员包干督导到户", "示范村验收"],
    ),
    (
        "河道综合整治",
        C.ENVIRONMENT,
        120,
        "完成 3 条村内河道清淤护岸，消除劣Ⅴ类水体",
        ["编制整治方案", "河道清淤", "生态护岸砌筑", "绿化与验收"],
    ),
    (
        "居家养老服务站提升",
        C.SERVICE,
        35,
        "服务站每周开放 6 天，为 80 岁以上老人提供助餐、助浴",
        ["场地改造", "配齐设施设备", "招募志愿者队伍", "开展助餐服务"],
    ),
    (
        "“助跑员”代办服务全覆盖",
        C.SERVICE,
        6,
        "每个网格配备助跑员，群众办事代办率达 90%",
        ["选聘助跑员", "公布代办清单", "代办服务上线", "群众满意度测评"],
    ),
    (
        "小微企业园区有机更新",
        C.ECONOMY,
        260,
        "改造老旧厂房 1.2 万平方米，村级集体经济年增收 60 万元",
        ["完成招商规划", "厂房改造施工", "首批企业入驻", "运营评估"],
    ),
    (
        "文化礼堂提档升级",
        C.CULTURE,
        85,
        "建成四星级文化礼堂，全年开展活动 50 场以上",
        ["礼堂布展设计", "改造施工", "组建文艺队伍", "星级评定"],
    ),
    (
        "出租房屋“以房管人”治理",
        C.GOVERNANCE,
        12,
        "出租房屋登记率 100%，流动人口信息准确率 95%",
        ["出租房屋摸排", "签订治安责任书", "网格员定期巡查", "综合评估"],
    ),
    (
        "美丽庭院创建",
        C.ENVIRONMENT,
        30,
        "创建美丽庭院 120 户，其中精品庭院 20 户",
        ["发动报名", "庭院改造指导", "中期评比", "年终评选表彰"],
    ),
    (
        "村级集体经济增收",
        C.ECONOMY,
        90,
        "盘活闲置资产，村级经营性收入增长 15%",
        ["闲置资产清查", "物业用房招租", "合作社项目落地", "年度收益核算"],
    ),
    (
        "“圆桌夜谈”民情恳谈",
        C.GOVERNANCE,
        3,
        "每月开展一次圆桌夜谈，群众意见建议办结率 100%",
        ["制定恳谈制度", "上半年恳谈", "意见建议办理", "下半年恳谈与回访"],
    ),
    (
        "“五四三二”村级决策公开示范",
        C.GOVERNANCE,
        5,
        "重大事项决策全部按“四步工作法”运行并公开",
        ["梳理五类重大事项清单", "决策流程上墙", "台账规范化", "群众评议"],
    ),
    (
        "道路亮化与停车位改造",
        C.SERVICE,
        75,
        "新增路灯 120 盏、停车位 200 个",
        ["线路勘察设计", "路灯安装", "停车位划线改造", "竣工验收"],
    ),
    (
        "农村生活污水治理提升",
        C.ENVIRONMENT,
        150,
        "污水管网接户率达 95%，终端设施运维全覆盖",
        ["管网排查", "接户管网改造", "终端设施提标", "第三方运维验收"],
    ),
    (
        "梁祝文化品牌打造",
        C.CULTURE,
        60,
        "打造梁祝文化特色村，举办梁祝文化节一次",
        ["文化资源梳理", "文化长廊建设", "文化节筹备", "梁祝文化节举办"],
    ),
    (
        "违章建筑拆除攻坚",
        C.ENVIRONMENT,
        40,
        "拆除存量违章建筑 1.5 万平方米，实现“无违建村”",
        ["违建摸底建档", "党员带头自拆", "集中拆除", "复垦复绿与验收"],
    ),
    (
        "农贸市场改造",
        C.ECONOMY,
        180,
        "改造农贸市场 3000 平方米，达到星级市场标准",
        ["方案论证", "临时过渡安置", "改造施工", "开业运营"],
    ),
    (
        "老年食堂建设",
        C.SERVICE,
        28,
        "建成老年食堂，日均就餐 60 人次",
        ["选址装修", "食品安全许可", "试运营", "正式运营与评估"],
    ),
    (
        "村规民约修订与村民理事会运行",
        C.GOVERNANCE,
        2,
        "修订村规民约，村民理事会全年议事 12 次以上",
        ["征求村民意见", "村民代表会议表决", "理事会换届", "全年议事台账"],
    ),
    (
        "“甬·志愿”党员志愿服务品牌",
        C.SERVICE,
        8,
        "党员志愿者注册率 90%，开展服务 100 场次",
        ["志愿者注册", "服务项目认领", "常态化服务", "优秀志愿者评选"],
    ),
    (
        "滨江绿道建设",
        C.ENVIRONMENT,
        210,
        "建成滨江绿道 2.4 公里及休闲节点 3 处",
        ["设计方案", "政策处理", "绿道施工", "竣工开放"],
    ),
    ("村史馆建设", C.CULTURE, 45, "建成村史馆并向村民和学生开放", ["史料征集", "布展设计", "布展施工", "开馆"]),
    (
        "老旧小区加装电梯协调",
        C.SERVICE,
        15,
        "协调 6 个单元完成加装电梯意见征询，4 部开工",
        ["意向摸底", "住户协商", "报批手续", "开工建设"],
    ),
    (
        "“邻里中心”建设",
        C.GOVERNANCE,
        55,
        "建成邻里中心，引入社会组织 5 家",
        ["场地落实", "装修改造", "社会组织入驻", "运营评估"],
    ),
]

# How far along each project is (cycled): mostly on track, some behind, some done, one not started, one dropped.
_MIX = [
    "on_track",
    "on_track",
    "behind",
    "on_track",
    "done",
    "on_track",
    "behind",
    "on_track",
    "done",
    "on_track",
    "not_started",
    "on_track",
    "behind",
    "on_track",
    "done",
    "on_track",
    "behind",
    "on_track",
    "dropped",
    "on_track",
    "on_track",
    "done",
    "on_track",
]

KEY_TASKS = [
    ("万科印象城项目建设推进", "张盈军（镇党委书记）", "organ"),
    ("商会大厦投入使用及招商", "镇党委副书记、镇长", "enterprise"),
    ("小微企业园区改造提升", "分管工业副镇长", "organ"),
    ("工业用地“低散乱”整治", "分管工业副镇长", "organ"),
    ("城镇道路提升工程", "分管城建副镇长", "organ"),
    ("治危拆违攻坚", "分管城建副镇长", "village"),
    ("“五水共治”与河道清淤", "分管农业副镇长", "village"),
    ("生活垃圾分类全覆盖", "分管城建副镇长", "village"),
    ("美丽乡村示范村创建", "分管农业副镇长", "village"),
    ("居家养老服务中心建设", "分管社会事业副镇长", "community"),
    ("“助跑员”代办服务", "施鹤峰（镇党委委员）", "village"),
    ("农村生活污水治理", "分管农业副镇长", "village"),
    ("村社星级动态考评", "施鹤峰（镇党委委员）", "organ"),
    ("基层党组织规范化建设", "施鹤峰（镇党委委员）", "organ"),
    ("高桥商会党建综合体建设", "施鹤峰（镇党委委员）", "enterprise"),
    ("“平安高桥”创建", "镇党委委员、政法委员", "community"),
]
_STAGES = [
    "制定实施方案",
    "完成摸底排查",
    "启动实施",
    "完成年度目标 20%",
    "完成年度目标 30%",
    "完成年度目标 45%",
    "完成年度目标 55%",
    "完成年度目标 65%",
    "完成年度目标 75%",
    "完成年度目标 85%",
    "完成年度目标 95%",
    "全面完成并验收",
]
_LATE_REASONS = [
    "政策处理未完成，已协调推进",
    "受连续降雨影响施工延误",
    "资金拨付滞后，已报镇财政",
    "涉及群众意见需再次协商",
]


def _village_level(town: Branch) -> list[Branch]:
    """The town's villages (by code), then its communities: where 书记领衔 projects live."""
    rows = Branch.objects.filter(
        path__startswith=town.path,
        depth=town.depth + 1,
        is_active=True,
        unit__in=[Branch.Unit.VILLAGE, Branch.Unit.COMMUNITY],
    ).exclude(kind=Branch.Kind.COMMITTEE)
    return sorted(rows, key=lambda b: (b.unit != Branch.Unit.VILLAGE, b.code))


def _place(branch: Branch) -> str:
    for suffix in ("党总支", "党支部", "党委"):
        if branch.name.endswith(suffix):
            return branch.name[: -len(suffix)]
    return branch.name


def _seed_projects(ctx: SeedContext, town: Branch) -> None:
    today = ctx.today
    branches = _village_level(town)[: len(PROJECTS)]
    secretaries = dict(
        OfficerPost.objects.current(today)
        .filter(branch__in=branches, post=OfficerPost.Post.SECRETARY)
        .values_list("branch_id", "member_id")
    )
    existing = set(Project.objects.filter(branch__in=branches).values_list("branch_id", "name"))
    new_projects, plans = [], []
    for i, (branch, spec) in enumerate(zip(branches, PROJECTS, strict=False)):
        suffix, category, budget, goal, steps = spec
        name = f"{_place(branch)}{suffix}"
        lead = secretaries.get(branch.pk)
        if (branch.pk, name) in existing or lead is None:
            continue
        mix = _MIX[i % len(_MIX)]
        rng = random.Random(f"projects-{branch.code}")
        if mix == "not_started":
            starts = today + dt.timedelta(days=rng.randint(10, 30))
            ends = starts + dt.timedelta(days=rng.randint(150, 240))
        elif mix == "done":
            ends = today - dt.timedelta(days=rng.randint(5, 40))
            starts = ends - dt.timedelta(days=rng.randint(150, 240))
        else:
            starts = today - dt.timedelta(days=rng.randint(120, 240))
            ends = today + dt.timedelta(days=rng.randint(60, 200))
        project = Project(
            branch=branch,
            lead_id=lead,
            name=name,
            category=category,
            goal=goal,
            budget=budget,
            starts_on=starts,
            ends_on=ends,
            dropped_reason="规划调整，并入区级统一实施" if mix == "dropped" else "",
            status=Status.DROPPED if mix == "dropped" else Status.NOT_STARTED,
            is_public=False,
        )
        new_projects.append(project)
        plans.append((project, steps, mix, rng))
    Project.objects.bulk_create(new_projects)

    milestones, reports = [], []
    for project, steps, mix, rng in plans:
        span = (project.ends_on - project.starts_on).days
        rows = []
        for k, title in enumerate(steps):
            planned = project.starts_on + dt.timedelta(days=span * (k + 1) // len(steps))
            m = Milestone(project=project, title=title, planned_on=planned, weight=rng.choice((1, 2, 2, 3)))
            if planned < today and mix != "dropped":
                m.done_on = min(today, planned - dt.timedelta(days=rng.randint(0, 6)))
            rows.append(m)
        if mix == "behind":
            # Behind: the latest milestone already due is still open (or the first one is overdue by a week).
            due = [m for m in rows if m.planned_on < today]
            if not due:
                rows[0].planned_on, due = max(project.starts_on, today - dt.timedelta(days=7)), [rows[0]]
            due[-1].done_on = None
        milestones += rows
        project.percent = progress_of(rows)
        project.status = status_of(project, rows, today)
        month = project.starts_on.replace(day=1)
        while month <= today.replace(day=1) and month <= project.ends_on and mix != "not_started":
            done = [m.title for m in rows if m.done_on and m.done_on.replace(day=1) == month]
            reports.append(
                ProgressReport(
                    project=project,
                    month=month,
                    done=_("完成“%(m)s”") % {"m": "”“".join(done)}
                    if done
                    else _("按计划推进%(s)s相关工作") % {"s": rows[0].title},
                    problems=rng.choice(["", "", "部分群众有不同意见，正在做工作", "资金到位较慢"]),
                    next_steps=_("推进下一节点，按月报送进展"),
                )
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
    Milestone.objects.bulk_create(milestones)
    ProgressReport.objects.bulk_create(reports, ignore_conflicts=True)
    Project.objects.bulk_update([p for p, *_rest in plans], ["status", "percent"])
    # Every project is on its village's board, as the report says (公示年度“书记领衔”项目明细).
    from .publishing import project_publish

    for project in Project.objects.filter(pk__in=[p.pk for p in new_projects]).select_related("branch", "lead"):
        project_publish(project=project)
    ctx.made("projects", len(new_projects), _("书记领衔项目"))
    ctx.made("project_milestones", len(milestones), _("项目节点"))


def _seed_key_tasks(ctx: SeedContext, town: Branch) -> None:
    today, year = ctx.today, ctx.today.year
    if KeyTask.objects.filter(branch=town, year=year).exists():
        return
    units = {
        unit: list(
            Branch.objects.filter(path__startswith=town.path, unit=unit, is_active=True)
            .exclude(kind=Branch.Kind.COMMITTEE)
            .order_by("code")
        )
        for unit in ("organ", "enterprise", "village", "community")
    }
    tasks, months = [], []
    for n, (title, leader, unit_kind) in enumerate(KEY_TASKS, start=1):
        pool = units[unit_kind] or units["organ"]
        if not pool:
            continue
        task = KeyTask(branch=town, year=year, number=n, title=title, leader=leader, unit=pool[n % len(pool)])
        tasks.append(task)
    KeyTask.objects.bulk_create(tasks)
    for task in tasks:
        rng = random.Random(f"key-task-{task.number}")
        for month in range(1, 13):
            row = KeyTaskMonth(task=task, month=month, target=f"{_STAGES[month - 1]}")
            if month < today.month or (month == today.month and rng.random() < 0.3):
                roll = rng.random()
                day = dt.date(year, month, 25)
                if roll < 0.82:
                    row.state, row.evidence, row.checked_on = (
                        KeyTaskMonth.State.DONE,
                        _("台账及现场照片已报镇党建办"),
                        day,
                    )
                elif roll < 0.94:
                    row.state, row.reason, row.checked_on = KeyTaskMonth.State.LATE, rng.choice(_LATE_REASONS), day
            months.append(row)
    KeyTaskMonth.objects.bulk_create(months)
    ctx.made("key_tasks", len(tasks), _("重点任务"))


@register("projects", after=("core",))
def seed_projects(ctx: SeedContext) -> None:
    for town in ctx.state["towns"]:
        _seed_projects(ctx, town)
        _seed_key_tasks(ctx, town)
    ctx.total("projects", Project.objects.count(), _("书记领衔项目"))
    ctx.total("key_tasks", KeyTask.objects.count(), _("重点任务"))
