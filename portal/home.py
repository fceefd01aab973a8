"""Where ``/`` sends a signed-in user: the first page an app offers for their scope.

The home view lives in ``accounts`` (core), which imports no feature app. An
app that owns a better landing page for some scopes registers, in its
``nav.py``, a function ``(request, scope) -> url or None`` with an ``order``
(lower is asked first); the home view takes the first url offered and falls
back to its own choice (the branch, the tree, the member's record). The page
itself still checks access.
"""

from __future__ import annotations

from collections.abc import Callable

HomeSource = Callable[..., str | None]

_sources: list[tuple[int, HomeSource]] = []


def register(source: HomeSource | None = None, *, order: int = 100):
    """Decorator, bare or with ``order=``: add an app's home page (once, however often the module is imported)."""

    def add(fn: HomeSource) -> HomeSource:
        if all(existing is not fn for _order, existing in _sources):
            _sources.append((order, fn))
            _sources.sort(key=lambda pair: pair[0])
        return fn

    return add(source) if source is not None else add


def home_url_for(request, scope) -> str | None:
    for _order, source in _sources:
        url = source(request, scope)
        if url:
            return url
    return None
