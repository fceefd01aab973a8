"""Compliance figures (what meetings' compliance comes to, branch by branch) kept in the shared cache.

Compliance is counted from every meeting of a town's year and its branches' rules: the
town office's dashboard (:mod:`assessment.dashboard`), the compliance matrix, a branch's
calendar and the compliance API. What one branch's figures come to changes only when one
of its meetings (or a meeting's types) changes, or when a meeting rule or type, a branch, a
party group or an area does, or when the day does (callers put the day in the key).

So the figures are kept per branch (:func:`branch_figures`): under a key per purpose (the
window, the day) and branch, each with two *generations*, the shared one and the branch's
own. A meeting saved or deleted, or its types changed, renews its branch's generation (both
branches' should it move); a rule, a meeting type, a branch, a party group or an area renews
the shared one, which drops every branch's figures. The signals are connected in
:meth:`meetings.apps.MeetingsConfig.ready`. Once a meeting's change commits, that one branch
is counted again for today's views (:func:`recounts`), so the next view takes every branch from
the cache; the totals (per area, per rule, the town's) are summed by the callers from the
branches' parts, every time.

A generation (:mod:`portal.generations`) is renewed at once and again when the transaction commits: figures counted in
between, from the rows before the change, are then never read again. A figure is used only
while it carries both current generations; the generations and the figures are read in one
round trip, the branches missing counted together (in a fixed number of queries) and kept in
another. A generation is a random token, never a counter, so a cache that was emptied cannot
bring back an old figure under a reused number. ``FIGURES_TTL`` bounds what a change made
behind the signals' back (a bulk update) could leave; the demo seeding, which writes meetings
in bulk, forgets the figures itself (:func:`forget_figures`). With the cache unavailable the
figures are counted every time, as without it.

:func:`cached_figures` keeps a whole result under the shared generation alone: only for what
no meeting changes (the dashboard's units and which branches they are made of).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal import generations

logger = logging.getLogger(__name__)

GENERATION_KEY = "meetings:figures:generation"
FIGURES_TTL = 10 * 60
# In every figure's key: to be changed with the shape of what is kept, so that a deploy never reads the
# figures an older version kept.
FIGURES_VERSION = 2

T = TypeVar("T")


def branch_generation_key(branch_id: int) -> str:
    return f"{GENERATION_KEY}:branch:{branch_id}"


def branch_figures(
    purpose: str, branch_ids: Iterable[int], count: Callable[[list[int]], Mapping[int, T]]
) -> dict[int, T | None]:
    """Per branch id, its figures for ``purpose``: from the cache while neither its meetings nor the
    shared things (rules, types, branches, party groups, areas) changed, else ``count(ids)`` for all
    the branches missing at once (None for a branch it leaves out).

    ``purpose`` must say everything else the figures depend on (the window, the day, the language).
    """
    ids = list(dict.fromkeys(branch_ids))
    keys = {pk: f"meetings:figures:v{FIGURES_VERSION}:{purpose}:{pk}" for pk in ids}
    generation_keys = {pk: branch_generation_key(pk) for pk in ids}
    try:
        found = cache.get_many([GENERATION_KEY, *generation_keys.values(), *keys.values()])
    except Exception:  # the cache is down: count, as without it
        logger.warning("meetings: cache unavailable, counting the compliance figures", exc_info=True)
        counted = count(ids)
        return {pk: counted.get(pk) for pk in ids}
    shared = found.get(GENERATION_KEY)
    figures: dict[int, T | None] = {}
    missing: list[int] = []
    owns: dict[int, str] = {}  # each branch's own generation, as read or set
    new_generations: dict[str, str] = {}
    for pk in ids:
        own = found.get(generation_keys[pk])
        cached = found.get(keys[pk])
        if (
            shared is not None
            and own is not None
            and isinstance(cached, tuple)
            and len(cached) == 3
            and cached[0] == shared
            and cached[1] == own
        ):
            figures[pk] = cached[2]
            continue
        missing.append(pk)
        if own is None:
            own = new_generations[generation_keys[pk]] = generations.token()
        owns[pk] = own
    if not missing:
        return figures
    # The generations are read (or set) before counting: a change committed meanwhile replaces them, so
    # figures that may predate that change are never read again.
    try:
        shared = generations.current(GENERATION_KEY, shared)
        if new_generations:
            cache.set_many(new_generations, generations.GENERATION_TTL)
    except Exception:
        logger.warning("meetings: cache unavailable, the compliance figures not kept", exc_info=True)
        shared = None
    counted = count(missing)
    for pk in missing:
        figures[pk] = counted.get(pk)
    if shared is not None:
        try:
            cache.set_many({keys[pk]: (shared, owns[pk], figures[pk]) for pk in missing}, FIGURES_TTL)
        except Exception:
            logger.warning("meetings: cache unavailable, the compliance figures not kept", exc_info=True)
    return {pk: figures[pk] for pk in ids}


def cached_figures(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name`` while no meeting rule or type, branch, party group or area has
    changed: only for figures no meeting changes. ``name`` must say everything else they depend on."""
    key = f"meetings:figures:v{FIGURES_VERSION}:{name}"
    return generations.kept(GENERATION_KEY, key, compute, ttl=FIGURES_TTL, what="the compliance figures")


