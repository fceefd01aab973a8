"""The demo town: 高桥镇 built from data/gaoqiao-organisation.csv.

The ``core`` seeding step (portal.seeding) builds the tree, the 4 areas, party groups, about 2,700 members
with valid ID numbers, officer posts and one login per role. It is safe to run
twice: branches and areas are keyed by code, groups by (branch, name), posts by
branch, users by username, and members by their unique ID number, which the
generator reproduces exactly on every run.

Determinism: every random choice comes from a generator seeded with a fixed
string. What must never change between runs (ID numbers, phones, names, who
sits in which branch) is drawn from its own stream that never looks at today's
date; dates relative to today (probation, terms) come from a second stream,
so a rerun on another day still finds the same people.

Speed: members, groups and posts go in with ``bulk_create`` in batches and
without per-row ``full_clean``; the generator is written so its rows satisfy
``Member.clean`` (a test checks a sample). ``--scale 40`` (≈110,000 members)
runs in well under a minute on PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import user_create
from branches.models import Area, Branch, OfficerPost, PartyGroup
from branches.services import branch_create
from portal.seeding import DEMO_PASSWORD, DemoLogin, DemoSeedError, SeedContext, register

from .models import Member
from .pii import make_id_number

CSV_PATH = Path(settings.BASE_DIR) / "data" / "gaoqiao-organisation.csv"

DISTRICT_CODE = "HS"
DISTRICT_NAME = "中共宁波市海曙区委员会"
TOWN_CODE = "GQ"  # the town committee's code in the CSV
TOWN_LABEL = "高桥镇"
MEMBERS_PER_TOWN = 2718
BATCH_SIZE = 2000

# 片区 name in the CSV -> slug used in the area code.
AREA_SLUGS = {"东片区": "east", "南片区": "south", "西片区": "west", "北片区": "north"}

# Ningbo region codes (海曙, 鄞州, 江北, 北仑, 镇海, 奉化, 余姚, 慈溪, 象山, 宁海), 海曙 most common.
_REGIONS = ("330203", "330212", "330205", "330206", "330211", "330213", "330281", "330282", "330225", "330226")
_REGION_WEIGHTS = (60, 12, 6, 3, 3, 4, 4, 4, 2, 2)
_PHONE_PREFIXES = tuple(
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + ["170", "173", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["191", "198", "199"]
)
_OTHER_ETHNICITIES = ("畲族", "回族", "满族", "土家族", "苗族", "壮族", "蒙古族")
_CITIES = ("上海市", "杭州市", "深圳市", "苏州市", "广州市", "北京市", "南京市", "义乌市", "温州市", "舟山市")
_GROUP_NAMES = ("第一党小组", "第二党小组", "第三党小组", "第四党小组")
_ESTATES = ("花园", "家园", "新苑", "小区", "公寓", "嘉苑")
_OTHER_POSTS = (
    OfficerPost.Post.DEPUTY_SECRETARY,
    OfficerPost.Post.ORGANISATION,
    OfficerPost.Post.PROPAGANDA,
    OfficerPost.Post.DISCIPLINE,
)

# Relative size of a leaf branch by unit; a village split under a general branch is smaller.
_UNIT_WEIGHT = {
    Branch.Unit.VILLAGE: 1.0,
    Branch.Unit.COMMUNITY: 0.6,
    Branch.Unit.ORGAN: 0.5,
    Branch.Unit.FISHERY: 0.35,
    Branch.Unit.ENTERPRISE: 0.4,
    Branch.Unit.SOCIAL: 0.3,
}
_SPLIT_VILLAGE_WEIGHT = 0.65

# Birth year (low, high, mode) of full members by unit: villages are older, the town office younger.
_BIRTH_YEARS = {
    Branch.Unit.VILLAGE: (1940, 2003, 1958),
    Branch.Unit.COMMUNITY: (1940, 2003, 1965),
    Branch.Unit.ORGAN: (1964, 2003, 1985),
    Branch.Unit.FISHERY: (1945, 2000, 1965),
    Branch.Unit.ENTERPRISE: (1965, 2003, 1982),
    Branch.Unit.SOCIAL: (1960, 2003, 1980),
}
_JOBS = {
    Branch.Unit.VILLAGE: (("农民", 45), ("个体工商户", 12), ("企业职工", 18), ("村干部", 6), ("外出务工人员", 9)),
    Branch.Unit.COMMUNITY: (
        ("企业职工", 30), ("个体工商户", 12), ("社区工作者", 10), ("教师", 8), ("医务人员", 6), ("自由职业者", 6),
    ),
    Branch.Unit.ORGAN: (("机关公务员", 60), ("事业单位人员", 35), ("镇机关工勤人员", 5)),
    Branch.Unit.FISHERY: (("渔民", 60), ("水产养殖户", 30), ("渔业社管理人员", 10)),
    Branch.Unit.ENTERPRISE: (("企业职工", 45), ("企业管理人员", 25), ("专业技术人员", 20), ("企业负责人", 10)),
    Branch.Unit.SOCIAL: (("社会组织工作人员", 80), ("志愿者", 20)),
}
_Edu = Member.Education
_EDUCATION_BY_BIRTH = (
    # (born before, weights)
    (1955, ((_Edu.PRIMARY, 45), (_Edu.JUNIOR, 40), (_Edu.SENIOR, 15))),
    (
        1970,
        ((_Edu.PRIMARY, 12), (_Edu.JUNIOR, 45), (_Edu.SENIOR, 25), (_Edu.SECONDARY_VOCATIONAL, 12),
         (_Edu.JUNIOR_COLLEGE, 6)),
    ),
    (
        1985,
        ((_Edu.JUNIOR, 20), (_Edu.SENIOR, 20), (_Edu.SECONDARY_VOCATIONAL, 15), (_Edu.JUNIOR_COLLEGE, 27),
         (_Edu.BACHELOR, 18)),
    ),
    (
        9999,
        ((_Edu.SENIOR, 5), (_Edu.SECONDARY_VOCATIONAL, 10), (_Edu.JUNIOR_COLLEGE, 30), (_Edu.BACHELOR, 50),
         (_Edu.POSTGRADUATE, 5)),
    ),
)
_EDUCATION_ORGAN = ((_Edu.JUNIOR_COLLEGE, 15), (_Edu.BACHELOR, 70), (_Edu.POSTGRADUATE, 15))


@dataclass(frozen=True)
class OrgRow:
    code: str
    name: str
    kind: str
    unit: str
    parent_code: str
    area: str


def read_organisation(*, path: Path = CSV_PATH) -> list[OrgRow]:
    """The CSV rows, parents before children."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [OrgRow(**{k: (v or "").strip() for k, v in record.items()}) for record in csv.DictReader(handle)]
    by_code = {r.code: r for r in rows}

    def depth(row: OrgRow) -> int:
        n = 0
        while row.parent_code:
            row = by_code[row.parent_code]
            n += 1
        return n

    roots = [r for r in rows if not r.parent_code]
    if len(roots) != 1 or roots[0].code != TOWN_CODE:
        raise DemoSeedError(_("组织架构文件应当只有一个根组织（镇党委 %(code)s）") % {"code": TOWN_CODE})
    return sorted(rows, key=depth)  # stable: CSV order within a level


