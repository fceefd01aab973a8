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
branches' parts, every time. Once a shared change commits, the worker counts every branch again
(:func:`recount_on_change`, the task ``meetings.tasks.count_compliance_figures``), and beat has it
do so just after midnight, since the day is in the keys: so neither the first view after a rule
is changed nor the first view of the day counts the whole town.

A generation (:mod:`portal.generations`) is renewed at once and again when the transaction commits: figures counted in
between, from the rows before the change, are then never read again. A figure is used only
while it carries both current generations; the generations and the figures are read in one
round trip, the branches missing counted together (in a fixed number of queries) and kept in
another. A generation is a random token, never a counter, so a cache that was emptied cannot
bring back an old figure under a reused number. The generations, not the expiry, keep the figures
true: ``FIGURES_TTL`` (26 hours) only lets the cache drop the figures of days gone by, and bounds
what a change made behind the signals' back (a bulk update) could leave; the demo seeding, which
writes meetings in bulk, forgets the figures and counts itself (:func:`forget_meetings`), as any bulk
writer must. With the cache unavailable the figures are counted every time, as without it.

What a branch's meetings alone make (how many of each type were held each month,
:class:`meetings.tally.Tally`'s counts) is kept the same way but under a shared generation of its own
(:func:`branch_meeting_counts`, with the branch's party groups): a rule, type, branch or area changed
drops the figures, not these, so the figures are judged again without reading the meetings. A bulk
writer of meetings, a type's meetings changed from the type's side and a party group changed drop both
(:func:`forget_meetings`).

:func:`cached_figures` keeps a whole result under the shared generation alone: only for what
no meeting changes (the dashboard's units and which branches they are made of).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal import generations

logger = logging.getLogger(__name__)

GENERATION_KEY = "meetings:figures:generation"
# The shared generation of what only the meetings make (the counts per type and month): renewed by
# forget_meetings, not by a rule or branch change. Each branch's own generation covers these too.
LINKS_GENERATION_KEY = "meetings:figures:links-generation"
# A day and a bit: today's figures outlive the night (beat counts the new day's at 00:02), yesterday's go.
FIGURES_TTL = 26 * 60 * 60
# In every figure's key: to be changed with the shape of what is kept, so that a deploy never reads the
# figures an older version kept.
FIGURES_VERSION = 2

T = TypeVar("T")


def branch_generation_key(branch_id: int) -> str:
    return f"{GENERATION_KEY}:branch:{branch_id}"


def branch_figures(
    purpose: str,
    branch_ids: Iterable[int],
    count: Callable[[list[int]], Mapping[int, T]],
    *,
    shared_key: str = GENERATION_KEY,
) -> dict[int, T | None]:
    """Per branch id, its figures for ``purpose``: from the cache while neither its meetings nor the
    shared things (rules, types, branches, party groups, areas) changed, else ``count(ids)`` for all
    the branches missing at once (None for a branch it leaves out).

    ``purpose`` must say everything else the figures depend on (the window, the day, the language).
    ``shared_key`` is the shared generation they are kept under: :data:`LINKS_GENERATION_KEY` for what
    only the meetings make (:func:`branch_meeting_counts`), which no rule or branch changes.
    """
    ids = list(dict.fromkeys(branch_ids))
    keys = {pk: f"meetings:figures:v{FIGURES_VERSION}:{purpose}:{pk}" for pk in ids}
    generation_keys = {pk: branch_generation_key(pk) for pk in ids}
    try:
        found = cache.get_many([shared_key, *generation_keys.values(), *keys.values()])
    except Exception:  # the cache is down: count, as without it
        logger.warning("meetings: cache unavailable, counting the compliance figures", exc_info=True)
        counted = count(ids)
        return {pk: counted.get(pk) for pk in ids}
    shared = found.get(shared_key)
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
        shared = generations.current(shared_key, shared)
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


def branch_meeting_counts(
    purpose: str, branch_ids: Iterable[int], count: Callable[[list[int]], Mapping[int, T]]
) -> dict[int, T | None]:
    """Per branch id, what only its meetings make (how many of each type were held each month:
    :class:`meetings.tally.Tally`), from the cache while its meetings have not changed, else
    ``count(ids)`` for the branches missing at once. A rule, type, branch or area changed leaves them kept:
    the figures are then judged again from them, without reading the meetings (a party group changed, kept
    with them, drops them: :func:`forget_meetings`)."""
    return branch_figures(purpose, branch_ids, count, shared_key=LINKS_GENERATION_KEY)


def cached_figures(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name`` while no meeting rule or type, branch, party group or area has
    changed: only for figures no meeting changes. ``name`` must say everything else they depend on."""
    key = f"meetings:figures:v{FIGURES_VERSION}:{name}"
    return generations.kept(GENERATION_KEY, key, compute, ttl=FIGURES_TTL, what="the compliance figures")


def forget_figures(**kwargs) -> None:
    """Every branch's figures are dropped (now, and again once the transaction commits): a rule, a meeting
    type, a branch, a party group or an area changed. Also a signal receiver. Once the change commits, the
    worker counts them again (:func:`recount_on_change`)."""
    if kwargs.get("action", "").startswith("pre_"):
        return  # m2m_changed: the post_add/post_remove/post_clear that follows is the change
    generations.renew([GENERATION_KEY], what="the compliance figures")
    _recount_all_on_commit()


def forget_meetings(**kwargs) -> None:
    """Every branch's figures and meeting counts are dropped (now, and again once the transaction commits):
    for a change to many branches' meetings that their signals do not see (a bulk writer, a type's meetings
    changed from the type's side), and a party group's (they are kept with the counts). Also a signal receiver.
    The worker then counts them again, as after :func:`forget_figures`."""
    generations.renew([LINKS_GENERATION_KEY], what="the meeting counts")
    forget_figures()


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


def recount_branches(branch_ids: list[int], today: dt.date | None = None) -> None:
    """Count these branches' figures again for today's views, now (after the change has committed)."""
    today = today or timezone.localdate()
    for recount in list(_recounts):
        try:
            recount(branch_ids, today)
        except Exception:  # the meeting is saved; its figures are then counted on the next view
            logger.warning("meetings: counting branches %s again failed", branch_ids, exc_info=True)


# What is kept for a whole town rather than per branch (the dashboard's units, ``cached_figures``) is
# counted again by the whole count only (meetings.warm.count_everything): each overview registers how.
_overview_recounts: list[Callable[[Any, dt.date], object]] = []


def recounts_overview(fn: Callable[[Any, dt.date], object]) -> Callable[[Any, dt.date], object]:
    """Register ``fn(organisation, today)``: it reads, through the cache, what a view of a whole town (or
    district) keeps for it beyond its branches' figures."""
    if fn not in _overview_recounts:
        _overview_recounts.append(fn)
    return fn


def recount_overview(organisation, today: dt.date) -> None:
    """Count again what is kept for an overview of ``organisation`` (a town or district committee)."""
    for recount in list(_overview_recounts):
        try:
            recount(organisation, today)
        except Exception:  # counted on the next view instead
            logger.warning("meetings: counting %s's overview again failed", organisation.pk, exc_info=True)


# Counting everything again once a shared change commits: such a change drops every branch's figures, and
# the next view would count the whole town. The worker does it instead, once
# for a burst of changes: a bulk writer saving 1,000 branches sends one task, not 1,000. Only with a worker
# to send it to: run eagerly, the task would count the whole tree inside the write (and the demo seeding).
RECOUNT_PENDING_KEY = "meetings:figures:recount-pending"
# The task starts this many seconds after the first change of a burst; changes made before it starts ride
# along. The key is cleared when it starts; should the task be lost, the key's expiry lets the next change ask.
RECOUNT_DELAY = 10
RECOUNT_PENDING_TTL = 10 * 60
# Publishing gives up quickly: the write waits for it (after its commit), and the next view counts anyway.
SEND_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

_sending = threading.local()  # where this thread's open transaction has its send: its on-commit list, the index


def recount_on_change() -> bool:
    """Whether a shared change has the worker count every branch again: ``MEETINGS_RECOUNT_ON_CHANGE`` (on
    unless tasks run eagerly), and never while Celery runs tasks eagerly, whatever the setting."""
    if not getattr(settings, "MEETINGS_RECOUNT_ON_CHANGE", False):
        return False
    from .tasks import count_compliance_figures

    return not count_compliance_figures.app.conf.task_always_eager


def _recount_all_on_commit() -> None:
    if not recount_on_change():
        return
    connection = transaction.get_connection()
    hooks = connection.run_on_commit
    if connection.in_atomic_block:
        # Once per transaction: the send added to this transaction's on-commit list, still there where it
        # was put, is still to come (Django starts a new list on commit, rollback and savepoint rollback).
        added = getattr(_sending, "added", None)
        if added is not None and added[0] is hooks and len(hooks) > added[1] and hooks[added[1]][1] is send_recount:
            return
        _sending.added = (hooks, len(hooks))
    transaction.on_commit(send_recount, robust=True)


def send_recount() -> None:
    """On the commit of a shared change: ask the worker to count every branch again, unless it was asked
    already (by any process) and has not started. A failure is logged; the write stands."""
    from .tasks import count_compliance_figures

    try:
        if not cache.add(RECOUNT_PENDING_KEY, 1, RECOUNT_PENDING_TTL):
            return  # the task asked for has not started yet: it counts this change too
    except Exception:  # no cache to keep the figures in: nothing to count them for
        logger.warning("meetings: cache unavailable, every branch's figures counted on the next view", exc_info=True)
        return
    try:
        count_compliance_figures.apply_async(countdown=RECOUNT_DELAY, retry=True, retry_policy=SEND_RETRY_POLICY)
    except Exception:
        # The key stays until it expires: with the broker down, the writes that follow do not each wait for it.
        logger.warning(
            "meetings: the broker is unavailable, every branch's figures counted on the next view", exc_info=True
        )


def recount_started() -> None:
    """The task has started: a change committed from now on asks for another count."""
    try:
        cache.delete(RECOUNT_PENDING_KEY)
    except Exception:
        logger.warning("meetings: cache unavailable, the next change may not ask for a count", exc_info=True)


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
        forget_meetings()
    else:
        forget_branch_figures(instance.branch_id)
        _recount_on_commit(instance.branch_id)


def connect_signals() -> None:
    """Renew the generations on every change to what the figures are counted from (MeetingsConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from branches.models import Area, Branch, PartyGroup
    from meetings.models import Meeting, MeetingRule, MeetingType

    for model in (MeetingRule, MeetingType, Branch, PartyGroup, Area):
        # A party group is kept with its branch's meeting counts (meetings.tally): its change drops them too.
        forget = forget_meetings if model is PartyGroup else forget_figures
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(forget, sender=model, dispatch_uid=f"meetings_figures_{name}_{model.__name__}")
    pre_save.connect(meeting_moving, sender=Meeting, dispatch_uid="meetings_figures_moving_Meeting")
    post_save.connect(meeting_changed, sender=Meeting, dispatch_uid="meetings_figures_save_Meeting")
    post_delete.connect(meeting_changed, sender=Meeting, dispatch_uid="meetings_figures_delete_Meeting")
    m2m_changed.connect(meeting_types_changed, sender=Meeting.types.through, dispatch_uid="meetings_figures_types")
