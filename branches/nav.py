from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.links import cached_url
from portal.nav import NavLink, register


@register
def branch_links(request, scope):
    if scope.home_branch_id:
        yield NavLink(_("本支部"), cached_url("branches:detail", scope.home_branch_id), order=10)
    elif scope.has(Cap.READ):
        yield NavLink(_("组织架构"), cached_url("branches:tree"), order=10)
    if scope.has(Cap.OVERVIEW):
        yield NavLink(_("任期将满"), cached_url("branches:expiring_terms"), order=20)
