from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.scope import Scope, scope_for
from branches.models import Branch
from branches.selectors import branches_visible_to

from .models import LEFT_PARTY_STANDINGS, Member, MemberTransfer

IN_GOOD_STANDING = ~Q(standing__in=LEFT_PARTY_STANDINGS)


def _member_q(scope: Scope) -> Q:
    if scope.everything:
        return Q()
    q = scope.read_q("branch__") if scope.read_paths else Q(pk__in=[])
    if scope.own_member_id:
        q |= Q(pk=scope.own_member_id)
    return q


def members_visible_to(user) -> QuerySet[Member]:
    return Member.objects.filter(_member_q(scope_for(user))).select_related("branch", "party_group")


def members_writable_by(user) -> QuerySet[Member]:
    return Member.objects.filter(scope_for(user).write_q("branch__")).select_related("branch", "party_group")


def get_member_for_user(user, pk: int, *, write: bool = False) -> Member:
    try:
        member = Member.objects.select_related("branch", "party_group").get(pk=pk)
    except (Member.DoesNotExist, ValueError):
        raise Http404 from None
    scope = scope_for(user)
    own = scope.own_member_id == member.pk
    if not (own or scope.can_read_branch(member.branch)):
        raise Http404
    if write and not scope.can_write_branch(member.branch):
        raise PermissionDenied
    return member


def can_see_personal_data(user, member: Member) -> bool:
    """ID number, phone and address unmasked? Own record, or a role that needs them."""
    scope = scope_for(user)
    if scope.own_member_id is not None and scope.own_member_id == member.pk:
        return True
    return scope.personal_data and scope.can_read_branch(member.branch)


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
