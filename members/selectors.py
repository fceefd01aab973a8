from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from accounts.scope import Cap, Scope, get_object_for_user, scope_for
from branches.models import Branch
from branches.selectors import branches_visible_to

from .models import LEFT_PARTY_STANDINGS, Member, MemberTransfer, RosterImport

IN_GOOD_STANDING = ~Q(standing__in=LEFT_PARTY_STANDINGS)


def _member_q(scope: Scope) -> Q:
    q = scope.q(Cap.READ, "branch__")
    if scope.own_member_id and not scope.everything:
        q |= Q(pk=scope.own_member_id)
    return q


def _is_own(member: Member, scope: Scope) -> bool:
    return scope.own_member_id is not None and scope.own_member_id == member.pk


def members_visible_to(user) -> QuerySet[Member]:
    return Member.objects.filter(_member_q(scope_for(user))).select_related("branch", "party_group")


def members_writable_by(user) -> QuerySet[Member]:
    return Member.objects.filter(scope_for(user).q(Cap.WRITE, "branch__")).select_related("branch", "party_group")


def get_member_for_user(user, pk: int, *, write: bool | Cap = False) -> Member:
    """The member if the user may read them (their own record, or in read scope); 404/403 otherwise."""
    return get_object_for_user(
        Member.objects.select_related("branch", "party_group"), user, pk, write=write, also_readable=_is_own
    )


def can_see_personal_data(user, member: Member) -> bool:
    """ID number, phone and address unmasked? Own record, or a role that needs them for this branch."""
    scope = scope_for(user)
    return _is_own(member, scope) or scope.covers(Cap.PERSONAL_DATA, member.branch)


def roster_imports_reportable_to(user) -> QuerySet[RosterImport]:
    """Imports whose error report ``user`` may download: their own, or any by a login they manage."""
    from accounts.selectors import users_within

    return RosterImport.objects.filter(Q(uploaded_by=user) | Q(uploaded_by__in=users_within(user, Cap.MANAGE_LOGINS)))


def transfers_of(member: Member) -> QuerySet[MemberTransfer]:
    return member.transfers.select_related("from_branch", "to_branch", "recorded_by")


@dataclass
class TreeNode:
    branch: Branch
    own_members: int = 0
    total_members: int = 0
    children: list[TreeNode] = field(default_factory=list)


def branch_tree_for(user, root: Branch | None = None) -> list[TreeNode]:
    """The visible tree with member counts in a fixed number of queries, whatever its size.

    Counts are of members in good standing (not stopped or expelled), grouped in
    one query and summed up the tree in Python.
    """
    qs = branches_visible_to(user)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    branches = list(qs.order_by("path"))
    counts = dict(
        Member.objects.filter(IN_GOOD_STANDING, branch__in=qs).values_list("branch_id").annotate(n=Count("pk")).order_by()
    )
    nodes = {b.path: TreeNode(branch=b, own_members=counts.get(b.pk, 0)) for b in branches}
    roots: list[TreeNode] = []
    step = Branch.steplen
    for path, node in nodes.items():
        parent = nodes.get(path[:-step])
        (parent.children if parent else roots).append(node)
    # Deepest first, so each child's total is known before its parent's.
    for path in sorted(nodes, key=len, reverse=True):
        node = nodes[path]
        node.total_members = node.own_members + sum(c.total_members for c in node.children)
    return roots
