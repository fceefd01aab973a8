"""What the public (no-login) pages may show: active branches, names and posts.

Nothing here hands a template a Member or any personal field: the public
pages get small frozen records built from an explicit list of safe columns,
so an ID number, phone, address or birth date cannot reach them by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.http import Http404
from django.utils import timezone

from branches.models import Branch, OfficerPost, PartyGroup
from members.models import COUNTED_LABEL, Member

_POST_LABELS = dict(OfficerPost.Post.choices)
_UNIT_ORDER = {value: i for i, value in enumerate(Branch.Unit.values)}
_UNIT_LABELS = dict(Branch.Unit.choices)
_KIND_LABELS = dict(Branch.Kind.choices)


@dataclass(frozen=True)
class PublicBranch:
    code: str
    name: str
    kind: str
    unit: str
    area_name: str
    depth: int = 1
    # Steps below the group's top branch, so a general branch's sub-branches sit under it.
    indent: int = 0

    @property
    def kind_display(self) -> str:
        return str(_KIND_LABELS.get(self.kind, ""))

    @property
    def unit_display(self) -> str:
        return str(_UNIT_LABELS.get(self.unit, ""))


@dataclass(frozen=True)
class PublicOfficer:
    post: str
    name: str
    photo_url: str

    @property
    def post_display(self) -> str:
        return str(_POST_LABELS.get(self.post, ""))


@dataclass(frozen=True)
class PublicBranchGroup:
    title: str
    branches: list[PublicBranch] = field(default_factory=list)


@dataclass(frozen=True)
class PublicBranchPage:
    branch: PublicBranch
    officers: list[PublicOfficer]
    party_group_count: int
    member_count: int

    @property
    def member_count_label(self) -> str:
        return str(COUNTED_LABEL)


def _public_branches():
    return Branch.objects.filter(is_active=True)


def _as_public(row: dict) -> PublicBranch:
    return PublicBranch(
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        unit=row["unit"],
        area_name=row["area__name"] or "",
        depth=row["depth"],
    )


_BRANCH_COLUMNS = ("code", "name", "kind", "unit", "area__name", "area__code", "path", "depth")


def public_branch_groups() -> list[PublicBranchGroup]:
    """Active branches grouped by area (in area order), then the rest by unit type."""
    by_area: dict[tuple, list[PublicBranch]] = {}
    by_unit: dict[str, list[PublicBranch]] = {}
    for row in _public_branches().order_by("path").values(*_BRANCH_COLUMNS):
        if row["area__code"]:
            by_area.setdefault((row["area__code"], row["area__name"]), []).append(_as_public(row))
        else:
            by_unit.setdefault(row["unit"], []).append(_as_public(row))
    groups = [PublicBranchGroup(title=name, branches=_indented(items)) for (_, name), items in sorted(by_area.items())]
    for unit in sorted(by_unit, key=lambda u: _UNIT_ORDER.get(u, 99)):
        groups.append(PublicBranchGroup(title=str(_UNIT_LABELS.get(unit, unit)), branches=_indented(by_unit[unit])))
    return groups


def _indented(items: list[PublicBranch]) -> list[PublicBranch]:
    top = min(b.depth for b in items)
    return [replace(b, indent=min(b.depth - top, 2)) for b in items]


def public_branch_page(code: str) -> PublicBranchPage:
    """One active branch's public page; 404 for unknown or dissolved branches."""
    row = _public_branches().filter(code=code).values(*_BRANCH_COLUMNS, "pk").first()
    if row is None:
        raise Http404
    # The branch committee wall (一墙): current officers, post and name only.
    officer_rows = (
        OfficerPost.objects.current(timezone.localdate())
        .filter(branch_id=row["pk"])
        .values("post", "member__name", "member__photo", "term_start")
    )
    officers = sorted(
        (
            PublicOfficer(post=r["post"], name=r["member__name"], photo_url=_photo_url(r["member__photo"]))
            for r in officer_rows
        ),
        key=lambda o: OfficerPost.post_rank(o.post),
    )
    party_groups = PartyGroup.objects.filter(branch_id=row["pk"]).count()
    # 党员人数, as the logged-in branch page counts it (members.models.COUNTED).
    members = Member.objects.counted().filter(branch__path__startswith=row["path"]).count()
    return PublicBranchPage(
        branch=_as_public(row), officers=officers, party_group_count=party_groups, member_count=members
    )


def _photo_url(name: str) -> str:
    if not name:
        return ""
    return Member._meta.get_field("photo").storage.url(name)


# ---------------------------------------------------------------- the register and the sites, scoped


def items_visible_to(user):
    """Register items (every state) in the user's read scope."""
    from accounts.scope import scope_for

    from .models import Item

    return Item.objects.filter(scope_for(user).read_q("branch__"))


def get_item_for_user(user, pk, *, write=False):
    from accounts.scope import get_object_for_user

    from .models import Item

    return get_object_for_user(Item.objects.select_related("branch", "latest_version"), user, pk, write=write)


