"""Rows for the disclosure app: the public board pages (open to everyone) and the register's pages and API."""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, OK, ROLES, Row, everyone, scoped

PUBLIC = {role: (OK, OK) for role in ROLES}
READERS = {**LOGGED_IN, "member": DENY}
WRITERS = {**everyone(DENY, anonymous=LOGIN), "town_admin": OK, "secretary_a": OK, "secretary_b": OK}


def write_scoped(outcome: str = OK, anonymous: str = LOGIN) -> dict:
    """The branch's officers in office write its own; the town admin writes all."""
    return {
        **{role: (DENY, DENY) for role in ("town_staff", "area_head", "member")},
        "anonymous": (anonymous, anonymous),
        "town_admin": (outcome, outcome),
        "secretary_a": (outcome, DENY),
        "secretary_b": (DENY, outcome),
    }


def inspect_scoped(outcome: str = OK, anonymous: str = LOGIN) -> dict:
    """Fixture checks: the town office everywhere, the area head in the area (branch_a); secretaries only read."""
    return {
        **{role: (DENY, DENY) for role in ("secretary_a", "secretary_b", "member")},
        "anonymous": (anonymous, anonymous),
        "town_admin": (outcome, outcome),
        "town_staff": (outcome, outcome),
        "area_head": (outcome, DENY),
    }


def approve_scoped(outcome: str = OK, anonymous: str = LOGIN) -> dict:
    """Approving a branch's item: the town admin everywhere, the area head in the area."""
    return {
        **{role: (DENY, DENY) for role in ("town_staff", "secretary_a", "secretary_b", "member")},
        "anonymous": (anonymous, anonymous),
        "town_admin": (outcome, outcome),
        "area_head": (outcome, DENY),
    }


API_WRITERS_400 = {**everyone(DENY), "town_admin": "400", "secretary_a": "400", "secretary_b": "400"}
API_INSPECTORS_400 = {**everyone(DENY), "town_admin": "400", "town_staff": "400", "area_head": "400"}


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
    # Staff pages: 七个一 checks (read in scope, record with Cap.INSPECT); an empty POST re-shows the form.
    ("disclosure:sites", "get"): Row(READERS),
    ("disclosure:site", "get"): Row(scoped(LOGIN), target="site"),
    ("disclosure:site-phone", "post"): Row(write_scoped(), target="site"),  # no number: back, nothing shown
    ("disclosure:fixture", "get"): Row(scoped(LOGIN), target="fixture"),
    ("disclosure:fixture", "post"): Row(inspect_scoped(), target="fixture"),
    ("disclosure:check-photo", "get"): Row(scoped(LOGIN), target="check"),
    # The register's workflow: writers draft, edit and submit their own; approvers review in scope.
    ("disclosure:items", "get"): Row(READERS),
    ("disclosure:item-create", "get"): Row(WRITERS),
    ("disclosure:item-create", "post"): Row(WRITERS),
    ("disclosure:item", "get"): Row(scoped(LOGIN), target="draft_item"),
    ("disclosure:item-edit", "get"): Row(write_scoped(), target="draft_item"),
    ("disclosure:item-edit", "post"): Row(write_scoped(), target="draft_item"),
    ("disclosure:item-revise", "get"): Row(write_scoped(), target="manual_item"),
    ("disclosure:item-revise", "post"): Row(write_scoped(), target="manual_item"),
    ("disclosure:item-submit", "post"): Row(write_scoped(), target="draft_item"),
    ("disclosure:item-approve", "post"): Row(approve_scoped(), target="submitted_item"),  # no choice: back
    ("disclosure:item-reject", "post"): Row(approve_scoped(), target="submitted_item"),  # no reason: back
    # 党费收缴: read in scope, entered and imported by the branch's writers.
    ("disclosure:dues", "get"): Row(READERS),
    ("disclosure:dues-branch", "get"): Row(scoped(LOGIN), target="branch"),
    ("disclosure:dues-branch", "post"): Row(write_scoped(), target="branch"),
    ("disclosure:dues-import", "get"): Row(write_scoped(), target="branch"),
    ("disclosure:dues-import", "post"): Row(write_scoped(), target="branch"),
    # API: published public items and versions for everyone; the rest scoped like the pages (401 anonymous).
    # An empty body is refused (400) where the role may write; rows on one object run in this order.
    ("api:disclosure-items-list", "get"): Row(everyone(OK)),
    ("api:disclosure-items-list", "post"): Row(API_WRITERS_400),
    ("api:disclosure-items-detail", "get"): Row(scoped(DENY), target="api_draft_item"),
    ("api:disclosure-items-detail", "patch"): Row(write_scoped(OK, DENY), target="api_draft_item"),  # {}: 200
    ("api:disclosure-items-submit", "post"): Row(write_scoped(OK, DENY), target="api_draft_item"),
    ("api:disclosure-items-reject", "post"): Row(approve_scoped("400", DENY), target="api_submitted_item"),
    ("api:disclosure-items-approve", "post"): Row(approve_scoped(OK, DENY), target="api_submitted_item"),
    ("api:disclosure-items-revise", "post"): Row(write_scoped("400", DENY), target="api_published_item"),
    ("api:disclosure-versions-list", "get"): Row(everyone(OK)),
    ("api:disclosure-versions-detail", "get"): Row(scoped(DENY), target="members_version"),
    ("api:disclosure-sites-list", "get"): Row(API_LOGGED_IN),
    ("api:disclosure-sites-detail", "get"): Row(scoped(DENY), target="site"),
    ("api:disclosure-fixtures-list", "get"): Row(API_LOGGED_IN),
    ("api:disclosure-fixtures-detail", "get"): Row(scoped(DENY), target="fixture"),
    ("api:disclosure-checks-list", "get"): Row(API_LOGGED_IN),
    ("api:disclosure-checks-list", "post"): Row(API_INSPECTORS_400),
    ("api:disclosure-checks-detail", "get"): Row(scoped(DENY), target="check"),
}


