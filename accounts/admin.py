from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Role, User
from .scope import scope_for
from .services import user_activate, user_deactivate


class ScopedAdminMixin:
    """Admin pages see and change exactly what the portal's selectors allow.

    Subclasses name the selector for reading and for writing; Django's model
    permissions are not used: the role and its tree decide, as everywhere else.
    """

    def visible_queryset(self, request):
        raise NotImplementedError

    def writable_queryset(self, request):
        raise NotImplementedError

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=self.visible_queryset(request).values("pk"))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and not scope_for(request.user).is_anonymous

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.visible_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return self.has_module_permission(request) and scope_for(request.user).can_write_anything

    def has_change_permission(self, request, obj=None):
        if not self.has_add_permission(request):
            return False
        return obj is None or self.writable_queryset(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


def users_manageable_by(user):
    """Logins a town admin may manage: those tied to their part of the tree."""
    scope = scope_for(user)
    if scope.everything:
        return User.objects.all()
    if not (scope.is_town and scope.write_paths):
        return User.objects.none()
    return User.objects.filter(
        scope.write_q("branch__") | scope.write_q("area__town__") | scope.write_q("member__branch__"),
        is_superuser=False,
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "branch", "area", "member", "is_active", "last_login")
    list_filter = ("role", "is_active", "area")
    search_fields = ("username", "display_name", "branch__name", "member__name")
    autocomplete_fields = ("branch", "area", "member")
    actions = ("deactivate", "activate")
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
        scope = scope_for(request.user)
        return request.user.is_staff and (scope.everything or (scope.is_town and bool(scope.write_paths)))

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

    def save_model(self, request, obj, form, change):
        obj.is_staff = obj.role in (Role.TOWN_ADMIN, Role.TOWN_STAFF)
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
