"""Layout helpers for templates/base.html: the user's role label and their nav."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from portal.nav import NavItem, nav_for

register = template.Library()


@register.simple_tag(takes_context=True)
def role_label(context) -> str:
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return _("系统管理员")
    return user.get_role_display()


@register.simple_tag(takes_context=True)
def nav_items(context) -> list[NavItem]:
    """The links the user's scope makes useful, from every app's ``nav.py``."""
    return nav_for(context["request"])
