from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.http import Http404

from accounts.scope import Cap, Scope, get_object_for_user, scope_for
from branches.models import Branch, PartyGroup
from branches.selectors import branches_visible_to, town_of
from branches.tree_cache import cached_subtree

from .models import COUNTED, Member, MemberTransfer, RosterImport

# Kept for callers that imported the old name: the one definition is models.COUNTED.
IN_GOOD_STANDING = COUNTED


def _member_q(scope: Scope) -> Q:
    if scope.own_member_id and not scope.everything:
        # "branch path LIKE … OR id = own" (over a join, or with a subquery) cannot use an index:
        # at seed_demo --scale 40 a secretary's API list scanned all 108,000 rows (79 ms). With the
        # branch ids written out, PostgreSQL ORs two index scans.
        return scope.id_q(Cap.READ, "branch__") | Q(pk=scope.own_member_id)
    # By branch ID, not by the branch path over a join: a town admin's page among 40 towns' members
    # walks the pinyin index testing each row's own branch column (3 ms, against 7-12 ms joined).
    return scope.id_q(Cap.READ, "branch__")


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


def phone_if_visible(user):
    """An expression for ``.values()``/``.annotate()``: the phone where the user may see it, else ""."""
    scope = scope_for(user)
    if scope.everything:
        return F("phone")
    visible = scope.q(Cap.PERSONAL_DATA, "branch__")
    if scope.own_member_id:
        visible |= Q(pk=scope.own_member_id)
    return Case(When(visible, then=F("phone")), default=Value(""), output_field=CharField())


def transfers_of(member: Member) -> QuerySet[MemberTransfer]:
    return member.transfers.select_related("from_branch", "to_branch", "recorded_by", "decided_by")


def transfers_visible_to(user) -> QuerySet[MemberTransfer]:
    """Transfers out of or into what the user may read: a receiving secretary sees what waits for her."""
    scope = scope_for(user)
    if scope.everything:
        q = Q()
    else:
        q = scope.q(Cap.READ, "from_branch__")
        if scope.has(Cap.READ):
            q |= scope.q(Cap.READ, "to_branch__")
    return MemberTransfer.objects.filter(q).select_related(
        "member", "from_branch", "to_branch", "recorded_by", "decided_by"
    )


def transfers_waiting_for(user) -> QuerySet[MemberTransfer]:
    """Pending transfers the user may accept or reject."""
    return transfers_visible_to(user).filter(
        scope_for(user).q(Cap.WRITE, "to_branch__"), status=MemberTransfer.Status.PENDING
    )


def transfer_actions_for(user, transfer: MemberTransfer) -> dict[str, bool]:
    scope = scope_for(user)
    pending = transfer.status == MemberTransfer.Status.PENDING
    receiving = pending and scope.covers(Cap.WRITE, transfer.to_branch)
    return {
        "accept": receiving,
        "reject": receiving,
        "cancel": pending and scope.covers(Cap.WRITE, transfer.from_branch),
    }


