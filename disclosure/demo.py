"""Demo seeding, step ``disclosure``: every village, community and fishery site with its board.

For each demo town: a site per top-level village, community and fishery branch
(its seven fixtures, one round of checks by the area's inspector), a year of
dues per branch (the monthly table, and its publication), and a year of
published items on every board, some corrected once.

Safe to run twice: sites are keyed by branch, fixtures by (site, kind), dues by
(branch, month), items by the register's key; nothing is made twice. Fast:
everything goes in with ``bulk_create``; the rows are what the services would
write (the same payload builders, hash and personal-data check).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from branches.models import Branch
from members.models import Member
from members.selectors import IN_GOOD_STANDING
from portal.seeding import SeedContext, register

from .dues import SOURCE as DUES_SOURCE
from .dues import dues_payload, dues_title
from .models import Audience, Category, DuesMonth, Fixture, FixtureCheck, Item, ItemVersion, Site, period_display
from .services import _canonical, _search_text, payload_check

SITE_UNITS = (Branch.Unit.VILLAGE, Branch.Unit.COMMUNITY, Branch.Unit.FISHERY)
# Readable addresses for the demo town's boards (pinyin of the place name).
SLUGS = {
    "高桥社区": "gaoqiao-shequ", "长乐社区": "changle-shequ", "紫薇社区": "ziwei", "学院社区": "xueyuan",
    "蒲馨社区": "puxin", "梁祝社区": "liangzhu-shequ", "新桥社区": "xinqiao", "海馨社区": "haixin",
    "高桥村": "gaoqiao-cun", "高峰村": "gaofeng", "蒲家村": "pujia", "联升村": "liansheng", "芦港村": "lugang",
    "石塘村": "shitang", "藕缆桥村": "oulanqiao", "新庄村": "xinzhuang", "红心村": "hongxin",
    "宋家漕村": "songjiacao", "长乐村": "changle-cun", "新联村": "xinlian", "秀丰村": "xiufeng",
    "梁祝村": "liangzhu-cun", "江南村": "jiangnan", "岐阳村": "qiyang", "岐湖村": "qihu", "民乐村": "minle",
    "合心村": "hexin", "望江村": "wangjiang", "长东村": "changdong", "高桥镇渔业社": "yuyeshe",
}  # fmt: skip
_SUFFIX = re.compile(r"(党总支|党支部|党委)$")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁宋谢唐韩"
_GIVEN = "建国海波丽萍志强秀英伟明晓燕国平红梅俊杰文华敏静磊"
_PROJECTS = ("美丽庭院创建", "村级河道整治", "居家养老服务站", "垃圾分类示范", "文化礼堂建设", "党员志愿服务队")


def site_name(branch_name: str) -> str:
    return _SUFFIX.sub("", branch_name)


def _slug(name: str, code: str, town_index: int) -> str:
    base = SLUGS.get(name) or code.lower()
    return base if town_index == 1 else f"t{town_index:02d}-{base}"


def _months(today: dt.date, n: int = 12) -> list[str]:
    """The last ``n`` complete months, oldest first."""
    months, year, month = [], today.year, today.month
    for _i in range(n):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year}-{month:02d}")
    return months[::-1]


def _at(period: str, day: int, rng: random.Random) -> dt.datetime:
    year, month = int(period[:4]), int(period[5:7])
    return timezone.make_aware(dt.datetime(year, month, min(day, 28), 9 + rng.randrange(8), rng.randrange(60)))


@register("disclosure", after=("core",))
def seed_disclosure(ctx: SeedContext) -> None:
    for key, label in (
        ("sites", _("七个一阵地")),
        ("fixtures", _("七个一项目")),
        ("fixture_checks", _("七个一检查记录")),
        ("dues_months", _("党费收缴月表")),
        ("items", _("公开事项")),
        ("item_versions", _("公开版本（含更正）")),
    ):
        ctx.labels.setdefault(key, label)
    for index, town in enumerate(ctx.state["towns"], start=1):
        sites = _seed_sites(ctx, town, index)
        _seed_fixtures(ctx, town, sites)
        _seed_dues(ctx, town)
        _seed_items(ctx, town, sites)
        _seed_workflow(ctx, town, sites)
    root = ctx.state["root"]
    in_tree = {"branch__path__startswith": root.path}
    ctx.totals.update(
        {
            "sites": Site.objects.filter(**in_tree).count(),
            "fixtures": Fixture.objects.filter(site__branch__path__startswith=root.path).count(),
            "fixture_checks": FixtureCheck.objects.filter(fixture__site__branch__path__startswith=root.path).count(),
            "dues_months": DuesMonth.objects.filter(**in_tree).count(),
            "items": Item.objects.filter(**in_tree).count(),
            "item_versions": ItemVersion.objects.filter(item__branch__path__startswith=root.path).count(),
        }
    )


def _seed_sites(ctx: SeedContext, town: Branch, index: int) -> list[Site]:
    candidates = Branch.objects.filter(
        path__startswith=town.path, depth=town.depth + 1, unit__in=SITE_UNITS, is_active=True
    ).order_by("path")
    have = set(Site.objects.filter(branch__in=candidates).values_list("branch_id", flat=True))
    new = []
    for branch in candidates:
        if branch.pk in have:
            continue
        name = site_name(branch.name)
        digest = int(hashlib.sha256(branch.code.encode()).hexdigest()[:6], 16)
        new.append(
            Site(
                branch=branch,
                name=name,
                slug=_slug(name, branch.code, index),
                office_phone=f"0574-8811{digest % 10000:04d}",
            )
        )
    Site.objects.bulk_create(new)
    ctx.made("sites", len(new))
    return list(Site.objects.filter(branch__in=candidates).select_related("branch").order_by("branch__path"))


def _seed_fixtures(ctx: SeedContext, town: Branch, sites: list[Site]) -> None:
    fixtures = [Fixture(site=site, kind=kind) for site in sites for kind in Fixture.Kind.values]
    before = Fixture.objects.filter(site__in=sites).count()
    Fixture.objects.bulk_create(fixtures, ignore_conflicts=True)
    ctx.made("fixtures", Fixture.objects.filter(site__in=sites).count() - before)

    inspectors = {
        u.area_id: u
        for u in User.objects.filter(role__in=[Role.LIAISON, Role.AREA_HEAD], area__town=town).order_by("-role", "pk")
    }
    fallback = User.objects.filter(role=Role.TOWN_ADMIN, branch=town).first()
    unchecked = Fixture.objects.filter(site__in=sites, last_checked_at__isnull=True).select_related("site__branch")
    rng = random.Random(f"fixtures-{town.code}")
    checks, updated = [], []
    for fixture in unchecked.order_by("pk"):
        by = inspectors.get(fixture.site.branch.area_id) or fallback
        if by is None:
            continue
        meets = rng.random() > 0.12
        at = timezone.make_aware(
            dt.datetime.combine(ctx.today - dt.timedelta(days=rng.randrange(3, 40)), dt.time(10 + rng.randrange(6)))
        )
        note = (
            ""
            if meets
            else rng.choice(("公开栏内容未及时更新", "党旗褪色需更换", "档案柜未分年度整理", "活动室标识缺失"))
        )
        result = FixtureCheck.Result.MEETS if meets else FixtureCheck.Result.NEEDS_FIXING
        checks.append(FixtureCheck(fixture=fixture, result=result, note=note, checked_at=at, checked_by=by))
        fixture.status, fixture.last_checked_at, fixture.last_checked_by = result, at, by
        updated.append(fixture)
    FixtureCheck.objects.bulk_create(checks)
    Fixture.objects.bulk_update(updated, ["status", "last_checked_at", "last_checked_by"])
    ctx.made("fixture_checks", len(checks))


def _seed_dues(ctx: SeedContext, town: Branch) -> None:
    months = _months(ctx.today)
    counts = dict(
        Member.objects.filter(IN_GOOD_STANDING, branch__path__startswith=town.path)
        .values("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )
    have = set(
        DuesMonth.objects.filter(branch__path__startswith=town.path, month__in=months).values_list("branch_id", "month")
    )
    new = []
    for branch_id, n in sorted(counts.items()):
        rng = random.Random(f"dues-{branch_id}")
        for month in months:
            if (branch_id, month) in have:
                continue
            paid = n - (1 if rng.random() < 0.2 and n > 1 else 0)
            amount = sum(Decimal(rng.choice((2, 2, 5, 10, 20, 35))) for _i in range(paid))
            new.append(
                DuesMonth(branch_id=branch_id, month=month, members_due=n, members_paid=paid, amount_paid=amount)
            )
    DuesMonth.objects.bulk_create(new, batch_size=2000)
    ctx.made("dues_months", len(new))


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))


def _board_plan(site: Site, months: list[str], rng: random.Random) -> list[tuple]:
    """(category, period, title, payload, audience) of one board's hand-written items for the year."""
    year = months[-1][:4]
    quarters = sorted({f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in months})[-4:]
    plan = [
        (
            Category.THEME_DAY_PLAN, year, f"{year}年主题党日活动计划",
            {"columns": ["月份", "主题"], "rows": [[f"{i}月", t] for i, t in enumerate(
                ("重温入党誓词", "学习党章党规", "志愿服务进网格", "清明祭扫", "红色教育基地参观", "党员亮身份",
                 "庆祝建党节", "环境整治攻坚", "走访困难群众", "国庆主题教育", "锋领指数亮绩", "民主评议党员"), 1)]},
            Audience.PUBLIC,
        ),
        (
            Category.SECRETARY_PROJECTS, year, f"{year}年书记领衔项目",
            {"summary": f"{site.name}书记领衔项目：{rng.choice(_PROJECTS)}",
             "body": "项目化推进、时间表管理、责任人落实。\n\n每月在党建例会上报告进展，年底纳入书记述职。"},
            Audience.PUBLIC,
        ),
        (
            Category.CANDIDATES, months[-2], "发展党员公示",
            {"stage": "发展对象", "candidates": [_person(rng) for _i in range(rng.choice((1, 2, 3)))],
             "objection_from": f"{period_display(months[-2])}10日", "objection_to": f"{period_display(months[-2])}16日",
             "contact": f"{site.name}党组织 {site.office_phone}"},
            Audience.PUBLIC,
        ),
        (
            Category.APPRAISAL, str(int(year) - 1), f"{int(year) - 1}年度民主评议党员结果",
            {"columns": ["等次", "人数"], "rows": [["优秀", rng.randrange(8, 20)], ["合格", rng.randrange(40, 90)],
                                                  ["基本合格", rng.randrange(0, 3)], ["不合格", 0]]},
            Audience.PUBLIC if rng.random() < 0.7 else Audience.MEMBERS,
        ),
    ]  # fmt: skip
    for q in quarters:
        label = period_display(q)
        plan += [
            (Category.HIGHER_MEETINGS, q, f"{label}上级会议精神传达",
             {"body": "传达学习镇党委书记例会精神。\n\n各党小组结合实际抓好落实。"}, Audience.PUBLIC),
            (Category.VILLAGE_AFFAIRS, q, f"{label}村务公开",
             {"columns": ["事项", "情况"], "rows": [["村级工程", "道路修缮完成验收"], ["民生实事", "新增路灯20盏"]]},
             Audience.PUBLIC),
            (Category.FINANCES, q, f"{label}财务公开",
             {"columns": ["项目", "金额（元）"], "rows": [["本季收入", f"{rng.randrange(200, 900) * 1000}.00"],
                                                         ["本季支出", f"{rng.randrange(150, 800) * 1000}.00"]]},
             Audience.PUBLIC),
        ]  # fmt: skip
    for m in months[::6]:
        plan.append(
            (Category.PARTY_DOCUMENTS, m, f"{period_display(m)}党内文件摘要",
             {"body": "关于进一步加强基层党组织规范化建设的通知（摘要）。"}, Audience.PUBLIC)
        )  # fmt: skip
    return plan


