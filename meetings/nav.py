from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.nav import NavLink, register


@register
def meetings_nav(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("三会一课"), reverse("meetings:list"), 30)
    if scope.has(Cap.OVERVIEW) or scope.has(Cap.INSPECT):
        yield NavLink(_("组织生活统计"), reverse("meetings:compliance"), 31)
    if scope.own_member_id:
        yield NavLink(_("我的组织生活"), reverse("meetings:mine"), 32)
