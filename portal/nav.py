"""The site navigation, assembled from what each app registers in its ``nav.py``.

An app registers a function ``(request, scope) -> iterable of NavLink``; the
links are shown in ``order``. Views still check access themselves: a link is
only offered where the user's scope makes it useful.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

NavSource = Callable[..., Iterable["NavLink"]]

_sources: list[NavSource] = []


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def register(source: NavSource) -> NavSource:
    """Decorator: add an app's navigation source (once, however often the module is imported)."""
    if source not in _sources:
        _sources.append(source)
    return source


def nav_for(request) -> list[NavItem]:
    from accounts.scope import scope_for

    user = request.user
    if not user.is_authenticated:
        return []
    scope = scope_for(user)
    links = sorted((link for source in _sources for link in source(request, scope)), key=lambda link: link.order)
    path = request.path
    return [
        NavItem(
            link.label,
            link.url,
            path == link.url or (link.url != "/" and path.startswith(link.url) and link.url.count("/") > 2),
        )
        for link in links
    ]
