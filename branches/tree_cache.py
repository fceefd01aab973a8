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

The generation is :mod:`portal.generations`' (as the compliance figures'): a random token,
renewed at once and again when the transaction commits; with the cache unavailable the figures
are counted every time, as without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from portal import generations

GENERATION_KEY = "branches:tree:generation"
TREE_TTL = 10 * 60
# Raised when what is kept changes shape: values of an older release are then never read.
VERSION = 1

T = TypeVar("T")


def cached_subtree(root_id: int, root_path: str, compute: Callable[[], T]) -> T:
    """``compute()`` for the subtree rooted at ``root_id``/``root_path``, from the cache while no
    member, branch or party group has changed since it was kept."""
    key = f"branches:tree:v{VERSION}:{root_id}:{root_path}"
    return generations.kept(GENERATION_KEY, key, compute, ttl=TREE_TTL, what="the branch trees")


def forget_trees(*args, **kwargs) -> None:
    """Every kept subtree is dropped, now and again once the transaction commits. Call it after
    writing members, branches or party groups behind their signals (bulk writes, COPY); it is
    also the signal receiver."""
    generations.renew([GENERATION_KEY], what="the branch trees")


def connect_signals() -> None:
    """Renew the generation on every change to what the trees are counted from (BranchesConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    for model in ("members.Member", "branches.Branch", "branches.PartyGroup"):
        name = model.split(".")[1]
        post_save.connect(forget_trees, sender=model, dispatch_uid=f"branches_tree_save_{name}")
        post_delete.connect(forget_trees, sender=model, dispatch_uid=f"branches_tree_delete_{name}")
