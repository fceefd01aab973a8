from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.nav import NavLink, register


@register
def branch_links(request, scope):
    if scope.home_branch_id:
        yield NavLink(_("本支部"), reverse("branches:detail", args=[scope.home_branch_id]), order=10)
    elif scope.has(Cap.READ):
        yield NavLink(_("组织架构"), reverse("branches:tree"), order=10)
    if scope.has(Cap.OVERVIEW):
        yield NavLink(_("任期将满"), reverse("branches:expiring_terms"), order=20)
