"""The public pages' cache: one key per board, one for the town pages; dropped on publish."""

from __future__ import annotations

from django.core.cache import cache

BOARD_TTL = 10 * 60  # officers and counts change without a publish: a board is never older than this


def board_key(slug: str) -> str:
    return f"public:board:{slug}"


TOWN_KEY = "public:town-generation"


def town_generation() -> int:
    """A number that changes on every publish, for keys of town-wide pages (index, town feed)."""
    value = cache.get(TOWN_KEY)
    if value is None:
        value = 1
        cache.add(TOWN_KEY, value, None)
    return value


def board_cache_drop(*, branch_path: str) -> None:
    """Drop the boards of every site at or above ``branch_path`` and move the town pages on."""
    from branches.models import Branch

    from .models import Site

    step = Branch.steplen
    ancestors = [branch_path[:i] for i in range(step, len(branch_path) + 1, step)]
    slugs = list(Site.objects.filter(branch__path__in=ancestors).values_list("slug", flat=True))
    if slugs:
        cache.delete_many([board_key(s) for s in slugs])
    try:
        cache.incr(TOWN_KEY)
    except ValueError:
        cache.add(TOWN_KEY, 2, None)
