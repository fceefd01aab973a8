"""The one place that decides who may see and touch which part of the tree.

A role grants *capabilities* (read, write, inspect, …), each over a part of
the tree: the user's town, their area's units, their own branch, or their own
branch only while they hold an officer post there. The table
``ROLE_CAPABILITIES`` is that decision as data; nothing else in the project
compares roles. Apps ask a scope three things:

* ``scope.q(capability, via="branch__")`` — a filter for a queryset whose rows
  hang off a branch through ``via``;
* ``scope.covers(capability, branch)`` — a yes/no for one branch;
* ``scope.has(capability)`` — whether the user holds it anywhere (navigation).

``get_object_for_user`` is the one 404/403 helper every app's selectors use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from branches.models import Branch, OfficerPost
from portal import generations

from .models import Role


class Cap(StrEnum):
    """What a user may do to a part of the tree."""

    READ = "read"  # see branches, members, records
    WRITE = "write"  # change them
    INSPECT = "inspect"  # inspect units, record fixture checks, follow up rectification
    APPROVE = "approve"  # approve what a branch publishes on its board
    PERSONAL_DATA = "personal_data"  # see ID numbers, phones, addresses unmasked
    IMPORT = "import"  # bring a roster in from a spreadsheet
    MANAGE_LOGINS = "manage_logins"  # create, deactivate and unlock logins
    OVERVIEW = "overview"  # town-wide reports: expiring terms, compliance matrix, briefings
    AMEND = "amend"  # amend records once locked (meeting minutes 30 days after the meeting), earlier text kept
    POLICY = "policy"  # change the town's rules kept as data (meeting types and how often they are due)


# Where a capability reaches: the user's town subtree, their area's units, their
# own branch subtree, or their branch only while an officer term runs.
TOWN, AREA, BRANCH, IN_OFFICE = "town", "area", "branch", "in_office"

ROLE_CAPABILITIES: dict[str, dict[Cap, str]] = {
    Role.TOWN_ADMIN: {
        Cap.READ: TOWN,
        Cap.WRITE: TOWN,
        Cap.INSPECT: TOWN,
        Cap.APPROVE: TOWN,
        Cap.PERSONAL_DATA: TOWN,
        Cap.IMPORT: TOWN,
        Cap.MANAGE_LOGINS: TOWN,
        Cap.OVERVIEW: TOWN,
        Cap.AMEND: TOWN,
        Cap.POLICY: TOWN,
    },
    Role.TOWN_STAFF: {Cap.READ: TOWN, Cap.INSPECT: TOWN, Cap.PERSONAL_DATA: TOWN, Cap.OVERVIEW: TOWN},
    Role.AREA_HEAD: {Cap.READ: AREA, Cap.INSPECT: AREA, Cap.APPROVE: AREA},
    Role.LIAISON: {Cap.READ: AREA, Cap.INSPECT: AREA},
    Role.SECRETARY: {Cap.READ: BRANCH, Cap.WRITE: IN_OFFICE, Cap.PERSONAL_DATA: IN_OFFICE, Cap.IMPORT: IN_OFFICE},
    Role.BRANCH_COMMITTEE: {
        Cap.READ: BRANCH,
        Cap.WRITE: IN_OFFICE,
        Cap.PERSONAL_DATA: IN_OFFICE,
        Cap.IMPORT: IN_OFFICE,
    },
    Role.MEMBER: {},
}

# Roles whose day starts on their own branch's page rather than on the tree.
_BRANCH_HOME_ROLES = {Role.SECRETARY, Role.BRANCH_COMMITTEE}


@dataclass(frozen=True, eq=False)
class Scope:
    """What one user may do where, as subtree roots (materialized paths) per capability.

    ``everything`` is for superusers. ``own_member_id`` lets a member read
    their own record (and see its personal data). ``home_branch_id`` is the
    branch a branch officer works from.
    """

    paths: Mapping[Cap, tuple[str, ...]] = field(default_factory=dict)
    everything: bool = False
    own_member_id: int | None = None
    home_branch_id: int | None = None
    # The branch IDs per capability, read once per request (branch_ids).
    _ids: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_anonymous(self) -> bool:
        return not (self.everything or self.has(Cap.READ) or self.own_member_id)

    def has(self, cap: Cap) -> bool:
        """Whether the user holds ``cap`` over any part of the tree."""
        return self.everything or bool(self.paths.get(cap))

    def q(self, cap: Cap, via: str = "") -> Q:
        """Rows whose branch (reached through ``via``, e.g. ``"branch__"``) lies where ``cap`` reaches."""
        if self.everything:
            return Q()
        paths = self.paths.get(cap, ())
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for path in paths:
            q |= Q(**{f"{via}path__startswith": path})
        return q

    def branch_ids(self, cap: Cap) -> list[int]:
        """The IDs of the branches ``cap`` reaches (not for ``everything``), read once per scope."""
        if cap not in self._ids:
            self._ids[cap] = list(Branch.objects.filter(self.q(cap)).order_by().values_list("pk", flat=True))
        return self._ids[cap]

    def id_q(self, cap: Cap, via: str = "") -> Q:
        """Like :meth:`q`, naming the branches by ID: ``branch_id IN (…)`` lets the database use an
        index that starts with the branch (a town's meetings by date among forty towns': 7.8 → 1.8 ms),
        where ``path LIKE`` joined every row to its branch first."""
        if self.everything:
            return Q()
        return Q(**{f"{via}id__in" if via else "pk__in": self.branch_ids(cap)})

    def covers(self, cap: Cap, branch: Branch | None) -> bool:
        if branch is None:
            return self.everything
        return self.reaches(cap, branch.path)

    def reaches(self, cap: Cap, path: str) -> bool:
        """Whether ``cap`` reaches the branch at ``path`` (answered without loading the branch)."""
        return self.everything or any(path.startswith(p) for p in self.paths.get(cap, ()))

    # Shorthands for the two capabilities nearly every selector asks about.
    def read_q(self, via: str = "") -> Q:
        return self.q(Cap.READ, via)

    def write_q(self, via: str = "") -> Q:
        return self.q(Cap.WRITE, via)

    def can_read_branch(self, branch: Branch) -> bool:
        return self.covers(Cap.READ, branch)

    def can_write_branch(self, branch: Branch) -> bool:
        return self.covers(Cap.WRITE, branch)


def _minimal(paths: list[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one, so the SQL stays small."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _ancestor_paths(path: str) -> list[str]:
    step = Branch.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


# Whether a member holds a post in or above a branch, on a day: asked on every request of a secretary or
# committee member, kept in the shared cache (one round trip instead of a query that took most of the
# scope's 0.8 ms) under a generation that every officer post and branch change renews (posts_changed,
# connected in AccountsConfig.ready). The day is in the key: a term ends at midnight without a write.
# A write behind the signals (bulk_create, QuerySet.update) must call posts_changed itself: the demo
# seeding does.
POSTS_GENERATION_KEY = "accounts:posts:generation"
POSTS_TTL = 26 * 60 * 60


def _holds_post(user) -> bool:
    """Write access comes from an officer post in (or above) the user's branch and ends with its term."""
    if user.member_id is None or user.branch_id is None:
        return False
    today = timezone.localdate()
    path = user.branch.path

    def holds() -> bool:
        return (
            OfficerPost.objects.current(today)
            .filter(member_id=user.member_id, branch__path__in=_ancestor_paths(path))
            .exists()
        )

    key = f"accounts:holds-post:{user.member_id}:{path}:{today:%Y%m%d}"
    return generations.kept(POSTS_GENERATION_KEY, key, holds, ttl=POSTS_TTL, what="who holds a post")


