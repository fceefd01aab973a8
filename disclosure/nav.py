from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.nav import NavLink, nav_url, register


@register
def disclosure_links(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("党务公开"), nav_url("disclosure:items"), order=60)
        yield NavLink(_("七个一检查"), nav_url("disclosure:sites"), order=61)
        yield NavLink(_("党费收缴"), nav_url("disclosure:dues"), order=62)
