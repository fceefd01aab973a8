from django.utils.translation import gettext as _

from accounts.scope import Cap
from portal.links import cached_url
from portal.nav import NavLink, register


@register
def meetings_nav(request, scope):
    if scope.has(Cap.READ):
        yield NavLink(_("三会一课"), cached_url("meetings:list"), 30)
    if scope.has(Cap.OVERVIEW) or scope.has(Cap.INSPECT):
        yield NavLink(_("组织生活统计"), cached_url("meetings:compliance"), 31)
    if scope.own_member_id:
        yield NavLink(_("我的组织生活"), cached_url("meetings:mine"), 32)