def targets(request, world: dict) -> dict:
    """Sites (with their fixtures and a check with a photo) and register items in branch_a ("own") and branch_b ("other")."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from branches.models import Area, Branch
    from disclosure import services
    from disclosure.services import disclosure_publish
    from disclosure.sites import fixture_check_record, site_create
    from tests.disclosure.images import jpeg_bytes

    admin = request.getfixturevalue("town_admin_user")
    own_branch, other_branch = (Branch.objects.get(pk=pk) for pk in world["branch"])
    sites = (
        site_create(branch=own_branch, name="高峰村", slug="gaofeng"),
        site_create(branch=other_branch, name="高桥社区", slug="gaoqiao-shequ"),
    )
    items = tuple(
        disclosure_publish(
            branch=site.branch, category="dues", period="2026-01", source="test.matrix", payload={"body": "党费"}
        ).item_id
        for site in sites
    )
    fixtures = tuple(site.fixtures.get(kind="flag") for site in sites)
    checks = tuple(
        fixture_check_record(
            fixture=f, result="needs_fixing", note="党旗褪色", photo=SimpleUploadedFile("f.jpg", jpeg_bytes()), by=admin
        ).pk
        for f in fixtures
    )

    def manual(branch, *, state: str, audience: str = "public") -> int:
        item = services.item_create(
            branch=branch,
            category="party_documents",
            period="2026",
            title="学习材料",
            payload={"body": "正文"},
            audience=audience,
            by=admin,
        )
        if state != "draft":
            item = services.item_submit(item=item, by=admin)
        if state == "published":
            item = services.item_approve(item=item, by=admin)
        return item.pk

    def both(state: str, audience: str = "public") -> tuple[int, int]:
        return tuple(manual(site.branch, state=state, audience=audience) for site in sites)

    from disclosure.models import Item

    members_only = both("published", audience="members")

    areas = tuple(Area.objects.get(pk=pk).code for pk in world["area"])
    return {
        "site_slug": tuple(s.slug for s in sites),
        "site": tuple(s.pk for s in sites),
        "fixture": tuple(f.pk for f in fixtures),
        "check": checks,
        "public_item": items,
        "draft_item": both("draft"),
        "submitted_item": both("submitted"),
        "manual_item": both("published"),
        "api_draft_item": both("draft"),
        "api_submitted_item": both("submitted"),
        "api_published_item": both("published"),
        "members_version": tuple(Item.objects.get(pk=pk).latest_version_id for pk in members_only),
        "area_code": areas,
    }
