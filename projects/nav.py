from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.links import cached_url
from portal.nav import NavLink, register


@register
def project_links(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("书记领衔"), cached_url("projects:list"), order=50)
        yield NavLink(_("重点任务挂图"), cached_url("projects:wall-chart"), order=51)
