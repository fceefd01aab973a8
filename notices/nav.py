from __future__ import annotations

from django.utils.translation import gettext as _

from portal.links import cached_url
from portal.nav import NavLink, register

from .selectors import unread_count


@register
def notice_links(request, scope):
    n = unread_count(request.user)
    label = _("通知（%(n)s 条未读）") % {"n": n} if n else _("通知")
    yield NavLink(label, cached_url("notices:list"), order=5)
