"""Layout helpers for templates/base.html: the user's role label and their nav."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import BRANCH_ROLES, scope_for

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


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
    """The links a user's scope makes useful; the views still check access themselves."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return []
    scope = scope_for(user)
    items: list[tuple[str, str]] = []
    if user.role in BRANCH_ROLES and user.branch_id and not scope.is_town:
        items.append((_("本支部"), reverse("branches:detail", args=[user.branch_id])))
    elif scope.read_paths or scope.everything:
        items.append((_("组织架构"), reverse("branches:tree")))
    if scope.is_town:
        items.append((_("任期将满"), reverse("branches:expiring_terms")))
    if scope.read_paths or scope.everything:
        items.append((_("待转正"), reverse("members:due_for_conversion")))
    if scope.can_write_anything:
        items.append((_("名册导入"), reverse("members:roster-import")))
    if scope.read_paths or scope.everything:
        items.append((_("名册导出"), reverse("members:roster-export")))
    if scope.own_member_id:
        items.append((_("我的信息"), reverse("members:detail", args=[scope.own_member_id])))
    if user.is_staff:
        items.append((_("管理后台"), reverse("admin:index")))
    path = request.path
    return [NavItem(label, url, path == url or (url != "/" and path.startswith(url) and url.count("/") > 2)) for label, url in items]