def get_item_page_for_user(user, pk):
    """An item for its staff page: only the columns it shows, the branch's name and path (for the scope
    checks) and the latest version's audience. The working copy's content (``working_payload``) is read
    only while it is unpublished, the only time the page shows it; never the search text."""
    from django.db.models import Case, F, JSONField, Value, When

    from accounts.scope import get_object_for_user

    from .models import Item

    working = Case(When(state=Item.State.PUBLISHED, then=Value(None)), default=F("payload"), output_field=JSONField())
    qs = (
        Item.objects.select_related("branch", "latest_version")
        .only(*_ITEM_PAGE_COLUMNS)
        .annotate(working_payload=working)
    )
    return get_object_for_user(qs, user, pk)


_ITEM_PAGE_COLUMNS = (
    "branch__path",
    "branch__name",
    "category",
    "period",
    "source",
    "audience",
    "state",
    "title",
    "correction_reason",
    "review_note",
    "publish_at",
    "latest_version__audience",
)


def items_awaiting_approval(user):
    from accounts.scope import Cap, scope_for

    from .models import Item

    return Item.objects.filter(scope_for(user).q(Cap.APPROVE, "branch__"), state=Item.State.SUBMITTED)


def sites_visible_to(user):
    from accounts.scope import scope_for

    from .models import Site

    return Site.objects.filter(scope_for(user).read_q("branch__"))


def get_site_for_user(user, pk, *, write=False):
    from accounts.scope import get_object_for_user

    from .models import Site

    return get_object_for_user(Site.objects.select_related("branch"), user, pk, write=write)


def may_read_members_only(user, branch_path: str) -> bool:
    """Members-only items: readers who may read the branch, and members of it (or of a branch below)."""
    from accounts.scope import Cap, scope_for

    if user is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    if scope.everything or any(branch_path.startswith(p) for p in scope.paths.get(Cap.READ, ())):
        return True
    member_branch = Member.objects.filter(pk=scope.own_member_id).values_list("branch__path", flat=True).first()
    return bool(member_branch and member_branch.startswith(branch_path))


def fixtures_needing_fixing(branches=None):
    """Fixtures whose latest check says 需整改 (for assessment's rectification), optionally within ``branches``."""
    from .models import Fixture

    qs = Fixture.objects.filter(status=Fixture.Status.NEEDS_FIXING).select_related("site__branch", "last_checked_by")
    if branches is not None:
        qs = qs.filter(site__branch__in=branches)
    return qs


# ---------------------------------------------------------------- the staff pages


def sites_with_counts(user):
    """Sites in the user's read scope, each with how many fixtures need fixing and how many are unchecked."""
    from django.db.models import Count, Q

    from .models import Fixture

    return (
        sites_visible_to(user)
        .select_related("branch", "branch__area")
        # Only what the list shows: not the branches' and areas' other columns.
        .only("name", "branch__name", "branch__area__name")
        .annotate(
            needs_fixing=Count("fixtures", filter=Q(fixtures__status=Fixture.Status.NEEDS_FIXING)),
            unchecked=Count("fixtures", filter=Q(fixtures__status=Fixture.Status.UNCHECKED)),
        )
        .order_by("branch__path")
    )


def get_fixture_for_user(user, pk, *, inspect=False):
    from accounts.scope import Cap, get_object_for_user

    from .models import Fixture

    return get_object_for_user(
        Fixture.objects.select_related("site__branch"),
        user,
        pk,
        write=Cap.INSPECT if inspect else False,
        via="site__branch__",
    )


def fixtures_visible_to(user):
    from accounts.scope import scope_for

    from .models import Fixture

    return Fixture.objects.filter(scope_for(user).read_q("site__branch__"))


def checks_visible_to(user):
    """Checks on fixtures of sites in the user's read scope.

    The scope is a subquery on the fixtures of the sites whose branch is one of the user's, named by ID
    (the site's unique branch index): the page of checks is then read newest first off the checks'
    own index. The path filter joined every fixture of the district to its site and branch before
    sorting (13 ms at 40 towns)."""
    from accounts.scope import Cap, scope_for

    from .models import Fixture, FixtureCheck

    scope = scope_for(user)
    if scope.everything:
        return FixtureCheck.objects.all()
    fixtures = Fixture.objects.filter(scope.id_q(Cap.READ, "site__branch__")).values("pk")
    return FixtureCheck.objects.filter(fixture__in=fixtures)


def get_check_for_user(user, pk):
    from accounts.scope import get_object_for_user

    from .models import FixtureCheck

    return get_object_for_user(
        FixtureCheck.objects.select_related("fixture__site__branch", "checked_by"),
        user,
        pk,
        via="fixture__site__branch__",
    )


def branches_writable_by(user):
    from accounts.scope import scope_for

    return Branch.objects.filter(scope_for(user).write_q(), is_active=True).order_by("path")


def branches_readable_by(user):
    from accounts.scope import scope_for

    return Branch.objects.filter(scope_for(user).read_q(), is_active=True).order_by("path")


def get_branch_for_user(user, pk, *, write=False):
    from accounts.scope import get_object_for_user

    return get_object_for_user(Branch.objects.filter(is_active=True), user, pk, write=write, via="")
