from __future__ import annotations

from django.shortcuts import redirect, render

from .scope import BRANCH_ROLES, scope_for


def home(request):
    """Send each role to the page it works from.

    Town roles and area roles land on the tree (already cut to what they may
    see), branch roles on their branch, a member on their own record.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    scope = scope_for(user)
    if scope.is_anonymous:
        # A login nobody has tied to a branch, area or member yet.
        return render(request, "accounts/no_scope.html")
    if scope.is_town:
        return redirect("branches:tree")
    if user.role in BRANCH_ROLES and user.branch_id:
        return redirect("branches:detail", pk=user.branch_id)
    if scope.read_paths:
        return redirect("branches:tree")
    return redirect("members:detail", pk=scope.own_member_id)
