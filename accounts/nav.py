from __future__ import annotations

from django.utils.translation import gettext as _

from portal.links import cached_url
from portal.nav import NavLink, register


@register
def account_links(request, scope):
    if request.user.is_staff:
        yield NavLink(_("管理后台"), cached_url("admin:index"), order=200)
