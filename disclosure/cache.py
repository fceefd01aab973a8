"""The public pages' cache: a generation number per board, moved on every publish.

A board is cached under its slug and its generation. Publishing moves the
generation of every board that shows the item, so the next reader renders
afresh; a render that was already under way stores its copy under the old
generation, which nobody reads again.
"""

from __future__ import annotations

from django.core.cache import cache

BOARD_TTL = 10 * 60  # officers and counts change without a publish: a board is never older than this
_GEN_TTL = 30 * 24 * 60 * 60


def _gen_key(slug: str) -> str:
    return f"public:board-gen:{slug}"


def board_key(slug: str) -> str:
    """The cache key of a board's current rendering."""
    gen = cache.get(_gen_key(slug))
    if gen is None:
        gen = 1
        cache.add(_gen_key(slug), gen, _GEN_TTL)
    return f"public:board:{slug}:{gen}"


def board_cache_drop(*, branch_path: str) -> None:
    """Move on the boards of every site at or above ``branch_path`` (the boards that show its items)."""
    from branches.models import Branch

    from .models import Site

    step = Branch.steplen
    ancestors = [branch_path[:i] for i in range(step, len(branch_path) + 1, step)]
    for slug in Site.objects.filter(branch__path__in=ancestors).values_list("slug", flat=True):
        try:
            cache.incr(_gen_key(slug))
        except ValueError:  # never read yet: nothing cached to drop
            pass
