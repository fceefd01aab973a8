from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.nav import NavLink, register


@register
def project_links(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("书记领衔"), reverse("projects:list"), order=50)
        yield NavLink(_("重点任务挂图"), reverse("projects:wall-chart"), order=51)
