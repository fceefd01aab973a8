"""The branches app's own page: officer terms ending soon.

The pages that show a branch with its members (the tree with member counts, a
branch's roster) live in ``members.branch_views``: they need members, and
branches imports nothing from members. ``members.branch_urls`` serves all three
under the ``branches`` namespace.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.scope import Cap, scope_for

from .presenters import expiring_rows_html
from .selectors import EXPIRING_WITHIN_DAYS, expiring_officer_posts_for, with_days_left

PAGE_SIZE = 50


@require_safe
@login_required
def expiring_terms(request):
    """Officer terms ending within 90 days: town staff prepare the elections."""
    if not scope_for(request.user).has(Cap.OVERVIEW):
        raise PermissionDenied
    page = Paginator(expiring_officer_posts_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    posts = with_days_left(page.object_list)
    context = {"page": page, "posts": posts, "rows_html": expiring_rows_html(posts), "within_days": EXPIRING_WITHIN_DAYS}
    return render(request, "branches/expiring_terms.html", context)
