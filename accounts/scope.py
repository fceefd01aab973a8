"""The one place that decides who may see and touch which part of the tree.

Every HTML view, API view, admin page and export asks the selectors in
``branches.selectors`` and ``members.selectors``; they ask this module. No view
filters by role itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from branches.models import Branch, OfficerPost

from .models import Role

TOWN_ROLES = {Role.TOWN_ADMIN, Role.TOWN_STAFF}
AREA_ROLES = {Role.AREA_HEAD, Role.LIAISON}
BRANCH_ROLES = {Role.SECRETARY, Role.BRANCH_COMMITTEE}


@dataclass(frozen=True)
class Scope:
    """What one user may read and write, as subtree roots (materialized paths).

    ``everything`` is for superusers. ``own_member_id`` lets a member read only
    their own record. ``personal_data`` says whether ID numbers, phones and
    addresses of the members this user may read are shown unmasked.
    """

    read_paths: tuple[str, ...] = ()
    write_paths: tuple[str, ...] = ()
    inspect_paths: tuple[str, ...] = ()
    everything: bool = False
    own_member_id: int | None = None
    personal_data: bool = False
    is_town: bool = False

    @property
    def is_anonymous(self) -> bool:
        return not (self.everything or self.read_paths or self.own_member_id)

    def _q(self, paths: tuple[str, ...], prefix: str) -> Q:
        if self.everything:
            return Q()
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for path in paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def read_q(self, prefix: str = "") -> Q:
        return self._q(self.read_paths, prefix)

    def write_q(self, prefix: str = "") -> Q:
        return self._q(self.write_paths, prefix)

    def _covers(self, paths: tuple[str, ...], branch: Branch) -> bool:
        return self.everything or any(branch.path.startswith(p) for p in paths)

    def can_read_branch(self, branch: Branch) -> bool:
        return self._covers(self.read_paths, branch)

    def can_write_branch(self, branch: Branch) -> bool:
        return self._covers(self.write_paths, branch)

    def can_inspect_branch(self, branch: Branch) -> bool:
        return self._covers(self.inspect_paths, branch)

    @property
    def can_write_anything(self) -> bool:
        return self.everything or bool(self.write_paths)


def _minimal(paths: list[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one, so the SQL stays small."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def compute_scope(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True, personal_data=True, is_town=True)

    role = user.role
    if role in TOWN_ROLES and user.branch_id:
        own = (user.branch.path,)
        return Scope(
            read_paths=own,
            write_paths=own if role == Role.TOWN_ADMIN else (),
            inspect_paths=own,
            personal_data=True,
            is_town=True,
        )
    if role in AREA_ROLES and user.area_id:
        paths = _minimal(list(Branch.objects.filter(area_id=user.area_id).values_list("path", flat=True)))
        return Scope(read_paths=paths, inspect_paths=paths)
    if role in BRANCH_ROLES and user.branch_id:
        own = (user.branch.path,)
        # Write access comes from an officer post and ends with its term.
        holds_post = (
            user.member_id is not None
            and OfficerPost.objects.current(timezone.localdate())
            .filter(member_id=user.member_id, branch__path__in=_ancestor_paths(user.branch.path))
            .exists()
        )
        return Scope(
            read_paths=own,
            write_paths=own if holds_post else (),
            personal_data=holds_post,
            own_member_id=user.member_id,
        )
    if role == Role.MEMBER and user.member_id:
        return Scope(own_member_id=user.member_id)
    return Scope()


def _ancestor_paths(path: str) -> list[str]:
    step = Branch.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


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