def _seed_items(ctx: SeedContext, town: Branch, sites: list[Site]) -> None:
    months = _months(ctx.today)
    existing = set(
        Item.objects.filter(branch__path__startswith=town.path).values_list("branch_id", "category", "period", "source")
    )
    approvers = {u.area_id: u for u in User.objects.filter(role=Role.AREA_HEAD, area__town=town)}
    fallback = User.objects.filter(role=Role.TOWN_ADMIN, branch=town).first()
    pending: list[tuple[Item, list[tuple]]] = []  # (item, [(title, payload, audience, reason, at)])

    def add(branch_id, category, period, source, title, payload, audience, at, by, correction=None):
        if (branch_id, category, period, source) in existing:
            return
        payload_check(payload)
        latest_ok = timezone.now() - dt.timedelta(hours=1)
        at = min(at, latest_ok)
        if correction is not None:
            correction = (*correction[:4], min(max(correction[4], at + dt.timedelta(minutes=1)), latest_ok))
            if correction[4] <= at:
                correction = None
            else:
                payload_check(correction[1])
        item = Item(
            branch_id=branch_id, category=category, period=period, source=source, audience=audience, title=title,
            payload=payload, state=Item.State.PUBLISHED, author=by, approved_by=by, approved_at=at,
        )  # fmt: skip
        versions = [(title, payload, audience, "", at)]
        if correction is not None:
            versions.append(correction)
            item.payload, item.title, item.audience = correction[1], correction[0], correction[2]
        pending.append((item, versions))

    dues_by_branch: dict[int, list[DuesMonth]] = {}
    for row in DuesMonth.objects.filter(branch__path__startswith=town.path, month__in=months).order_by("month"):
        dues_by_branch.setdefault(row.branch_id, []).append(row)
    for branch_id, rows in dues_by_branch.items():
        rng = random.Random(f"dues-items-{branch_id}")
        for row in rows:
            at = _at(row.month, 1, rng) + dt.timedelta(days=31)
            correction = None
            if row.members_paid and rng.random() < 0.1:
                # First published one payment short, corrected when the late payment was booked.
                final = dues_payload(row)
                first = {
                    **final,
                    "members_paid": row.members_paid - 1,
                    "amount_paid": f"{max(Decimal(row.amount_paid) - 2, Decimal(0)):.2f}",
                }
                correction = (
                    dues_title(row.month),
                    final,
                    Audience.PUBLIC,
                    "补录一名党员的党费",
                    at + dt.timedelta(days=5),
                )
                add(branch_id, Category.DUES, row.month, DUES_SOURCE, dues_title(row.month), first, Audience.PUBLIC,
                    at, None, correction)  # fmt: skip
                continue
            add(branch_id, Category.DUES, row.month, DUES_SOURCE, dues_title(row.month), dues_payload(row),
                Audience.PUBLIC, at, None)  # fmt: skip

    for site in sites:
        rng = random.Random(f"board-{site.branch.code}")
        by = approvers.get(site.branch.area_id) or fallback
        for n, (category, period, title, payload, audience) in enumerate(_board_plan(site, months, rng)):
            start = period if len(period) == 7 and period[4] == "-" and period[5] != "Q" else months[0]
            if "-Q" in period:
                start = f"{period[:4]}-{(int(period[-1]) - 1) * 3 + 1:02d}"
            if start not in months and start < months[0]:
                start = months[0]
            at = _at(start, 5 + n % 20, rng)
            correction = None
            if rng.random() < 0.12:
                fixed = {**payload, "notes": [*payload.get("notes", []), "（经核实，已更正个别数据）"]}
                correction = (title, fixed, audience, rng.choice(("个别数据有误", "日期填写有误", "补充遗漏内容")),
                              at + dt.timedelta(days=rng.randrange(2, 12)))  # fmt: skip
            source = f"manual:demo-{category}-{period}"
            add(site.branch_id, category, period, source, title, payload, audience, at, by, correction)

    Item.objects.bulk_create([item for item, _v in pending], batch_size=1000)
    versions = []
    for item, trail in pending:
        for number, (title, payload, audience, reason, at) in enumerate(trail, start=1):
            versions.append(
                ItemVersion(
                    item=item, number=number, title=title, payload=payload, audience=audience, reason=reason,
                    payload_hash=hashlib.sha256(_canonical(title, payload, audience).encode()).hexdigest(),
                    published_at=at, published_by=item.approved_by,
                )
            )  # fmt: skip
    ItemVersion.objects.bulk_create(versions, batch_size=1000)
    latest = {}
    for v in versions:
        latest[v.item_id] = v
    for item, trail in pending:
        v = latest[item.pk]
        item.latest_version = v
        item.first_published_at, item.last_published_at = trail[0][4], v.published_at
        item.search_text = _search_text(v.title, v.payload)
    Item.objects.bulk_update(
        [item for item, _v in pending],
        ["latest_version", "first_published_at", "last_published_at", "search_text"],
        batch_size=1000,
    )
    ctx.made("items", len(pending))
    ctx.made("item_versions", len(versions))