def existing_demo_scale() -> int | None:
    """How many demo towns the database already holds (None: not seeded)."""
    district = Branch.objects.filter(code=DISTRICT_CODE).first()
    if district is not None:
        return Branch.objects.filter(
            path__startswith=district.path, depth=district.depth + 1, unit=Branch.Unit.TOWN
        ).count()
    if Branch.objects.filter(code=TOWN_CODE).exists():
        return 1
    return None


LABELS = {
    "towns": _("镇"),
    "branches": _("党组织"),
    "areas": _("片区"),
    "party_groups": _("党小组"),
    "members": _("党员"),
    "officer_posts": _("班子成员任职"),
    "users": _("演示账号"),
}


@register("core")
def seed_core(ctx: SeedContext) -> None:
    """Build ``ctx.scale`` demo towns (under a district committee when more than one) and the logins.

    Puts ``towns`` (the town committees) and ``root`` (the district, or the one
    town) into ``ctx.state`` for the steps that come after.
    """
    scale = ctx.scale
    members_per_town = ctx.state.get("members_per_town", MEMBERS_PER_TOWN)
    existing = existing_demo_scale()
    if existing is not None and existing != scale:
        raise DemoSeedError(
            _(
                "数据库中已有按 --scale %(old)s 生成的演示数据（%(old)s 个镇），不能再按 --scale %(new)s 生成，"
                "以免混在一起。请改用 --scale %(old)s 重新运行，或换一个空数据库。"
            )
            % {"old": existing, "new": scale}
        )
    today = ctx.today
    rows = read_organisation()
    for key, label in LABELS.items():
        ctx.labels.setdefault(key, label)
    created = ctx.created
    ids: set[str] = set()
    phones: set[str] = set()
    district = None
    if scale > 1:
        district = Branch.objects.filter(code=DISTRICT_CODE).first()
        if district is None:
            district = branch_create(
                code=DISTRICT_CODE, name=DISTRICT_NAME, kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.DISTRICT
            )
            created["branches"] += 1
    towns: list[Branch] = []
    for index in range(1, scale + 1):
        towns.append(
            _seed_town(
                index=index,
                parent=district,
                rows=rows,
                members_per_town=members_per_town,
                today=today,
                ids=ids,
                phones=phones,
                created=created,
            )
        )
        if scale > 1:
            ctx.progress(_("第 %(i)s/%(n)s 个镇已完成") % {"i": index, "n": scale})
    if district is not None:
        _seed_posts(root=district, branches=[district], today=today, created=created, seed="district")
    ctx.logins.extend(_seed_logins(town=towns[0], created=created))
    root = district or towns[0]
    ctx.state["towns"] = towns
    ctx.state["root"] = root
    in_tree = {"branch__path__startswith": root.path}
    ctx.totals.update(
        {
            "towns": len(towns),
            "branches": Branch.objects.filter(path__startswith=root.path).count(),
            "areas": Area.objects.filter(town__in=towns).count(),
            "party_groups": PartyGroup.objects.filter(**in_tree).count(),
            "members": Member.objects.filter(**in_tree).count(),
            "officer_posts": OfficerPost.objects.filter(**in_tree).count(),
            "users": User.objects.filter(username__in=[login.username for login in ctx.logins]).count(),
        }
    )