def get_transfer_for_user(user, pk: int) -> MemberTransfer:
    """A transfer the user may see (either end in read scope), else 404; who may act is asked separately."""
    try:
        return transfers_visible_to(user).get(pk=pk)
    except (MemberTransfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class TreeNode:
    branch: Branch
    own_members: int = 0
    total_members: int = 0
    children: list[TreeNode] = field(default_factory=list)
    # The branch's own members by party group id (None: in no group), from the same query as the counts.
    own_by_group: dict[int | None, int] = field(default_factory=dict)

    def walk(self):
        """This node and every node below it."""
        yield self
        for child in self.children:
            yield from child.walk()


def branch_tree_for(user, root: Branch | None = None) -> list[TreeNode]:
    """The visible tree with member counts in a fixed number of queries, whatever its size.

    Counts are 党员人数 as defined once in ``members.models.COUNTED``, grouped
    by branch and party group in one query and summed up the tree in Python, so
    a page that shows both the tree and its party groups counts once.

    A branch's page whose whole subtree the user may read (a town committee's for town staff,
    a secretary's own branch) takes the subtree, its counts and its party groups from the
    cache (``branches.tree_cache``) while no member, branch or party group has changed.
    """
    scope = scope_for(user)
    if root is not None and scope.covers(Cap.READ, root):
        return _covered_tree(root)
    if root is None and not scope.everything:
        # The whole tree a town's staff (or a secretary) may read is their own branch's subtree: from the
        # cache, as that branch's page takes it. (An area head reads several branches: counted below.)
        home = user.branch if user.branch_id else None
        if home is not None and scope.paths.get(Cap.READ, ()) == (home.path,):
            return _covered_tree(home)
    qs = branches_visible_to(user)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    # The columns the tree and the pages built on it read: no area, no treebeard counters.
    branches = list(qs.select_related(None).only(*_TREE_COLUMNS[1:]).order_by("path"))
    return _build_tree(branches, _counts_by_branch([b.pk for b in branches]))


# The branch columns a tree node carries (the rest are deferred, as ``.only()`` leaves them), in the
# model's field order: ``Model.from_db`` takes a subset of the fields in that order.
_TREE_COLUMNS = ("id", "path", "depth", "name", "kind", "is_active")


def _counts_by_branch(branch_ids: list[int]) -> dict[int, dict[int | None, int]]:
    """党员人数 by branch id, then by party group id (None: in no group), in one query."""
    by_branch: dict[int, dict[int | None, int]] = {}
    for branch_id, group_id, n in (
        Member.objects.filter(COUNTED, branch__in=branch_ids)
        .values_list("branch_id", "party_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_branch.setdefault(branch_id, {})[group_id] = n
    return by_branch


def _build_tree(branches: list[Branch], by_branch: dict[int, dict[int | None, int]]) -> list[TreeNode]:
    nodes = {}
    for b in branches:
        groups = by_branch.get(b.pk, {})
        nodes[b.path] = TreeNode(branch=b, own_members=sum(groups.values()), own_by_group=groups)
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


def _subtree_facts(root: Branch) -> tuple[list[tuple], dict[int, dict[int | None, int]], list[tuple[int, str, int]]]:
    """What a subtree's tree and party groups are built from, as plain values for the cache: its
    branches' columns (``_TREE_COLUMNS``) in path order, the counts, the party groups' (pk, name, branch id)."""
    if root.numchild == 0:
        # A branch with no sub-branches (a secretary's own page): the tree is the root alone.
        rows = [tuple(getattr(root, "pk" if f == "id" else f) for f in _TREE_COLUMNS)]
    else:
        rows = list(Branch.objects.filter(path__startswith=root.path).order_by("path").values_list(*_TREE_COLUMNS))
    ids = [r[0] for r in rows]
    groups = list(PartyGroup.objects.filter(branch_id__in=ids).values_list("pk", "name", "branch_id"))
    return rows, _counts_by_branch(ids), groups


def _covered_tree(root: Branch) -> list[TreeNode]:
    """``branch_tree_for`` of a root whose whole subtree the user may read: from the cache."""
    rows, by_branch, groups = cached_subtree(root.pk, root.path, lambda: _subtree_facts(root))
    if root.numchild == 0 and len(rows) == 1:
        branches = [root]
    else:
        from_db = Branch.from_db
        branches = [from_db(root._state.db, _TREE_COLUMNS, row) for row in rows]
    roots = _build_tree(branches, by_branch)
    if roots:
        # party_groups_of_tree reads them from here, not from the database again.
        roots[0]._subtree_groups = groups
    return roots


def members_of_tree(node: TreeNode | None):
    """The members of a subtree from :func:`branch_tree_for`: its nodes are the branches the
    user's scope lets them read, so their ids stand for the scope (no path match over a join)."""
    if node is None:
        return Member.objects.none()
    return Member.objects.filter(branch_id__in=[n.branch.pk for n in node.walk()])


def party_groups_of_tree(node: TreeNode | None) -> list[tuple[int, str, Branch]]:
    """``(pk, name, branch)`` of the party groups in a subtree from :func:`branch_tree_for`, by
    branch in tree order and in creation order within a branch (第一, 第二, 第三…)."""
    branches = {n.branch.pk: n.branch for n in node.walk()} if node else {}
    rows = getattr(node, "_subtree_groups", None)
    if rows is None:
        rows = PartyGroup.objects.filter(branch_id__in=branches).values_list("pk", "name", "branch_id")
    else:  # read with the tree (branch_tree_for); the subtree's, so only the branches shown are kept
        rows = [row for row in rows if row[2] in branches]
    return sorted(((pk, name, branches[b]) for pk, name, b in rows), key=lambda g: (g[2].path, g[0]))


def party_group_counts(node: TreeNode | None) -> dict[int | None, int]:
    """党员人数 by party group over a node's subtree (None: members in no group)."""
    counts: dict[int | None, int] = {}
    for n in node.walk() if node else ():
        for group_id, k in n.own_by_group.items():
            counts[group_id] = counts.get(group_id, 0) + k
    return counts


def transfer_targets_for(member: Member) -> QuerySet[Branch]:
    """Where a member may be transferred within the town: its other active branches (names are public)."""
    town = town_of(member.branch)
    qs = Branch.objects.filter(is_active=True).exclude(pk=member.branch_id).exclude(kind=Branch.Kind.COMMITTEE)
    if town is not None:
        qs = qs.filter(path__startswith=town.path)
    return qs.order_by("path")


@dataclass(frozen=True)
class ImportReach:
    """Where the user's roster import lands: the whole town, or the branches named."""

    whole_town: bool
    names: list[str]


def import_reach_for(user) -> ImportReach:
    """The top branches of the user's import scope, for the import page to say up front."""
    from .roster import allowed_branch_ids_for

    allowed = allowed_branch_ids_for(user)
    if allowed is None:
        return ImportReach(whole_town=True, names=[])
    branches = list(Branch.objects.filter(pk__in=allowed).only("path", "name", "unit").order_by("path"))
    paths = {b.path for b in branches}
    tops = [b for b in branches if not any(b.path.startswith(p) and b.path != p for p in paths)]
    whole = any(b.unit in (Branch.Unit.TOWN, Branch.Unit.DISTRICT) for b in tops)
    return ImportReach(whole_town=whole, names=[b.name for b in tops])