def posts_changed(*args, **kwargs) -> None:
    """An officer post or a branch was saved or deleted: who holds a post where is asked again (now, and
    again once the transaction commits). Also the signal receiver."""
    generations.renew([POSTS_GENERATION_KEY], what="who holds a post")


def connect_signals() -> None:
    """Renew the generation on every officer post and branch change (AccountsConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    for model in (OfficerPost, Branch):
        post_save.connect(posts_changed, sender=model, dispatch_uid=f"accounts_posts_save_{model.__name__}")
        post_delete.connect(posts_changed, sender=model, dispatch_uid=f"accounts_posts_delete_{model.__name__}")


def compute_scope(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True, own_member_id=user.member_id)

    grants = ROLE_CAPABILITIES.get(user.role, {})
    reach: dict[str, tuple[str, ...]] = {}

    def paths_for(kind: str) -> tuple[str, ...]:
        if kind not in reach:
            if kind in (TOWN, BRANCH):
                reach[kind] = (user.branch.path,) if user.branch_id else ()
            elif kind == AREA:
                reach[kind] = (
                    _minimal(list(Branch.objects.filter(area_id=user.area_id).values_list("path", flat=True)))
                    if user.area_id
                    else ()
                )
            elif kind == IN_OFFICE:
                reach[kind] = (user.branch.path,) if user.branch_id and _holds_post(user) else ()
        return reach[kind]

    paths = {cap: p for cap, kind in grants.items() if (p := paths_for(kind))}
    return Scope(
        paths=paths,
        own_member_id=user.member_id,
        home_branch_id=user.branch_id if user.role in _BRANCH_HOME_ROLES and paths.get(Cap.READ) else None,
    )


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if user is None:
        return Scope()
    cached = getattr(user, "_gaoqiao_scope", None)
    if cached is None:
        cached = compute_scope(user)
        try:
            user._gaoqiao_scope = cached
        except AttributeError:  # AnonymousUser instances are shared; nothing to cache
            pass
    return cached


def _branch_of(obj: Any, via: str) -> Branch | None:
    """Walk ``via`` ("branch__", "meeting__branch__", "" for a branch itself) from ``obj`` to its branch."""
    for attr in filter(None, via.split("__")):
        obj = getattr(obj, attr, None)
        if obj is None:
            return None
    return obj


def get_object_for_user(
    queryset: QuerySet,
    user,
    pk: Any,
    *,
    write: bool | Cap = False,
    via: str = "branch__",
    also_readable: Callable[[Any, Scope], bool] | None = None,
    lookup: str = "pk",
):
    """The object if the user may read it (and hold ``write`` over it), else 404 or 403.

    Outside read scope: 404, so a URL does not tell an outsider that the object
    exists. Readable but not writable: 403. ``write=True`` asks for
    :attr:`Cap.WRITE`; a capability asks for that one (e.g. ``Cap.INSPECT``).
    ``also_readable`` opens more objects to reading (a member's own record).
    """
    try:
        obj = queryset.get(**{lookup: pk})
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    scope = scope_for(user)
    branch = _branch_of(obj, via)
    if not (scope.covers(Cap.READ, branch) or (also_readable is not None and also_readable(obj, scope))):
        raise Http404
    if write:
        cap = Cap.WRITE if write is True else Cap(write)
        if not scope.covers(cap, branch):
            raise PermissionDenied
    return obj