# --- one town -------------------------------------------------------------------------------


def _town_code(index: int, code: str) -> str:
    return code if index == 1 else f"T{index:02d}-{code}"


def _town_label(index: int) -> str:
    return TOWN_LABEL if index == 1 else f"{TOWN_LABEL}（{index}）"


def _town_name(index: int, name: str) -> str:
    if index == 1:
        return name
    if TOWN_LABEL in name:
        return name.replace(TOWN_LABEL, _town_label(index), 1)
    return f"{_town_label(index)}{name}"


def _plain_name(index: int, name: str) -> str:
    """A branch name without the town number added for towns after the first."""
    return name if index == 1 else name.replace(_town_label(index), TOWN_LABEL, 1).removeprefix(TOWN_LABEL) or name


def _seed_town(
    *,
    index: int,
    parent: Branch | None,
    rows: list[OrgRow],
    members_per_town: int,
    today: dt.date,
    ids: set[str],
    phones: set[str],
    created: Counter,
) -> Branch:
    seed = f"gaoqiao-demo-{index}"
    codes = [_town_code(index, r.code) for r in rows]
    branches = {b.code: b for b in Branch.objects.filter(code__in=codes)}

    town_row = rows[0]
    town_code = _town_code(index, town_row.code)
    if town_code not in branches:
        branches[town_code] = branch_create(
            code=town_code,
            name=_town_name(index, town_row.name),
            kind=town_row.kind,
            unit=town_row.unit,
            parent=parent,
        )
        created["branches"] += 1
    town = branches[town_code]

    areas: dict[str, Area] = {}
    for area_name in dict.fromkeys(r.area for r in rows if r.area):
        slug = AREA_SLUGS.get(area_name, f"area{len(areas) + 1}")
        area, was_created = Area.objects.get_or_create(
            code=_town_code(index, f"{TOWN_CODE}-{slug}"), defaults={"town": town, "name": area_name}
        )
        areas[area_name] = area
        created["areas"] += was_created

    for row in rows[1:]:
        code = _town_code(index, row.code)
        if code in branches:
            continue
        branches[code] = branch_create(
            code=code,
            name=_town_name(index, row.name),
            kind=row.kind,
            unit=row.unit,
            parent=branches[_town_code(index, row.parent_code)],
            area=areas.get(row.area),
        )
        created["branches"] += 1

    ordered = [branches[c] for c in codes]
    leaves = [b for b in ordered if b.kind == Branch.Kind.BRANCH]
    sizes = _leaf_sizes(leaves=leaves, total=members_per_town, rng=random.Random(f"{seed}-sizes"))
    groups = _seed_groups(leaves=leaves, sizes=sizes, created=created)
    _seed_members(
        index=index,
        town_label=_town_label(index),
        leaves=leaves,
        sizes=sizes,
        groups=groups,
        today=today,
        ids=ids,
        phones=phones,
        seed=seed,
        created=created,
    )
    _seed_posts(root=town, branches=ordered, today=today, created=created, seed=seed)
    _set_group_leaders(leaves=leaves, seed=seed)
    return town


