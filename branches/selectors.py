from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from accounts.scope import Cap, get_object_for_user, scope_for

from .models import Area, Branch, OfficerPost, PartyGroup


def branches_visible_to(user) -> QuerySet[Branch]:
    return Branch.objects.filter(scope_for(user).read_q()).select_related("area")


def branches_writable_by(user) -> QuerySet[Branch]:
    return branches_where(user, Cap.WRITE)


def branches_where(user, cap: Cap) -> QuerySet[Branch]:
    """The branches over which the user holds ``cap``."""
    return Branch.objects.filter(scope_for(user).q(cap)).select_related("area")


def get_branch_for_user(user, *, pk: int | None = None, code: str | None = None, write: bool | Cap = False) -> Branch:
    """The branch if the user may read it (and write it, with ``write``): 404 outside, 403 read-only."""
    lookup, value = ("pk", pk) if pk is not None else ("code", code)
    return get_object_for_user(
        Branch.objects.select_related("area"), user, value, write=write, via="", lookup=lookup
    )


def party_groups_visible_to(user) -> QuerySet[PartyGroup]:
    return PartyGroup.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def areas_visible_to(user) -> QuerySet[Area]:
    if scope_for(user).everything:
        return Area.objects.all()
    return Area.objects.filter(branches__in=branches_visible_to(user)).distinct()


def officer_posts_visible_to(user) -> QuerySet[OfficerPost]:
    return OfficerPost.objects.filter(scope_for(user).read_q("branch__")).select_related("branch", "member")


EXPIRING_WITHIN_DAYS = 90


def expiring_officer_posts_for(user, within_days: int = EXPIRING_WITHIN_DAYS) -> QuerySet[OfficerPost]:
    """Terms ending soon, for town staff to plan the next election: the columns the lists print."""
    return (
        officer_posts_visible_to(user)
        .expiring(within_days)
        .only("post", "term_start", "term_end", "branch__id", "branch__name", "member__id", "member__name")
        .order_by("term_end", "pk")
    )


def with_days_left(posts) -> list[OfficerPost]:
    """The posts as a list, each with ``days_left`` until its term ends."""
    today = timezone.localdate()
    posts = list(posts)
    for post in posts:
        post.days_left = (post.term_end - today).days
    return posts


def town_of(branch: Branch) -> Branch | None:
    """The town committee a branch sits under (itself for a town); the root where there is no town."""
    step = Branch.steplen
    ancestors = [branch.path[:i] for i in range(step, len(branch.path) + 1, step)]
    found = {b.path: b for b in Branch.objects.filter(path__in=ancestors)}
    for path in reversed(ancestors):
        if path in found and found[path].unit == Branch.Unit.TOWN:
            return found[path]
    return found.get(ancestors[0])
