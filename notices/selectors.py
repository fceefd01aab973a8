from __future__ import annotations

from django.db.models import QuerySet

from accounts.scope import get_object_for_user, scope_for

from .models import Flag, Notice


def notices_of(user) -> QuerySet[Notice]:
    """A user's own notices; nobody reads another's."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notices_of(user).filter(read_at__isnull=True).count()


def get_notice_for_user(user, pk) -> Notice:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(notices_of(user), pk=pk)


def flags_visible_to(user) -> QuerySet[Flag]:
    return Flag.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def get_flag_for_user(user, pk) -> Flag:
    return get_object_for_user(Flag.objects.select_related("branch"), user, pk)
