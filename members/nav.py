from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.nav import NavLink, register


@register
def member_links(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("待转正"), reverse("members:due_for_conversion"), order=30)
    if scope.has(Cap.IMPORT):
        yield NavLink(_("名册导入"), reverse("members:roster-import"), order=40)
    if scope.has(Cap.READ):
        yield NavLink(_("名册导出"), reverse("members:roster-export"), order=41)
    if scope.own_member_id:
        yield NavLink(_("我的信息"), reverse("members:detail", args=[scope.own_member_id]), order=90)
