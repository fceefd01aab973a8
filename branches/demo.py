"""Demo seeding, step ``branches``: the towns' organisation from data/gaoqiao-organisation.csv.

Builds ``ctx.scale`` towns (under a district committee when more than one): the
branch tree, the 4 areas and the party groups. It is safe to run twice: branches
and areas are keyed by code, groups by (branch, name).

It also plans how many members each leaf branch will hold (the town's shape:
villages are larger than social organisations), since a branch's number of
party groups follows from it; the ``members`` step fills the plan. What later
steps need goes into ``ctx.state``: ``towns`` (the town committees), ``root``
(the district, or the one town), ``district`` (or None) and ``demo_towns``
(one ``DemoTown`` per town, with its branches in CSV order).

Determinism: every random choice comes from a generator seeded with a fixed
string per town (see members/demo.py).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from portal.seeding import DemoSeedError, SeedContext, register

from .models import Area, Branch, PartyGroup
from .services import branch_create
from .tree_cache import forget_trees

CSV_PATH = Path(settings.BASE_DIR) / "data" / "gaoqiao-organisation.csv"

DISTRICT_CODE = "HS"
DISTRICT_NAME = "中共宁波市海曙区委员会"
TOWN_CODE = "GQ"  # the town committee's code in the CSV
TOWN_LABEL = "高桥镇"
MEMBERS_PER_TOWN = 2718  # the plan the members step fills (2018 report: 2,718 members)
BATCH_SIZE = 2000

# 片区 name in the CSV -> slug used in the area code.
AREA_SLUGS = {"东片区": "east", "南片区": "south", "西片区": "west", "北片区": "north"}
_GROUP_NAMES = ("第一党小组", "第二党小组", "第三党小组", "第四党小组")

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


@dataclass
class DemoTown:
    """One demo town as the later steps need it: its branches in CSV order and the member plan."""

    index: int
    seed: str  # the random streams' prefix for this town
    town: Branch
    branches: list[Branch]
    leaves: list[Branch]
    sizes: dict[int, int]  # leaf branch pk -> members planned
    groups: dict[int, list[int]]  # leaf branch pk -> its party group pks, in name order

    @property
    def label(self) -> str:
        return town_label(self.index)


LABELS = {
    "towns": _("镇"),
    "branches": _("党组织"),
    "areas": _("片区"),
    "party_groups": _("党小组"),
}


@register("branches")
def seed_branches(ctx: SeedContext) -> None:
    """The district (when ``ctx.scale`` > 1), then each town's tree, areas and party groups."""
    scale = ctx.scale
    existing = existing_demo_scale()
    if existing is not None and existing != scale:
        raise DemoSeedError(
            _(
                "数据库中已有按 --scale %(old)s 生成的演示数据（%(old)s 个镇），不能再按 --scale %(new)s 生成，"
                "以免混在一起。请改用 --scale %(old)s 重新运行，或换一个空数据库。"
            )
            % {"old": existing, "new": scale}
        )
    rows = read_organisation()
    for key, label in LABELS.items():
        ctx.labels.setdefault(key, label)
    members_per_town = ctx.state.get("members_per_town", MEMBERS_PER_TOWN)
    district = None
    if scale > 1:
        district = Branch.objects.filter(code=DISTRICT_CODE).first()
        if district is None:
            district = branch_create(
                code=DISTRICT_CODE, name=DISTRICT_NAME, kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.DISTRICT
            )
            ctx.made("branches")
    demo_towns = [
        _seed_town(ctx, index=index, parent=district, rows=rows, members_per_town=members_per_town)
        for index in range(1, scale + 1)
    ]
    towns = [t.town for t in demo_towns]
    root = district or towns[0]
    ctx.state.update(demo_towns=demo_towns, towns=towns, root=root, district=district)
    ctx.totals.update(
        {
            "towns": len(towns),
            "branches": Branch.objects.filter(path__startswith=root.path).count(),
            "areas": Area.objects.filter(town__in=towns).count(),
            "party_groups": PartyGroup.objects.filter(branch__path__startswith=root.path).count(),
        }
    )


def _seed_town(
    ctx: SeedContext, *, index: int, parent: Branch | None, rows: list[OrgRow], members_per_town: int
) -> DemoTown:
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
        ctx.made("branches")
    town = branches[town_code]

    areas: dict[str, Area] = {}
    for area_name in dict.fromkeys(r.area for r in rows if r.area):
        slug = AREA_SLUGS.get(area_name, f"area{len(areas) + 1}")
        area, was_created = Area.objects.get_or_create(
            code=_town_code(index, f"{TOWN_CODE}-{slug}"), defaults={"town": town, "name": area_name}
        )
        areas[area_name] = area
        ctx.made("areas", int(was_created))

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
        ctx.made("branches")

    ordered = [branches[c] for c in codes]
    leaves = [b for b in ordered if b.kind == Branch.Kind.BRANCH]
    sizes = _leaf_sizes(leaves=leaves, total=members_per_town, rng=random.Random(f"{seed}-sizes"))
    groups = _seed_groups(ctx, leaves=leaves, sizes=sizes)
    return DemoTown(index=index, seed=seed, town=town, branches=ordered, leaves=leaves, sizes=sizes, groups=groups)


def _town_code(index: int, code: str) -> str:
    return code if index == 1 else f"T{index:02d}-{code}"


def town_label(index: int) -> str:
    return TOWN_LABEL if index == 1 else f"{TOWN_LABEL}（{index}）"


def _town_name(index: int, name: str) -> str:
    if index == 1:
        return name
    if TOWN_LABEL in name:
        return name.replace(TOWN_LABEL, town_label(index), 1)
    return f"{town_label(index)}{name}"


def plain_name(index: int, name: str) -> str:
    """A branch name without the town number added for towns after the first."""
    return name if index == 1 else name.replace(town_label(index), TOWN_LABEL, 1).removeprefix(TOWN_LABEL) or name


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


def _seed_groups(ctx: SeedContext, *, leaves: list[Branch], sizes: dict[int, int]) -> dict[int, list[int]]:
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
        forget_trees()  # written behind PartyGroup's signals
        ctx.made("party_groups", len(missing))
        existing = {
            (g.branch_id, g.name): g.pk
            for g in PartyGroup.objects.filter(branch__in=leaves).only("pk", "branch", "name")
        }
    return {b.pk: [existing[(b.pk, name)] for name in _GROUP_NAMES[: _group_count(sizes[b.pk])]] for b in leaves}