def _leaf_sizes(*, leaves: list[Branch], total: int, rng: random.Random) -> dict[int, int]:
    """Members per leaf branch, summing exactly to ``total`` (largest remainder)."""
    parents_kind = {b.pk: b.get_parent().kind if b.depth > 1 else None for b in leaves}
    weights = {}
    for b in leaves:
        w = _UNIT_WEIGHT.get(b.unit, 0.5)
        if b.unit == Branch.Unit.VILLAGE and parents_kind[b.pk] == Branch.Kind.GENERAL_BRANCH:
            w = _SPLIT_VILLAGE_WEIGHT
        weights[b.pk] = w * rng.uniform(0.8, 1.2)
    scale = total / sum(weights.values())
    exact = {pk: w * scale for pk, w in weights.items()}
    sizes = {pk: int(v) for pk, v in exact.items()}
    short = total - sum(sizes.values())
    for pk in sorted(exact, key=lambda pk: exact[pk] - sizes[pk], reverse=True)[:short]:
        sizes[pk] += 1
    return sizes


def _group_count(size: int) -> int:
    return 2 if size < 50 else 3 if size < 90 else 4


def _seed_groups(*, leaves: list[Branch], sizes: dict[int, int], created: Counter) -> dict[int, list[int]]:
    """Party groups per leaf branch, keyed (branch, name); returns branch pk -> group pks in name order."""
    existing = {
        (g.branch_id, g.name): g.pk for g in PartyGroup.objects.filter(branch__in=leaves).only("pk", "branch", "name")
    }
    missing = [
        PartyGroup(branch=b, name=name)
        for b in leaves
        for name in _GROUP_NAMES[: _group_count(sizes[b.pk])]
        if (b.pk, name) not in existing
    ]
    if missing:
        PartyGroup.objects.bulk_create(missing, batch_size=BATCH_SIZE, ignore_conflicts=True)
        created["party_groups"] += len(missing)
        existing = {
            (g.branch_id, g.name): g.pk
            for g in PartyGroup.objects.filter(branch__in=leaves).only("pk", "branch", "name")
        }
    return {
        b.pk: [existing[(b.pk, name)] for name in _GROUP_NAMES[: _group_count(sizes[b.pk])]] for b in leaves
    }


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _place(branch_name: str) -> str:
    """The village or community a branch sits in: 高峰村党支部 -> 高峰村."""
    for suffix in ("村", "社区"):
        cut = branch_name.find(suffix)
        if cut >= 0:
            return branch_name[: cut + len(suffix)]
    return ""