def forget_figures(**kwargs) -> None:
    """Every branch's figures are dropped (now, and again once the transaction commits): a rule, a meeting
    type, a branch, a party group or an area changed. Also a signal receiver."""
    if kwargs.get("action", "").startswith("pre_"):
        return  # m2m_changed: the post_add/post_remove/post_clear that follows is the change
    generations.renew([GENERATION_KEY], what="the compliance figures")


def forget_branch_figures(*branch_ids: int | None) -> None:
    """The figures of these branches are dropped (now, and again once the transaction commits)."""
    keys = [branch_generation_key(pk) for pk in dict.fromkeys(branch_ids) if pk is not None]
    if keys:
        generations.renew(keys, what="the compliance figures")


def meeting_moving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save of a Meeting: should it move to another branch, the branch it leaves is dropped too."""
    if (
        raw
        or instance._state.adding
        or (update_fields is not None and not {"branch", "branch_id"} & set(update_fields))
    ):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("branch_id", flat=True).first()
    if old is not None and old != instance.branch_id:
        forget_branch_figures(old)


# Counting again on write: once a meeting's change commits, its branch's figures for today's views (the
# matrix, the calendar, the compliance API, the dashboard) are counted again and kept, so that the first
# view after a meeting is logged reads them from the cache like any other. Each view registers how
# (``recounts``: meetings.warm, assessment's AppConfig); the write pays a branch's count instead of the
# next reader. What is not warmed here (another year, another day) is counted on its first view.
_recounts: list[Callable[[list[int], dt.date], object]] = []


def recounts(fn: Callable[[list[int], dt.date], object]) -> Callable[[list[int], dt.date], object]:
    """Register ``fn(branch_ids, today)``: it reads a view's figures of those branches through the cache."""
    if fn not in _recounts:
        _recounts.append(fn)
    return fn


def recount_branches(branch_ids: list[int]) -> None:
    """Count these branches' figures again for today's views, now (after the change has committed)."""
    today = timezone.localdate()
    for recount in list(_recounts):
        try:
            recount(branch_ids, today)
        except Exception:  # the meeting is saved; its figures are then counted on the next view
            logger.warning("meetings: counting branches %s again failed", branch_ids, exc_info=True)


def _recount_on_commit(*branch_ids: int | None) -> None:
    ids = [pk for pk in dict.fromkeys(branch_ids) if pk is not None]
    if ids and _recounts:
        transaction.on_commit(lambda: recount_branches(ids))


def meeting_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save/post_delete of a Meeting: its branch's figures are dropped, and counted again once the
    change commits."""
    forget_branch_figures(instance.branch_id)
    if not raw:
        _recount_on_commit(instance.branch_id)


def meeting_types_changed(sender, instance, action, reverse, **kwargs) -> None:
    """m2m_changed of a meeting's types: its branch's figures are dropped (everything's, when a type's
    meetings are changed from the type's side)."""
    if action.startswith("pre_"):
        return  # the post_add/post_remove/post_clear that follows is the change
    if reverse:
        forget_figures()
    else:
        forget_branch_figures(instance.branch_id)
        _recount_on_commit(instance.branch_id)


def connect_signals() -> None:
    """Renew the generations on every change to what the figures are counted from (MeetingsConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from branches.models import Area, Branch, PartyGroup
    from meetings.models import Meeting, MeetingRule, MeetingType

    for model in (MeetingRule, MeetingType, Branch, PartyGroup, Area):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(forget_figures, sender=model, dispatch_uid=f"meetings_figures_{name}_{model.__name__}")
    pre_save.connect(meeting_moving, sender=Meeting, dispatch_uid="meetings_figures_moving_Meeting")
    post_save.connect(meeting_changed, sender=Meeting, dispatch_uid="meetings_figures_save_Meeting")
    post_delete.connect(meeting_changed, sender=Meeting, dispatch_uid="meetings_figures_delete_Meeting")
    m2m_changed.connect(meeting_types_changed, sender=Meeting.types.through, dispatch_uid="meetings_figures_types")
