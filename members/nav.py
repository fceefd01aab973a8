from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.links import cached_url
from portal.nav import NavLink, register


@register
def member_links(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("待转正"), cached_url("members:due_for_conversion"), order=30)
    if scope.has(Cap.IMPORT):
        yield NavLink(_("名册导入"), cached_url("members:roster-import"), order=40)
    if scope.has(Cap.READ):
        yield NavLink(_("名册导出"), cached_url("members:roster-export"), order=41)
    if scope.own_member_id:
        yield NavLink(_("我的信息"), cached_url("members:detail", scope.own_member_id), order=90)
