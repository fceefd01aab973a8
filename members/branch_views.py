"""Branch pages that show members: the tree with member counts and a branch's roster.

They are served under the ``branches`` namespace (``members.branch_urls``) with
the URL names ``branches:tree`` and ``branches:detail``; they live here because
they read members, and branches imports nothing from members.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from accounts.scope import Cap, scope_for
from branches.models import Branch, OfficerPost
from branches.selectors import (
    EXPIRING_WITHIN_DAYS,
    branches_visible_to,
    expiring_officer_posts_for,
    get_branch_for_user,
    with_days_left,
)

from .filters import FILTER_KEYS, STATUS_CHOICES, RosterFilter
from .models import COUNTED_LABEL, Member
from .presenters import GroupRow, chips_html, party_groups_html, roster_html, roster_rows, roster_values, tree_html
from .selectors import (
    branch_tree_for,
    members_of_tree,
    members_visible_to,
    party_group_counts,
    party_groups_of_tree,
)
from .views import PAGE_SIZE

# How many expiring terms the tree page lists before linking to the full page.
EXPIRING_ON_TREE = 5


@require_safe
@login_required
def tree(request):
    scope = scope_for(request.user)
    if not scope.has(Cap.READ):
        # A member login sees its own record only; it has no part of the tree.
        raise PermissionDenied
    is_town = scope.has(Cap.OVERVIEW)
    roots = branch_tree_for(request.user)
    context = {"roots": roots, "tree_html": tree_html(roots, open_top=True), "is_town": is_town}
    if is_town:
        # Town staff plan elections and conversions from here.
        expiring = expiring_officer_posts_for(request.user)
        context.update(
            expiring=with_days_left(expiring[:EXPIRING_ON_TREE]),
            expiring_count=expiring.count(),
            expiring_within_days=EXPIRING_WITHIN_DAYS,
            due_count=members_visible_to(request.user).due_for_conversion().count(),
        )
    return render(request, "branches/tree.html", context)


@require_safe
@login_required
def detail(request, pk: int):
    """A branch and its roster; a committee or general branch lists its whole subtree."""
    user = request.user
    branch = get_branch_for_user(user, pk=pk)
    scope = scope_for(user)
    # The parent, for the way back up, only if this user may open it (asked of the scope first: no query if not).
    parent_path = branch.path[: -Branch.steplen]
    parent = (
        branches_visible_to(user).filter(path=parent_path).select_related(None).only("pk", "name").first()
        if branch.depth > 1 and scope.reaches(Cap.READ, parent_path)
        else None
    )

    # The subtree the user may read, with member counts, in two queries (one for a branch with no sub-branches).
    nodes = branch_tree_for(user, root=branch)
    node = nodes[0] if nodes else None
    has_subtree = bool(node and node.children)

    # The branch's own posts: readable as the branch is (get_branch_for_user asked the scope), so no
    # scope filter joining the branch again.
    officers = sorted(
        OfficerPost.objects.filter(branch=branch)
        .current()
        .select_related("member")
        .only("post", "term_start", "term_end", "branch_id", "member__id", "member__name"),
        key=lambda p: (p.rank, p.term_start),
    )
    # Party groups as (pk, label, count) rows: a town's page has 100+; their counts come from the tree's query.
    group_counts = party_group_counts(node)
    party_groups = [
        GroupRow(pk=pk, label=f"{b.name} · {name}" if has_subtree else name, n_members=group_counts.get(pk, 0))
        for pk, name, b in party_groups_of_tree(node)
    ]

    roster = members_of_tree(node).by_pinyin()
    filterset = RosterFilter(
        request.GET or None,
        queryset=roster,
        request=request,
        party_group_choices=[(str(g.pk), g.label) for g in party_groups],
    )
    data = filterset.form.data if filterset.is_bound else {}
    filtered = any(data.get(f) for f in FILTER_KEYS)
    paginator = Paginator(roster_values(user, filterset.qs), PAGE_SIZE)
    if node is not None and not filtered:
        # Unfiltered, the roster is the members the tree counts (COUNTED, in the visible subtree):
        # its total saves a COUNT over the subtree (tests/pages/test_branch_page.py checks they agree).
        paginator.count = node.total_members
    page = paginator.get_page(request.GET.get("page"))
    rows = roster_rows(page.object_list, with_branch=has_subtree)

    context = {
        "branch": branch,
        "parent": parent,
        "node": node,
        "children": node.children if node else [],
        "children_html": tree_html(node.children if node else [], open_top=False),
        "has_subtree": has_subtree,
        "officers": officers,
        "party_groups": party_groups,
        "filterset": filterset,
        "filtered": filtered,
        "chips_html": chips_html(_chips(request, party_groups)),
        "party_groups_html": party_groups_html(party_groups),
        "page": page,
        "members": rows,
        "roster_html": roster_html(rows),
        "count_label": COUNTED_LABEL,
        "can_add": scope.covers(Cap.WRITE, branch),
        "can_search_phone": scope.covers(Cap.PERSONAL_DATA, branch),
        "can_edit_in_admin": user.is_staff and scope.covers(Cap.WRITE, branch),
    }
    return render(request, "branches/detail.html", context)


def _without(params, key: str) -> str:
    params = params.copy()
    params.pop(key, None)
    return params.urlencode()


def _chips(request, party_groups: list[GroupRow]) -> list[tuple[str, str, bool]]:
    """Filter chips (label, link, on): one tap each; tapping an active chip clears it."""

    base = request.GET.copy()
    base.pop("page", None)
    # The query string without one key, once per key: a town's page has a chip per party group (100+).
    without = {key: _without(base, key) for key in ("category", "status", "party_group")}

    def link(key: str, value: str) -> tuple[str, bool]:
        on = base.get(key) == value
        rest = without[key]
        if on:
            query = rest
        else:
            pair = urlencode({key: value})
            query = f"{rest}&{pair}" if rest else pair
        return (f"?{query}" if query else "?") + "#roster", on

    chips = [(str(Member.Category.PROBATIONARY.label), *link("category", Member.Category.PROBATIONARY))]
    chips += [(str(label), *link("status", value)) for value, label in STATUS_CHOICES]
    for g in party_groups:
        chips.append((g.label, *link("party_group", str(g.pk))))
    return chips
