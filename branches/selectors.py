from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.scope import scope_for

from .models import Area, Branch, OfficerPost, PartyGroup


def branches_visible_to(user) -> QuerySet[Branch]:
    return Branch.objects.filter(scope_for(user).read_q()).select_related("area")


def branches_writable_by(user) -> QuerySet[Branch]:
    return Branch.objects.filter(scope_for(user).write_q()).select_related("area")


def get_branch_for_user(user, *, pk: int | None = None, code: str | None = None, write: bool = False) -> Branch:
    """The branch if the user may read it (and write it, with ``write``).

    Not visible: 404, so a URL does not tell an outsider that the branch exists.
    Visible but read-only: 403.
    """
    lookup = {"pk": pk} if pk is not None else {"code": code}
    try:
        branch = Branch.objects.select_related("area").get(**lookup)
    except (Branch.DoesNotExist, ValueError):
        raise Http404 from None
    scope = scope_for(user)
    if not scope.can_read_branch(branch):
        raise Http404
    if write and not scope.can_write_branch(branch):
        raise PermissionDenied
    return branch


def party_groups_visible_to(user) -> QuerySet[PartyGroup]:
    return PartyGroup.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def areas_visible_to(user) -> QuerySet[Area]:
    scope = scope_for(user)
    if scope.everything:
        return Area.objects.all()
    return Area.objects.filter(branches__in=branches_visible_to(user)).distinct()


def officer_posts_visible_to(user) -> QuerySet[OfficerPost]:
    return OfficerPost.objects.filter(scope_for(user).read_q("branch__")).select_related("branch", "member")


def expiring_officer_posts_for(user, within_days: int = 90) -> QuerySet[OfficerPost]:
    """Terms ending soon, for town staff to plan the next election."""
    return officer_posts_visible_to(user).expiring(within_days).order_by("term_end")
