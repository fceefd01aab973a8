"""Demo seeding, step ``members``: about 2,700 members per demo town, their officer posts and group leaders.

Runs after the ``branches`` step and fills its plan (``ctx.state["demo_towns"]``:
members per leaf branch, the party groups). Members get valid ID numbers and
unique phones. Officer posts are seeded here, not with the branches, because
their holders are picked among the members. Safe to run twice: members are
keyed by their unique ID number, which the generator reproduces exactly on
every run, posts by branch, group leaders only where none is set.

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

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.scope import posts_changed
from branches.demo import BATCH_SIZE, DemoTown, plain_name
from branches.models import Branch, OfficerPost, PartyGroup
from branches.tree_cache import forget_trees
from portal.seeding import DemoSeedError, SeedContext, register

from .models import Member
from .names import name_keys
from .pii import make_id_number

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
_ESTATES = ("花园", "家园", "新苑", "小区", "公寓", "嘉苑")
_OTHER_POSTS = (
    OfficerPost.Post.DEPUTY_SECRETARY,
    OfficerPost.Post.ORGANISATION,
    OfficerPost.Post.PROPAGANDA,
    OfficerPost.Post.DISCIPLINE,
)

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
        ("企业职工", 30),
        ("个体工商户", 12),
        ("社区工作者", 10),
        ("教师", 8),
        ("医务人员", 6),
        ("自由职业者", 6),
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
        (
            (_Edu.PRIMARY, 12),
            (_Edu.JUNIOR, 45),
            (_Edu.SENIOR, 25),
            (_Edu.SECONDARY_VOCATIONAL, 12),
            (_Edu.JUNIOR_COLLEGE, 6),
        ),
    ),
    (
        1985,
        (
            (_Edu.JUNIOR, 20),
            (_Edu.SENIOR, 20),
            (_Edu.SECONDARY_VOCATIONAL, 15),
            (_Edu.JUNIOR_COLLEGE, 27),
            (_Edu.BACHELOR, 18),
        ),
    ),
    (
        9999,
        (
            (_Edu.SENIOR, 5),
            (_Edu.SECONDARY_VOCATIONAL, 10),
            (_Edu.JUNIOR_COLLEGE, 30),
            (_Edu.BACHELOR, 50),
            (_Edu.POSTGRADUATE, 5),
        ),
    ),
)
_EDUCATION_ORGAN = ((_Edu.JUNIOR_COLLEGE, 15), (_Edu.BACHELOR, 70), (_Edu.POSTGRADUATE, 15))


LABELS = {"members": _("党员"), "officer_posts": _("班子成员任职")}


@register("members", after=("branches",))
def seed_members(ctx: SeedContext) -> None:
    """Members, officer posts and group leaders town by town, then the district's officers."""
    for key, label in LABELS.items():
        ctx.labels.setdefault(key, label)
    demo_towns: list[DemoTown] = ctx.state["demo_towns"]
    ids: set[str] = set()
    phones: set[str] = set()
    for demo_town in demo_towns:
        _seed_members(ctx, demo_town=demo_town, ids=ids, phones=phones)
        _seed_posts(ctx, root=demo_town.town, branches=demo_town.branches, seed=demo_town.seed)
        _set_group_leaders(leaves=demo_town.leaves, seed=demo_town.seed)
        if ctx.scale > 1:
            ctx.progress(_("第 %(i)s/%(n)s 个镇已完成") % {"i": demo_town.index, "n": ctx.scale})
    district = ctx.state["district"]
    if district is not None:
        _seed_posts(ctx, root=district, branches=[district], seed="district")
    in_tree = {"branch__path__startswith": ctx.state["root"].path}
    ctx.total("members", Member.objects.filter(**in_tree).count(), LABELS["members"])
    ctx.total("officer_posts", OfficerPost.objects.filter(**in_tree).count(), LABELS["officer_posts"])


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


def _seed_members(ctx: SeedContext, *, demo_town: DemoTown, ids: set[str], phones: set[str]) -> None:
    """The town's members as planned, each with an ID number and a phone no other demo member has."""
    index, seed, leaves, sizes, groups = (
        demo_town.index,
        demo_town.seed,
        demo_town.leaves,
        demo_town.sizes,
        demo_town.groups,
    )
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
        p for p in (_place(plain_name(index, b.name)) for b in leaves if b.unit == Branch.Unit.VILLAGE) if p
    ] or ["高桥村"]

    rows: list[Member] = []
    for branch in leaves:
        place = _place(plain_name(index, branch.name))
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
                    today=ctx.today,
                    branch=branch,
                    place=place,
                    villages=villages,
                    town_label=demo_town.label,
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
    forget_trees()  # written behind Member's signals
    ctx.made("members", Member.objects.filter(branch__in=leaves).count() - before)


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
                Member.Standing.SUSPENDED
                if r < 0.004
                else Member.Standing.RESTORED
                if r < 0.006
                else Member.Standing.STOPPED
                if r < 0.008
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

    pinyin, initials = name_keys(name)
    return Member(
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
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


def _seed_posts(ctx: SeedContext, *, root: Branch, branches: list[Branch], seed: str) -> None:
    """A 书记 and 2–4 other officers for every branch in ``branches`` with none yet.

    Leaves pick from their own members, general branches and committees from
    their subtree, a town or district committee from the 机关 (town office)
    branches below it. Nobody holds two posts. Terms start five years back;
    about a third end within the next 90 days, so the expiry list has rows.
    """
    today = ctx.today
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
    posts_changed()  # written behind OfficerPost's signals
    ctx.made("officer_posts", len(posts))


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
