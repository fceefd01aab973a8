from __future__ import annotations

from django.db.models import QuerySet

from .models import Role, User
from .scope import Cap, scope_for


def users_within(user, cap: Cap) -> QuerySet[User]:
    """Logins tied (by branch, area or member) to the part of the tree where ``user`` holds ``cap``."""
    scope = scope_for(user)
    if scope.everything:
        return User.objects.all()
    if not scope.has(cap):
        return User.objects.none()
    return User.objects.filter(
        scope.q(cap, "branch__") | scope.q(cap, "area__town__") | scope.q(cap, "member__branch__"),
        is_superuser=False,
    )


def users_manageable_by(user) -> QuerySet[User]:
    """Logins a town admin may manage: those tied to their part of the tree."""
    return users_within(user, Cap.MANAGE_LOGINS)


def may_manage_logins(user) -> bool:
    return user.is_active and user.is_staff and scope_for(user).has(Cap.MANAGE_LOGINS)


def responsible_users(branch_ids) -> dict[int, list[User]]:
    """Who is told about a branch's late work: its secretary and the head of its area.

    Three queries whatever the number of branches.
    """
    from branches.models import Branch

    branch_ids = set(branch_ids)
    found: dict[int, list[User]] = {pk: [] for pk in branch_ids}
    if not branch_ids:
        return found
    areas = dict(Branch.objects.filter(pk__in=branch_ids).values_list("pk", "area_id"))
    for user in User.objects.filter(is_active=True, role=Role.SECRETARY, branch_id__in=branch_ids):
        found[user.branch_id].append(user)
    heads: dict[int, list[User]] = {}
    for user in User.objects.filter(is_active=True, role=Role.AREA_HEAD, area_id__in={a for a in areas.values() if a}):
        heads.setdefault(user.area_id, []).append(user)
    for pk, area_id in areas.items():
        found[pk].extend(heads.get(area_id, []))
    return found


def login_ties_for(user) -> dict[str, QuerySet]:
    """What a login made or changed by ``user`` may be tied to: branch, area and member in their login scope."""
    from branches.models import Area, Branch
    from members.models import Member

    scope = scope_for(user)
    branches = Branch.objects.filter(scope.q(Cap.MANAGE_LOGINS))
    return {
        "branch": branches,
        "area": Area.objects.filter(town__in=branches),
        "member": Member.objects.filter(scope.q(Cap.MANAGE_LOGINS, "branch__")),
    }


def login_managers_of(user) -> QuerySet[User]:
    """The active logins that manage ``user``'s login (the town admins of their town): told of misuse."""
    from .scope import ROLE_CAPABILITIES, _ancestor_paths

    tie = user.branch or (user.area.town if user.area_id else None) or (user.member.branch if user.member_id else None)
    if tie is None:
        return User.objects.none()
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Cap.MANAGE_LOGINS in caps]
    return User.objects.filter(is_active=True, role__in=roles, branch__path__in=_ancestor_paths(tie.path)).exclude(
        pk=user.pk
    )