def _seed_workflow(ctx: SeedContext, town: Branch, sites: list[Site]) -> None:
    """A few hand-written items still on their way, so the staff pages show 待审核 and 草稿 (once per site)."""
    secretaries = {u.branch_id: u for u in User.objects.filter(role=Role.SECRETARY, branch__path__startswith=town.path)}
    existing = set(
        Item.objects.filter(branch__path__startswith=town.path, source__startswith="manual:demo-pending-").values_list(
            "source", flat=True
        )
    )
    year = str(ctx.today.year)
    new = []
    for site in sites[:8]:
        for state, title, body in (
            (Item.State.SUBMITTED, "学习贯彻党的二十届四中全会精神安排", "一、原原本本学。\n\n二、联系村情学。"),
            (Item.State.DRAFT, "冬季消防安全检查情况", "全村共检查农户和经营场所，发现的隐患已当场整改。"),
        ):
            source = f"manual:demo-pending-{state}-{site.branch.code}"
            if source in existing:
                continue
            new.append(
                Item(
                    branch=site.branch,
                    category=Category.PARTY_DOCUMENTS if state == Item.State.SUBMITTED else Category.VILLAGE_AFFAIRS,
                    period=year,
                    source=source,
                    audience=Audience.PUBLIC,
                    title=title,
                    payload={"body": body},
                    state=state,
                    author=secretaries.get(site.branch_id),
                    submitted_at=timezone.now() if state == Item.State.SUBMITTED else None,
                )
            )
    Item.objects.bulk_create(new)
    ctx.made("items", len(new))
