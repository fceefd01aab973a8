from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.scope import scope_for

from .models import Member
from .pii import mask_address, mask_id_number, mask_phone
from .selectors import can_see_personal_data, get_member_for_user, members_visible_to, transfers_of

PAGE_SIZE = 50


class MemberDisplay:
    """A member as templates see it: ID number, phone and address come masked
    unless the viewer may see them, so no template can print a raw value by mistake.

    Everything else is read through from the member.
    """

    __slots__ = ("_member", "personal_data_visible")

    def __init__(self, member: Member, personal_data_visible: bool):
        self._member = member
        self.personal_data_visible = personal_data_visible

    def __getattr__(self, name):
        return getattr(self._member, name)

    @property
    def id_number(self) -> str:
        value = self._member.id_number
        return value if self.personal_data_visible else mask_id_number(value)

    @property
    def phone(self) -> str:
        value = self._member.phone
        return value if self.personal_data_visible else mask_phone(value)

    @property
    def address(self) -> str:
        value = self._member.address
        return value if self.personal_data_visible else mask_address(value)


def display_members(user, members) -> list[MemberDisplay]:
    return [MemberDisplay(m, can_see_personal_data(user, m)) for m in members]


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
        "can_read_branch": scope.can_read_branch(member.branch),
        "can_edit_in_admin": request.user.is_staff and scope.can_write_branch(member.branch),
    }
    return render(request, "members/detail.html", context)


@login_required
def due_for_conversion(request):
    """Probationary members a year or more past joining, in what the user may see."""
    scope = scope_for(request.user)
    if not (scope.everything or scope.read_paths):
        # A list for those who follow up a branch, not for a member's own login.
        raise PermissionDenied
    qs = members_visible_to(request.user).due_for_conversion().order_by("joined_on", "name", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/due_for_conversion.html",
        {"page": page, "members": display_members(request.user, page.object_list)},
    )
