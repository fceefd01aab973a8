from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.scope import Cap, scope_for

from .presenters import MemberDisplay, due_rows_html
from .selectors import can_see_personal_data, get_member_for_user, members_visible_to, transfers_of

PAGE_SIZE = 50


@require_safe
@login_required
def detail(request, pk: int):
    member = get_member_for_user(request.user, pk)
    scope = scope_for(request.user)
    today = timezone.localdate()
    posts = list(member.officer_posts.select_related("branch").order_by("-term_start"))
    for post in posts:
        post.current = post.is_current(today)
    context = {
        "member": MemberDisplay(member, can_see_personal_data(request.user, member)),
        "transfers": list(transfers_of(member)),
        "posts": posts,
        "can_read_branch": scope.covers(Cap.READ, member.branch),
        "can_edit_in_admin": request.user.is_staff and scope.covers(Cap.WRITE, member.branch),
        "can_change": scope.covers(Cap.WRITE, member.branch) and not member.transferred_out_on,
    }
    return render(request, "members/detail.html", context)


@require_safe
@login_required
def due_for_conversion(request):
    """Probationary members a year or more past joining, in what the user may see."""
    if not scope_for(request.user).has(Cap.READ):
        # A list for those who follow up a branch, not for a member's own login.
        raise PermissionDenied
    # The columns the list prints, none of them personal data (members.personal_data.POLICY).
    qs = (
        members_visible_to(request.user)
        .due_for_conversion()
        .select_related(None)
        .order_by("joined_on", "name", "id")
        .values_list("pk", "name", "joined_on", "branch__name", named=True)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/due_for_conversion.html",
        {"page": page, "members": page.object_list, "rows_html": due_rows_html(page.object_list)},
    )
