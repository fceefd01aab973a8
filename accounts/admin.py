from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from portal.history_admin import ChangeHistoryAdmin

from .lockout import login_unlock
from .models import User, role_uses_admin_site
from .selectors import login_ties_for, may_manage_logins, users_manageable_by
from .services import user_activate, user_deactivate


@admin.register(User)
class UserAdmin(ChangeHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "branch", "area", "member", "is_active", "last_login")
    list_filter = ("role", "is_active", "area")
    search_fields = ("username", "display_name", "branch__name", "member__name")
    autocomplete_fields = ("branch", "area", "member")
    actions = ("deactivate", "activate", "unlock")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份与范围"), {"fields": ("display_name", "role", "branch", "area", "member")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("身份与范围"), {"fields": ("display_name", "role", "branch", "area", "member")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return users_manageable_by(request.user).select_related("branch", "area", "member")

    def _may_manage(self, request) -> bool:
        return may_manage_logins(request.user)

    def has_module_permission(self, request):
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may_manage(request) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        # Logins are deactivated, never deleted, so meeting records keep their author.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A login is tied only to a branch, area or member of the admin's own part of the tree.
        ties = login_ties_for(request.user)
        if db_field.name in ties:
            kwargs["queryset"] = ties[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        ties = login_ties_for(request.user)
        for name, allowed in ties.items():
            value = getattr(obj, f"{name}_id")
            if value is not None and not allowed.filter(pk=value).exists():
                raise PermissionDenied
        obj.is_staff = role_uses_admin_site(obj.role)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("停用所选账号"))
    def deactivate(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            user_deactivate(user=user)
        messages.success(request, _("已停用所选账号"))

    @admin.action(description=_("启用所选账号"))
    def activate(self, request, queryset):
        for user in queryset:
            user_activate(user=user)
        messages.success(request, _("已启用所选账号"))

    @admin.action(description=_("解除所选账号的登录锁定"))
    def unlock(self, request, queryset):
        # The queryset is already the logins this admin manages (get_queryset).
        removed = sum(login_unlock(user=user) for user in queryset)
        messages.success(request, _("已解除所选账号的登录锁定（清除 %(n)d 条失败记录）") % {"n": removed})