def _seed_members(
    *,
    index: int,
    town_label: str,
    leaves: list[Branch],
    sizes: dict[int, int],
    groups: dict[int, list[int]],
    today: dt.date,
    ids: set[str],
    phones: set[str],
    seed: str,
    created: Counter,
) -> None:
    try:
        from faker import Faker
    except ImportError:  # pragma: no cover - Faker is in requirements
        raise DemoSeedError(_("生成演示数据需要 Faker 软件包，请先安装：pip install Faker")) from None

    fake = Faker("zh_CN")
    fake.seed_instance(f"{seed}-names")
    # Who the people are never depends on today's date; see the module docstring.
    who = random.Random(f"{seed}-people")
    what = random.Random(f"{seed}-details")
    villages = [
        p for p in (_place(_plain_name(index, b.name)) for b in leaves if b.unit == Branch.Unit.VILLAGE) if p
    ] or ["高桥村"]

    rows: list[Member] = []
    for branch in leaves:
        place = _place(_plain_name(index, branch.name))
        for _i in range(sizes[branch.pk]):
            male = who.random() < (0.72 if branch.unit in (Branch.Unit.VILLAGE, Branch.Unit.FISHERY) else 0.6)
            probationary = who.random() < 0.15
            if probationary:
                birth = dt.date(1980, 1, 1) + dt.timedelta(days=who.randrange(365 * 25))
            else:
                low, high, mode = _BIRTH_YEARS.get(branch.unit, (1950, 2003, 1970))
                year = round(who.triangular(low, high, mode))
                birth = dt.date(year, 1, 1) + dt.timedelta(days=who.randrange(365))
            while True:
                region = who.choices(_REGIONS, _REGION_WEIGHTS)[0]
                number = make_id_number(region, birth, who.randrange(500) * 2 + (1 if male else 0))
                if number not in ids:
                    ids.add(number)
                    break
            while True:
                phone = f"{who.choice(_PHONE_PREFIXES)}{who.randrange(10**8):08d}"
                if phone not in phones:
                    phones.add(phone)
                    break
            name = fake.name_male() if male else fake.name_female()
            rows.append(
                _member_details(
                    rng=what,
                    today=today,
                    branch=branch,
                    place=place,
                    villages=villages,
                    town_label=town_label,
                    group_id=what.choice(groups[branch.pk]),
                    name=name,
                    gender="M" if male else "F",
                    id_number=number,
                    birth=birth,
                    phone=phone,
                    probationary=probationary,
                )
            )
    before = Member.objects.filter(branch__in=leaves).count()
    Member.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    created["members"] += Member.objects.filter(branch__in=leaves).count() - before


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _member_details(
    *,
    rng: random.Random,
    today: dt.date,
    branch: Branch,
    place: str,
    villages: list[str],
    town_label: str,
    group_id: int,
    name: str,
    gender: str,
    id_number: str,
    birth: dt.date,
    phone: str,
    probationary: bool,
) -> Member:
    if probationary:
        # Most joined within the year; about one in ten is past a year: due for conversion.
        days = rng.randrange(366, 620) if rng.random() < 0.1 else rng.randrange(20, 360)
        joined = today - dt.timedelta(days=days)
        full_on = None
    else:
        earliest = _add_years(birth, 18)
        latest = min(_add_years(birth, 45), today - dt.timedelta(days=400))
        span = max((latest - earliest).days, 0)
        joined = earliest + dt.timedelta(days=round(rng.triangular(0, span, min(span, 365 * 7))))
        full_on = joined + dt.timedelta(days=365 + rng.randrange(30))

    standing, standing_since = Member.Standing.NORMAL, None
    is_floating, floating_to, is_lost, lost_since = False, "", False, None
    if not probationary:
        r = rng.random()
        if r < 0.009:
            standing = (
                Member.Standing.SUSPENDED if r < 0.004
                else Member.Standing.RESTORED if r < 0.006
                else Member.Standing.STOPPED if r < 0.008
                else Member.Standing.EXPELLED
            )
            standing_since = full_on + dt.timedelta(days=rng.randrange(max((today - full_on).days, 1)))
    if standing == Member.Standing.NORMAL:
        r = rng.random()
        if r < 0.05:
            is_floating, floating_to = True, rng.choice(_CITIES)
        elif r < 0.06:
            is_lost = True
            lost_since = max(joined, today - dt.timedelta(days=rng.randrange(180, 365 * 6)))

    age = today.year - birth.year
    if branch.unit == Branch.Unit.ORGAN and birth.year >= 1964:
        education = _weighted(rng, _EDUCATION_ORGAN)
    else:
        education = next(_weighted(rng, w) for before, w in _EDUCATION_BY_BIRTH if birth.year < before)
    job = "退休人员" if age >= 63 and rng.random() < 0.7 else _weighted(rng, _JOBS.get(branch.unit, (("其他", 1),)))

    if branch.unit == Branch.Unit.COMMUNITY and place:
        estate = f"{place.removesuffix('社区')}{rng.choice(_ESTATES)}"
        where = f"{place}{estate}{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    else:
        village = place if branch.unit == Branch.Unit.VILLAGE and place else rng.choice(villages)
        where = f"{village}{rng.randint(1, 12)}组{rng.randint(1, 150)}号"

    return Member(
        name=name,
        gender=gender,
        ethnicity="汉族" if rng.random() < 0.975 else rng.choice(_OTHER_ETHNICITIES),
        id_number=id_number,
        birth_date=birth,
        education=education,
        category=Member.Category.PROBATIONARY if probationary else Member.Category.FULL,
        branch=branch,
        party_group_id=group_id,
        joined_on=joined,
        full_member_on=full_on,
        job=job,
        phone=phone,
        address=f"浙江省宁波市海曙区{town_label}{where}",
        standing=standing,
        standing_since=standing_since,
        is_floating=is_floating,
        floating_to=floating_to,
        is_lost_contact=is_lost,
        lost_contact_since=lost_since,
    )


