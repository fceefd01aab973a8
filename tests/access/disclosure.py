"""Rows for the disclosure app: the public board pages (open to everyone) and the register's pages and API."""

from __future__ import annotations

from . import OK, ROLES, Row, everyone

PUBLIC = {role: (OK, OK) for role in ROLES}

ROWS: dict[tuple[str, str], Row] = {
    ("public:search", "get"): Row(everyone(OK)),
    ("public:feed", "get"): Row(everyone(OK)),
    ("public:area", "get"): Row(PUBLIC, target="area_code"),
    ("public:item", "get"): Row(PUBLIC, target="public_item"),
    ("public:board", "get"): Row(PUBLIC, target="site_slug"),
    ("public:board-list", "get"): Row(PUBLIC, target="site_slug"),
    ("public:wall", "get"): Row(PUBLIC, target="site_slug"),
    ("public:board-feed", "get"): Row(PUBLIC, target="site_slug"),
    ("public:qr-png", "get"): Row(PUBLIC, target="site_slug"),
    ("public:qr-svg", "get"): Row(PUBLIC, target="site_slug"),
    ("public:poster", "get"): Row(PUBLIC, target="site_slug"),
}


def targets(request, world: dict) -> dict:
    """A site and a published public item in branch_a ("own") and in branch_b ("other")."""
    from branches.models import Area, Branch
    from disclosure.models import Site
    from disclosure.services import disclosure_publish

    own_branch, other_branch = (Branch.objects.get(pk=pk) for pk in world["branch"])
    sites = (
        Site.objects.create(branch=own_branch, name="高峰村", slug="gaofeng"),
        Site.objects.create(branch=other_branch, name="高桥社区", slug="gaoqiao-shequ"),
    )
    items = tuple(
        disclosure_publish(
            branch=site.branch, category="dues", period="2026-01", source="test.matrix", payload={"body": "党费"}
        ).item_id
        for site in sites
    )
    areas = tuple(Area.objects.get(pk=pk).code for pk in world["area"])
    return {"site_slug": tuple(s.slug for s in sites), "public_item": items, "area_code": areas}
