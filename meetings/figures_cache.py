"""Compliance figures (what meetings' compliance comes to for a set of branches) kept in the shared cache.

Compliance is counted from every meeting of a town's year and its branches' rules: the
town office's dashboard (:mod:`assessment.dashboard`: 12 of 25 ms on the demo town), the
compliance matrix and the compliance API (most of their time at ``seed_demo --scale 40``).
Those figures change only when a meeting, its types, a meeting rule or type, a branch, a
party group or an area changes, or when the day does (callers put the day in the key).

Every such change (``post_save``/``post_delete``, and ``m2m_changed`` of a meeting's types;
connected in :meth:`meetings.apps.MeetingsConfig.ready`) gives the cache a new
*generation*, at once and again when the transaction commits: figures counted in between,
from the rows before the change, are then never read again. A figure is used only while it
carries the current generation; both are read in one round trip. A generation is a random
token, never a counter, so a cache that was emptied cannot bring back an old figure under a
reused number. ``FIGURES_TTL`` bounds what a change made behind the signals' back (a bulk
update) could leave; the demo seeding, which writes meetings in bulk, forgets the figures
itself. With the cache unavailable the figures are counted every time, as without it.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "meetings:figures:generation"
GENERATION_TTL = 30 * 24 * 60 * 60
FIGURES_TTL = 10 * 60

T = TypeVar("T")


def cached_figures(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name`` while no meeting, rule, branch, party group or area has changed.

    ``name`` must say everything else the figures depend on (the organisation, the dates).
    """
    key = f"meetings:figures:{name}"
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        cached = found.get(key)
        if generation is not None and isinstance(cached, tuple) and len(cached) == 2 and cached[0] == generation:
            return cached[1]
        if generation is None:
            fresh = uuid.uuid4().hex
            generation = fresh if cache.add(GENERATION_KEY, fresh, GENERATION_TTL) else cache.get(GENERATION_KEY)
    except Exception:  # the cache is down: count, as without it
        logger.warning("meetings: cache unavailable, counting the compliance figures", exc_info=True)
        return compute()
    # The generation was read before counting: a change committed meanwhile replaces it, so figures
    # that may predate that change are never read again.
    figures = compute()
    if generation is not None:
        try:
            cache.set(key, (generation, figures), FIGURES_TTL)
        except Exception:
            logger.warning("meetings: cache unavailable, the compliance figures not kept", exc_info=True)
    return figures


def branches_key(branches) -> str:
    """A short key naming a set of branches (a queryset or branches), the same whatever their order."""
    ids = branches.values_list("pk", flat=True) if hasattr(branches, "values_list") else (b.pk for b in branches)
    return hashlib.blake2b(",".join(map(str, sorted(ids))).encode(), digest_size=12).hexdigest()


def forget_figures(**kwargs) -> None:
    """Signal receiver: something the figures are counted from changed. Every cached figure is dropped
    now, and again once the transaction commits."""
    if kwargs.get("action", "").startswith("pre_"):
        return  # m2m_changed: the post_add/post_remove/post_clear that follows is the change

    def renew():
        try:
            cache.set(GENERATION_KEY, uuid.uuid4().hex, GENERATION_TTL)
        except Exception:
            logger.warning("meetings: cache unavailable, the compliance figures expire on their own", exc_info=True)

    renew()
    transaction.on_commit(renew)


def connect_signals() -> None:
    """Renew the generation on every change to what the figures are counted from (MeetingsConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from branches.models import Area, Branch, PartyGroup
    from meetings.models import Meeting, MeetingRule, MeetingType

    for model in (Meeting, MeetingRule, MeetingType, Branch, PartyGroup, Area):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(forget_figures, sender=model, dispatch_uid=f"meetings_figures_{name}_{model.__name__}")
    m2m_changed.connect(forget_figures, sender=Meeting.types.through, dispatch_uid="meetings_figures_types")
