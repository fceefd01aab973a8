"""The branches app's own page: officer terms ending soon.

The pages that show a branch with its members (the tree with member counts, a
branch's roster) live in ``members.branch_views``: they need members, and
branches imports nothing from members. ``members.branch_urls`` serves all three
under the ``branches`` namespace.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.scope import Cap, scope_for

from .selectors import EXPIRING_WITHIN_DAYS, expiring_terms_for


@require_safe
@login_required
def expiring_terms(request):
    """Officer terms ending within 90 days: town staff prepare the elections."""
    if not scope_for(request.user).has(Cap.OVERVIEW):
        raise PermissionDenied
    posts = expiring_terms_for(request.user)
    return render(request, "branches/expiring_terms.html", {"posts": posts, "within_days": EXPIRING_WITHIN_DAYS})
