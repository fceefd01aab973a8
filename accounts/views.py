from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from portal.home import home_url_for

from .scope import Cap, scope_for


@require_safe
def home(request):
    """Send each role to the page it works from.

    A page an app registers for the user's scope comes first (``portal.home``:
    the town office lands on this quarter at a glance); otherwise branch
    officers land on their branch, everyone else who reads part of the tree on
    the tree (already cut to what they may see), a member on their own record.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(user)
    if scope.is_anonymous:
        # A login nobody has tied to a branch, area or member yet.
        return render(request, "accounts/no_scope.html")
    offered = home_url_for(request, scope)
    if offered:
        return redirect(offered)
    if scope.home_branch_id:
        return redirect("branches:detail", pk=scope.home_branch_id)
    if scope.has(Cap.READ):
        return redirect("branches:tree")
    return redirect("members:detail", pk=scope.own_member_id)
