"""A branch's subtree with its member counts and party groups, kept in the shared cache.

A town committee's page shows its whole tree with 党员人数 per branch and per party group:
two queries that read every member row of the town (3-4 ms of a 15 ms page), for figures
that change only when a member, a branch or a party group does. So what they come to is
kept per subtree root (:func:`cached_subtree`) under one *generation*, renewed by every
change to what they are read from:

- a member saved or deleted (post_save/post_delete of ``members.Member``, connected by name:
  branches imports nothing from members), which covers additions, transfers, standing and
  category changes, 转出 and deletions;
- a branch saved or deleted (a new branch, a rename, a dissolution; ``services.branch_move``
  saves the moved branch after treebeard rewrote the paths below it in SQL);
- a party group saved or deleted (deleting one clears its members' group in SQL, behind
  Member's signals).

Writes behind the signals' back (``bulk_create``, ``bulk_update``, ``QuerySet.update``, COPY)
must call :func:`forget_trees` themselves: the roster import and the demo seeding do.
``TREE_TTL`` bounds what a missed one could leave.

As in :mod:`meetings.figures_cache`: the generation is a random token, never a counter (an
emptied cache cannot bring an old value back under a reused number); it is renewed at once
and again when the transaction commits, and read before counting, so figures counted from
rows a concurrent change was replacing are never read again. With the cache unavailable
the figures are counted every time, as without it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "branches:tree:generation"
GENERATION_TTL = 30 * 24 * 60 * 60
TREE_TTL = 10 * 60
# Raised when what is kept changes shape: values of an older release are then never read.
VERSION = 1

T = TypeVar("T")


def _token() -> str:
    return uuid.uuid4().hex


def cached_subtree(root_id: int, root_path: str, compute: Callable[[], T]) -> T:
    """``compute()`` for the subtree rooted at ``root_id``/``root_path``, from the cache while no
    member, branch or party group has changed since it was kept."""
    key = f"branches:tree:v{VERSION}:{root_id}:{root_path}"
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        cached = found.get(key)
        if generation is not None and isinstance(cached, tuple) and len(cached) == 2 and cached[0] == generation:
            return cached[1]
        if generation is None:
            fresh = _token()
            generation = fresh if cache.add(GENERATION_KEY, fresh, GENERATION_TTL) else cache.get(GENERATION_KEY)
    except Exception:  # the cache is down: count, as without it
        logger.warning("branches: cache unavailable, counting the tree", exc_info=True)
        return compute()
    value = compute()
    if generation is not None:
        try:
            cache.set(key, (generation, value), TREE_TTL)
        except Exception:
            logger.warning("branches: cache unavailable, the tree not kept", exc_info=True)
    return value


def forget_trees(*args, **kwargs) -> None:
    """Every kept subtree is dropped, now and again once the transaction commits. Call it after
    writing members, branches or party groups behind their signals (bulk writes, COPY); it is
    also the signal receiver."""

    def renew():
        try:
            cache.set(GENERATION_KEY, _token(), GENERATION_TTL)
        except Exception:
            logger.warning("branches: cache unavailable, the kept trees expire on their own", exc_info=True)

    renew()
    transaction.on_commit(renew)


def connect_signals() -> None:
    """Renew the generation on every change to what the trees are counted from (BranchesConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    for model in ("members.Member", "branches.Branch", "branches.PartyGroup"):
        name = model.split(".")[1]
        post_save.connect(forget_trees, sender=model, dispatch_uid=f"branches_tree_save_{name}")
        post_delete.connect(forget_trees, sender=model, dispatch_uid=f"branches_tree_delete_{name}")