# --- officers, group leaders ----------------------------------------------------------------


def _eligible_members(paths: list[str]) -> list[tuple[int, str]]:
    """(pk, branch path) of members fit for a post (full, in good standing, reachable), by ID number."""
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(branch__path__startswith=path)
    rows = Member.objects.filter(
        q,
        category=Member.Category.FULL,
        standing=Member.Standing.NORMAL,
        is_floating=False,
        is_lost_contact=False,
    ).values_list("pk", "id_number", "branch__path")
    return [(pk, path) for pk, _id, path in sorted(rows, key=lambda row: row[1])]


def _seed_posts(*, root: Branch, branches: list[Branch], today: dt.date, created: Counter, seed: str) -> None:
    """A 书记 and 2–4 other officers for every branch in ``branches`` with none yet.

    Leaves pick from their own members, general branches and committees from
    their subtree, a town or district committee from the 机关 (town office)
    branches below it. Nobody holds two posts. Terms start five years back;
    about a third end within the next 90 days, so the expiry list has rows.
    """
    organ_paths = list(
        Branch.objects.filter(path__startswith=root.path, unit=Branch.Unit.ORGAN).values_list("path", flat=True)
    )
    if root.unit == Branch.Unit.DISTRICT:
        members = _eligible_members(organ_paths)  # a district pool of 100,000 people is not needed
    else:
        members = _eligible_members([root.path])
    holding = set(OfficerPost.objects.filter(branch__path__startswith=root.path).values_list("member_id", flat=True))
    has_posts = set(OfficerPost.objects.filter(branch__in=branches).values_list("branch_id", flat=True))

    posts: list[OfficerPost] = []
    # Leaves first, so a branch's secretary comes from that branch, not from a committee's pick.
    for branch in sorted(branches, key=lambda b: (b.kind != Branch.Kind.BRANCH, -b.depth, b.path)):
        if branch.pk in has_posts:
            continue
        rng = random.Random(f"{seed}-posts-{branch.code}")
        if branch.unit in (Branch.Unit.TOWN, Branch.Unit.DISTRICT):
            pool_paths = [p for p in organ_paths if p.startswith(branch.path)] or [branch.path]
        else:
            pool_paths = [branch.path]
        pool = [pk for pk, path in members if pk not in holding and path.startswith(tuple(pool_paths))]
        others = rng.sample(_OTHER_POSTS, rng.randint(2, 4))
        chosen = rng.sample(pool, min(len(pool), 1 + len(others)))
        start = dt.date(today.year - 5, rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.33:
            end = today + dt.timedelta(days=rng.randint(10, 85))
        else:
            end = dt.date(today.year + rng.choice((1, 2)), start.month, start.day)
        for post, member_pk in zip([OfficerPost.Post.SECRETARY, *others], chosen, strict=False):
            posts.append(OfficerPost(branch=branch, member_id=member_pk, post=post, term_start=start, term_end=end))
            holding.add(member_pk)
    OfficerPost.objects.bulk_create(posts, batch_size=BATCH_SIZE)
    created["officer_posts"] += len(posts)


def _set_group_leaders(*, leaves: list[Branch], seed: str) -> None:
    groups = list(PartyGroup.objects.filter(branch__in=leaves, leader__isnull=True))
    if not groups:
        return
    candidates: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for pk, id_number, group_id in Member.objects.filter(
        party_group__in=groups,
        category=Member.Category.FULL,
        standing=Member.Standing.NORMAL,
        is_floating=False,
        is_lost_contact=False,
    ).values_list("pk", "id_number", "party_group_id"):
        candidates[group_id].append((id_number, pk))
    for group in groups:
        pool = sorted(candidates.get(group.pk, []))
        if pool:
            group.leader_id = random.Random(f"{seed}-leader-{group.branch_id}-{group.name}").choice(pool)[1]
    PartyGroup.objects.bulk_update(groups, ["leader"], batch_size=BATCH_SIZE)


# --- logins ---------------------------------------------------------------------------------


def _officer_of(branch: Branch, *, secretary: bool) -> Member:
    """The branch's current 书记 (or, with ``secretary=False``, another committee member)."""
    posts = OfficerPost.objects.current().filter(branch=branch).select_related("member").order_by("post", "pk")
    posts = (
        posts.filter(post=OfficerPost.Post.SECRETARY)
        if secretary
        else posts.exclude(post=OfficerPost.Post.SECRETARY).exclude(member__user__isnull=False)
    )
    post = posts.first()
    if post is None:
        raise DemoSeedError(_("%(branch)s 没有在任班子成员，无法创建账号") % {"branch": branch.name})
    return post.member


def _ordinary_member_of(branch: Branch) -> Member:
    return (
        Member.objects.filter(
            branch=branch,
            category=Member.Category.FULL,
            standing=Member.Standing.NORMAL,
            is_floating=False,
            is_lost_contact=False,
            officer_posts__isnull=True,
            user__isnull=True,
        )
        .exclude(phone="")
        .order_by("id_number")
        .first()
    )


def _seed_logins(*, town: Branch, created: Counter) -> list[DemoLogin]:
    """One login per role for the first town, all with the demo password."""
    east = Area.objects.get(town=town, name="东片区")
    branch_a = Branch.objects.get(code="GQ-V02")
    branch_b = Branch.objects.get(code="GQ-C02")
    # One hash for all: at Django's iteration count each costs about 0.3 s.
    hashed = make_password(DEMO_PASSWORD)

    def ensure(username: str, fields: Callable[[], dict]) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=None, **fields())
            user.password = hashed
            user.save(update_fields=["password"])
            created["users"] += 1
        return user

    ensure("admin", lambda: {"role": Role.TOWN_ADMIN, "branch": town, "display_name": "陈立新"})
    ensure("office", lambda: {"role": Role.TOWN_STAFF, "branch": town, "display_name": "李晓燕"})
    ensure("area_east", lambda: {"role": Role.AREA_HEAD, "area": east, "display_name": "王建国"})
    ensure("liaison_east", lambda: {"role": Role.LIAISON, "area": east, "display_name": "周海波"})
    for username, branch in (("sec_gaofeng", branch_a), ("sec_gaoqiao_sq", branch_b)):
        ensure(
            username,
            lambda branch=branch: {
                "role": Role.SECRETARY, "branch": branch, "member": _officer_of(branch, secretary=True)
            },
        )
    ensure(
        "committee_gaofeng",
        lambda: {"role": Role.BRANCH_COMMITTEE, "branch": branch_a, "member": _officer_of(branch_a, secretary=False)},
    )
    # The member login is keyed by its member, since its username is the member's phone.
    member_user = User.objects.filter(role=Role.MEMBER, member__branch=branch_a).order_by("pk").first()
    if member_user is None:
        ordinary = _ordinary_member_of(branch_a)
        if ordinary is None:
            raise DemoSeedError(_("%(branch)s 没有可开通账号的普通党员") % {"branch": branch_a.name})
        member_user = ensure(ordinary.phone, lambda: {"role": Role.MEMBER, "member": ordinary})

    label = dict(Role.choices)
    return [
        DemoLogin(str(label[Role.TOWN_ADMIN]), "admin", DEMO_PASSWORD, _("全镇党组织和党员，可新增、修改，个人信息完整显示")),
        DemoLogin(str(label[Role.TOWN_STAFF]), "office", DEMO_PASSWORD, _("全镇党组织和党员，只读，个人信息完整显示")),
        DemoLogin(str(label[Role.AREA_HEAD]), "area_east", DEMO_PASSWORD, _("东片区各村社，只读并可检查，个人信息打码")),
        DemoLogin(str(label[Role.LIAISON]), "liaison_east", DEMO_PASSWORD, _("东片区各村社，只读并可检查，个人信息打码")),
        DemoLogin(
            str(label[Role.SECRETARY]), "sec_gaofeng", DEMO_PASSWORD,
            _("%(branch)s（支部甲），任期内可维护本支部") % {"branch": branch_a.name},
        ),
        DemoLogin(
            str(label[Role.SECRETARY]), "sec_gaoqiao_sq", DEMO_PASSWORD,
            _("%(branch)s（支部乙），任期内可维护本支部") % {"branch": branch_b.name},
        ),
        DemoLogin(
            str(label[Role.BRANCH_COMMITTEE]), "committee_gaofeng", DEMO_PASSWORD,
            _("%(branch)s，任期内可维护本支部") % {"branch": branch_a.name},
        ),
        DemoLogin(
            str(label[Role.MEMBER]), member_user.username, DEMO_PASSWORD,
            _("本人档案（%(branch)s 党员 %(name)s），用手机号登录") % {"branch": branch_a.name, "name": member_user.member.name},
        ),
    ]
