"""Values kept in the shared cache under a *generation*: a token that every change to what they are
computed from renews (``branches.tree_cache``, ``meetings.figures_cache``).

A value is used only while it carries the current generation, and both are read in one round trip.
A generation is renewed at once and again when the transaction commits, so a value computed in
between, from the rows before the change, is never read again; it is a random token, never a
counter, so a cache that was emptied cannot bring back an old value under a reused number. The
generation is read (or set) before computing: a change committed meanwhile replaces it. With the
cache unavailable the value is computed every time, as without it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_TTL = 30 * 24 * 60 * 60

T = TypeVar("T")


def token() -> str:
    return uuid.uuid4().hex


def current(key: str, found: str | None) -> str | None:
    """The generation under ``key`` as read (``found``), or a new one if there was none (another
    process's, if it set one first)."""
    if found is not None:
        return found
    fresh = token()
    return fresh if cache.add(key, fresh, GENERATION_TTL) else cache.get(key)


def renew(keys: Iterable[str], *, what: str) -> None:
    """New generations under ``keys``, now and again once the transaction commits."""
    keys = list(keys)

    def renew_now():
        try:
            cache.set_many({key: token() for key in keys}, GENERATION_TTL)
        except Exception:
            logger.warning("cache unavailable: %s expire on their own", what, exc_info=True)

    renew_now()
    transaction.on_commit(renew_now)


def kept(generation_key: str, key: str, compute: Callable[[], T], *, ttl: int, what: str) -> T:
    """``compute()``, kept under ``key`` while the generation under ``generation_key`` stays the same."""
    try:
        found = cache.get_many([generation_key, key])
        cached = found.get(key)
        generation = found.get(generation_key)
        if generation is not None and isinstance(cached, tuple) and len(cached) == 2 and cached[0] == generation:
            return cached[1]
        generation = current(generation_key, generation)
    except Exception:  # the cache is down: compute, as without it
        logger.warning("cache unavailable: computing %s", what, exc_info=True)
        return compute()
    value = compute()
    if generation is not None:
        try:
            cache.set(key, (generation, value), ttl)
        except Exception:
            logger.warning("cache unavailable: %s not kept", what, exc_info=True)
    return value
