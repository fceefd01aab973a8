from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.nav import NavLink, nav_url, register


@register
def meetings_nav(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("三会一课"), nav_url("meetings:list"), 30)
    if scope.has(Cap.OVERVIEW) or scope.has(Cap.INSPECT):
        yield NavLink(_("组织生活统计"), nav_url("meetings:compliance"), 31)
    if scope.own_member_id:
        yield NavLink(_("我的组织生活"), nav_url("meetings:mine"), 32)
