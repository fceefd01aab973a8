"""The public pages' cache: a generation token per board, replaced on every publish.

A board is cached under its slug and its generation, in the shared cache (Redis in
production) and, for the hot path, in the web process's own memory. Publishing gives
every board that shows the item a new generation, so the next reader renders afresh;
a render that was already under way stores its copy under the old generation, which
nobody reads again.

Each process trusts the generation it last read for ``PUBLIC_BOARD_RECHECK_SECONDS``
(1 s by default), so a cached board costs no network round trip at all; a publish is
seen at once by the process that made it and within that interval by every other one.
A generation is a random token, never a counter, so a cache that was emptied (Redis
restarted) can never bring an old copy back under a reused number.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

BOARD_TTL = 10 * 60  # officers and counts change without a publish: a board is never older than this
_GEN_TTL = 30 * 24 * 60 * 60
_LOCAL_PAGES = 256  # boards kept in a process's memory (a town has about 40, a district about 1,200)

_lock = threading.Lock()
_generations: dict[str, tuple[float, str]] = {}  # slug → (read at, monotonic; generation)
_pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()  # key → (rendered at, epoch; html)


_clock = time.monotonic  # the clock the generation is rechecked by (tests move it)


def _recheck_seconds() -> float:
    return float(getattr(settings, "PUBLIC_BOARD_RECHECK_SECONDS", 1.0))


def _gen_key(slug: str) -> str:
    return f"public:board-generation:{slug}"


def _generation(slug: str) -> str:
    now = _clock()
    known = _generations.get(slug)
    if known is not None and now - known[0] < _recheck_seconds():
        return known[1]
    gen = cache.get(_gen_key(slug))
    if gen is None:
        fresh = uuid.uuid4().hex
        gen = fresh if cache.add(_gen_key(slug), fresh, _GEN_TTL) else (cache.get(_gen_key(slug)) or fresh)
    _generations[slug] = (now, gen)
    return gen


def board_key(slug: str) -> str:
    """The cache key of a board's current rendering."""
    return f"public:board-page:{slug}:{_generation(slug)}"


def _keep_local(key: str, rendered_at: float, html: bytes) -> None:
    with _lock:
        _pages[key] = (rendered_at, html)
        _pages.move_to_end(key)
        while len(_pages) > _LOCAL_PAGES:
            _pages.popitem(last=False)


def board_page_get(key: str) -> bytes | None:
    """The board cached under ``key`` and younger than ``BOARD_TTL``, from memory or the shared cache."""
    now = time.time()
    local = _pages.get(key)
    if local is not None and now - local[0] < BOARD_TTL:
        return local[1]
    shared = cache.get(key)
    if not (isinstance(shared, tuple) and len(shared) == 2):
        return None  # not cached (or not in this shape): render
    rendered_at, html = shared
    if now - rendered_at >= BOARD_TTL:
        return None
    _keep_local(key, rendered_at, html)
    return html


def board_page_set(key: str, html: bytes) -> None:
    rendered_at = time.time()
    cache.set(key, (rendered_at, html), BOARD_TTL)
    _keep_local(key, rendered_at, html)


def board_cache_drop(*, branch_path: str) -> None:
    """New generations for the boards of every site at or above ``branch_path`` (the boards that show its items)."""
    from branches.models import Branch

    from .models import Site

    step = Branch.steplen
    ancestors = [branch_path[:i] for i in range(step, len(branch_path) + 1, step)]
    for slug in Site.objects.filter(branch__path__in=ancestors).values_list("slug", flat=True):
        cache.set(_gen_key(slug), uuid.uuid4().hex, _GEN_TTL)
        _generations.pop(slug, None)


def board_cache_forget_local() -> None:
    """Drop this process's copies (the shared cache was emptied: tests, or an operator)."""
    with _lock:
        _pages.clear()
        _generations.clear()
