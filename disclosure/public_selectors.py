"""What the public (no-login) register pages read: sites, published items, their 更正 trail.

Like ``selectors.py``, nothing here hands a template a model instance that
reaches a member: the pages get items, versions and sites, whose content went
through the register's personal-data check when it was published.
A page's query count does not depend on how many items there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from branches.models import Area, Branch

from .models import Audience, Category, Item, ItemVersion, Site, period_display
from .selectors import may_read_members_only

BOARD_ITEMS_PER_CATEGORY = 5
_CATEGORY_ORDER = {value: i for i, value in enumerate(Category.values)}


@dataclass
class CategoryBlock:
    category: str
    label: str
    items: list[Item] = field(default_factory=list)
    more: bool = False


def site_for_slug(slug: str) -> Site:
    site = Site.objects.select_related("branch", "branch__area").filter(slug=slug, branch__is_active=True).first()
    if site is None:
        raise Http404
    return site


def site_for_branch_code(code: str) -> Site | None:
    """The site whose board shows this branch: its own, or the one of the nearest branch above it (one query)."""
    below = Branch.objects.filter(code=code, path__startswith=OuterRef("branch__path"))
    return (
        Site.objects.filter(Exists(below), branch__is_active=True)
        .order_by("-branch__depth")
        .select_related("branch")
        .first()
    )


def _published(user=None, *, branch_path: str | None = None) -> Q:
    q = Q(latest_version__isnull=False)
    if branch_path is not None:
        q &= Q(branch__path__startswith=branch_path)
    if branch_path is None or not may_read_members_only(user, branch_path):
        q &= Q(audience=Audience.PUBLIC, latest_version__audience=Audience.PUBLIC)
    return q


def board_blocks(site: Site, user=None, *, category: str | None = None) -> list[CategoryBlock]:
    """The board's items by category, newest first: up to five each; every item of ``category`` ("*": of all)."""
    items = (
        Item.objects.filter(_published(user, branch_path=site.branch.path))
        .select_related("latest_version")
        .only(
            "id",
            "category",
            "period",
            "audience",
            "branch_id",
            "last_published_at",
            "latest_version__number",
            "latest_version__title",
            "latest_version__published_at",
            "latest_version__audience",
        )
        .order_by("-last_published_at", "-id")
    )
    if category and category != "*":
        items = items.filter(category=category)
    blocks: dict[str, CategoryBlock] = {}
    for item in items[:1000]:
        block = blocks.setdefault(item.category, CategoryBlock(item.category, str(Category(item.category).label)))
        if category or len(block.items) < BOARD_ITEMS_PER_CATEGORY:
            block.items.append(item)
        else:
            block.more = True
    return sorted(blocks.values(), key=lambda b: _CATEGORY_ORDER[b.category])


@dataclass
class PublicItem:
    item: Item
    site: Site | None
    current: ItemVersion
    earlier: list[ItemVersion]

    @property
    def period_display(self) -> str:
        return period_display(self.item.period)


def public_item(pk: int, user=None) -> PublicItem:
    """A published item the reader may see, with its trail; 404 for drafts, unknown or members-only items."""
    item = Item.objects.select_related("branch", "latest_version").filter(pk=pk, latest_version__isnull=False).first()
    if item is None:
        raise Http404
    members_ok = may_read_members_only(user, item.branch.path)
    if not members_ok and (item.audience != Audience.PUBLIC or item.latest_version.audience != Audience.PUBLIC):
        raise Http404
    versions = list(item.versions.order_by("-number"))
    if not members_ok:
        versions = [v for v in versions if v.audience == Audience.PUBLIC]
    site = site_for_branch_code(item.branch.code)
    return PublicItem(item=item, site=site, current=versions[0], earlier=versions[1:])


@dataclass(frozen=True)
class DirectoryEntry:
    name: str
    url: str
    unit_label: str


@dataclass
class DirectoryGroup:
    title: str
    area_code: str | None
    entries: list[DirectoryEntry] = field(default_factory=list)


def public_directory() -> list[DirectoryGroup]:
    """The town index: every board by area, and the branches that have no board (their own page), by unit."""
    from django.urls import reverse

    sites = {s.branch_id: s for s in Site.objects.filter(branch__is_active=True).select_related("branch")}
    site_paths = [s.branch.path for s in sites.values()]
    units = dict(Branch.Unit.choices)
    by_area: dict[tuple, DirectoryGroup] = {}
    by_unit: dict[str, DirectoryGroup] = {}
    rows = (
        Branch.objects.filter(is_active=True, depth__gt=1)
        .order_by("path")
        .values("pk", "code", "name", "unit", "path", "area__code", "area__name")
    )
    for row in rows:
        site = sites.get(row["pk"])
        if site is not None:
            entry = DirectoryEntry(site.name, reverse("public:board", args=[site.slug]), str(units[row["unit"]]))
        elif any(row["path"].startswith(p) for p in site_paths):
            continue  # shown on the board of the site above it
        else:
            entry = DirectoryEntry(row["name"], reverse("public:branch", args=[row["code"]]), str(units[row["unit"]]))
        if row["area__code"]:
            key = (row["area__code"], row["area__name"])
            group = by_area.setdefault(key, DirectoryGroup(row["area__name"], row["area__code"]))
        else:
            group = by_unit.setdefault(row["unit"], DirectoryGroup(str(units[row["unit"]]), None))
        group.entries.append(entry)
    unit_order = {u: i for i, u in enumerate(Branch.Unit.values)}
    return [by_area[k] for k in sorted(by_area)] + [by_unit[u] for u in sorted(by_unit, key=unit_order.get)]


def area_for_code(code: str) -> tuple[Area, list[Site]]:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404
    sites = list(
        Site.objects.filter(branch__area=area, branch__is_active=True).select_related("branch").order_by("branch__path")
    )
    return area, sites


def latest_versions(*, branch_path: str | None = None, limit: int = 30):
    """Newest public versions (corrections included), for feeds and the town index."""
    q = Q(audience=Audience.PUBLIC, item__audience=Audience.PUBLIC, item__latest_version__audience=Audience.PUBLIC)
    if branch_path:
        q &= Q(item__branch__path__startswith=branch_path)
    return ItemVersion.objects.filter(q).select_related("item", "item__branch").order_by("-published_at", "-id")[:limit]


def search_items(query: str):
    """Published public items whose title or content contains every word of the query."""
    words = [w for w in re.split(r"\s+", query.strip()) if w][:5]
    if not words:
        return Item.objects.none()
    q = Q(latest_version__isnull=False, audience=Audience.PUBLIC, latest_version__audience=Audience.PUBLIC)
    for word in words:
        q &= Q(search_text__icontains=word)
    return Item.objects.filter(q).select_related("branch", "latest_version").order_by("-last_published_at", "-id")
