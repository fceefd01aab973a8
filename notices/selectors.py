from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from accounts.scope import get_object_for_user, scope_for

from .models import Flag, Notice

logger = logging.getLogger(__name__)


def notices_of(user) -> QuerySet[Notice]:
    """A user's own notices; nobody reads another's."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user)


# Every page's navigation shows the unread count. It is kept in the cache (shared Redis in
# production) and forgotten whenever a notice is sent, read or changed (``forget_unread``); the TTL
# bounds what a change made behind the services' back could leave.
UNREAD_TTL_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"notices:unread:{user_id}"


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    try:
        n = cache.get(key)
    except Exception:  # the cache is down: count in the database, as without it
        logger.warning("notices: cache unavailable, counting unread notices in the database", exc_info=True)
        n = None
    if n is None:
        n = notices_of(user).filter(read_at__isnull=True).count()
        try:
            cache.set(key, n, UNREAD_TTL_SECONDS)
        except Exception:
            pass
    return n


def forget_unread(user_ids: Iterable[int]) -> None:
    """Drop the cached unread counts of these users, now and again when the transaction commits
    (a page rendered in between must not keep the count from before the change)."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    if not keys:
        return

    def forget():
        try:
            cache.delete_many(keys)
        except Exception:
            logger.warning("notices: cache unavailable, unread counts expire on their own", exc_info=True)

    forget()
    transaction.on_commit(forget)


def notice_changed(sender, instance, **kwargs):
    """post_save/post_delete of a Notice (the services, the admin): its reader's count changes."""
    forget_unread([instance.recipient_id])


def get_notice_for_user(user, pk) -> Notice:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(notices_of(user), pk=pk)


def flags_visible_to(user) -> QuerySet[Flag]:
    return Flag.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def get_flag_for_user(user, pk) -> Flag:
    return get_object_for_user(Flag.objects.select_related("branch"), user, pk)
