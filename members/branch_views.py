"""Branch pages that show members: the tree with member counts and a branch's roster.

They are served under the ``branches`` namespace (``members.branch_urls``) with
the URL names ``branches:tree`` and ``branches:detail``; they live here because
they read members, and branches imports nothing from members.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from accounts.scope import Cap, scope_for
from branches.models import Branch
from branches.selectors import (
    EXPIRING_WITHIN_DAYS,
    branches_visible_to,
    expiring_terms_for,
    get_branch_for_user,
    officer_posts_visible_to,
    party_groups_visible_to,
)

from .filters import STATUS_CHOICES, RosterFilter
from .models import COUNTED_LABEL, Member, counted_q
from .presenters import chips_html, party_groups_html, roster_html, roster_rows, roster_values, tree_html
from .selectors import branch_tree_for, members_visible_to
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
        expiring = expiring_terms_for(request.user)
        context.update(
            expiring=expiring[:EXPIRING_ON_TREE],
            expiring_count=len(expiring),
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
    # The parent, for the way back up, only if this user may open it.
    parent = branches_visible_to(user).filter(path=branch.path[: -Branch.steplen]).first() if branch.depth > 1 else None

    # The subtree with member counts, in two queries.
    nodes = branch_tree_for(user, root=branch)
    node = nodes[0] if nodes else None
    has_subtree = bool(node and node.children)

    officers = sorted(
        officer_posts_visible_to(user).filter(branch=branch).current(), key=lambda p: (p.rank, p.term_start)
    )
    party_groups = list(
        party_groups_visible_to(user)
        .filter(branch__path__startswith=branch.path)
        .annotate(n_members=Count("members", filter=counted_q("members__")))
        .order_by("branch__path", "pk")  # creation order: 第一, 第二, 第三…
    )

    roster = members_visible_to(user).in_subtree(branch).by_pinyin()
    filterset = RosterFilter(
        request.GET or None,
        queryset=roster,
        request=request,
        party_groups=party_groups,
        group_labels=(lambda g: f"{g.branch.name} · {g.name}") if has_subtree else None,
    )
    page = Paginator(roster_values(user, filterset.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    data = filterset.form.data if filterset.is_bound else {}
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
        "filtered": any(data.get(f) for f in ("q", "category", "status", "standing", "party_group")),
        "chips_html": chips_html(_chips(request, party_groups, has_subtree)),
        "party_groups_html": party_groups_html(party_groups, with_branch=has_subtree),
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


def _chips(request, party_groups, has_subtree) -> list[tuple[str, str, bool]]:
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
        chips.append((f"{g.branch.name} · {g.name}" if has_subtree else g.name, *link("party_group", str(g.pk))))
    return chips
