from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.links import cached_url
from portal.nav import NavLink, register


@register
def disclosure_links(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("党务公开"), cached_url("disclosure:items"), order=60)
        yield NavLink(_("七个一检查"), cached_url("disclosure:sites"), order=61)
        yield NavLink(_("党费收缴"), cached_url("disclosure:dues"), order=62)
