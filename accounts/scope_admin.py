"""Admin pages see and change exactly what the portal's scope allows."""

from __future__ import annotations

from .scope import Cap, scope_for


class ScopedAdminMixin:
    """Subclasses name the selector for reading and for writing.

    Django's model permissions are not used: the role's capabilities and its
    part of the tree decide, as everywhere else.
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
        return self.has_module_permission(request) and scope_for(request.user).has(Cap.WRITE)

    def has_change_permission(self, request, obj=None):
        if not self.has_add_permission(request):
            return False
        return obj is None or self.writable_queryset(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)
