from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal import home
from portal.links import cached_url
from portal.nav import NavLink, register


@register
def assessment_links(request, scope):
    if scope.has(Cap.OVERVIEW):
        yield NavLink(_("考核概览"), cached_url("assessment:dashboard"), order=2)
    if scope.has(Cap.INSPECT):
        yield NavLink(_("月度督查"), cached_url("assessment:inspections"), order=40)
    if scope.has(Cap.READ):
        yield NavLink(_("整改"), cached_url("assessment:rectifications"), order=41)
        yield NavLink(_("季度考核"), cached_url("assessment:scores"), order=42)
    if scope.has(Cap.READ) or scope.own_member_id:
        yield NavLink(_("锋领指数"), cached_url("assessment:points"), order=43)
        yield NavLink(_("民主评议"), cached_url("assessment:appraisals"), order=44)


@home.register(order=10)
def town_office_home(request, scope):
    """The town office (town-wide overview) starts from this quarter at a glance."""
    from .selectors import town_of

    if scope.has(Cap.OVERVIEW) and town_of(request.user) is not None:
        return cached_url("assessment:dashboard")
    return None
