"""URLs worked out once per process: the nav's 20 links on every page, and the prefix a list
puts before each row's id instead of reversing a URL per row."""

from __future__ import annotations

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


def cached_url(name: str, *args) -> str:
    """``reverse(name, args=args)``, remembered per script prefix and URLconf."""
    return _reverse(get_script_prefix(), get_urlconf(), name, args)


def id_url_prefix(name: str) -> str:
    """The URL of ``name`` (one id argument) up to the id: ``f"{prefix}{pk}/"`` is a row's link."""
    return cached_url(name, 0)[: -len("0/")]


@lru_cache(maxsize=1024)
def _reverse(prefix: str, urlconf, name: str, args: tuple) -> str:
    return reverse(name, args=args, urlconf=urlconf)


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf
        _reverse.cache_clear()
