"""The site navigation, assembled from what each app registers in its ``nav.py``.

An app registers a function ``(request, scope) -> iterable of NavLink``; the
links are shown in ``order``. Views still check access themselves: a link is
only offered where the user's scope makes it useful.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

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


def nav_url(name: str, *args) -> str:
    """``reverse(name, args=args)``, worked out once per process: every page's nav has 20 links."""
    return _reverse(get_script_prefix(), get_urlconf(), name, args)


@lru_cache(maxsize=1024)
def _reverse(prefix: str, urlconf, name: str, args: tuple) -> str:
    return reverse(name, args=args, urlconf=urlconf)


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf
        _reverse.cache_clear()


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
