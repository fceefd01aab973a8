"""Admin pages see and change exactly what the portal's scope allows.

Every door of an admin page goes through the scope: the change list and
change form (``get_queryset``), every related-object choice of a form (cut to
what the user may write and checked again on save), bulk actions (run on the
writable part of the selection only), and the views a library adds (the tree's
move view, import and export) through the same permission methods.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models

from .scope import Cap, scope_for


def related_choices(admin_site, request, model) -> models.QuerySet | None:
    """What a form may point at: the rows of ``model`` the user may write, by that model's own admin.

    ``None`` when the model's admin does not say (no scoped admin registered).
    """
    related_admin = admin_site._registry.get(model)
    chooser = getattr(related_admin, "choosable_queryset", None)
    return chooser(request) if chooser is not None else None


def check_relations(admin_site, request, obj) -> None:
    """Refuse a save whose related objects lie outside the user's scope, whatever the form let through."""
    for field in obj._meta.concrete_fields:
        if not field.is_relation or not field.many_to_one and not field.one_to_one:
            continue
        value = getattr(obj, field.attname)
        if value is None:
            continue
        allowed = related_choices(admin_site, request, field.related_model)
        if allowed is not None and not allowed.filter(pk=value).exists():
            raise PermissionDenied


class ScopedFormFieldsMixin:
    """Foreign-key choices of every admin form limited to what the user may write."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        allowed = related_choices(self.admin_site, request, db_field.related_model)
        if allowed is not None and "queryset" not in kwargs:
            kwargs["queryset"] = allowed
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        check_relations(self.admin_site, request, obj)
        super().save_model(request, obj, form, change)


class ScopedAdminMixin(ScopedFormFieldsMixin):
    """Subclasses name the selector for reading and for writing.

    Django's model permissions are not used: the role's capabilities and its
    part of the tree decide, as everywhere else.
    """

    def visible_queryset(self, request):
        raise NotImplementedError

    def writable_queryset(self, request):
        raise NotImplementedError

    def choosable_queryset(self, request):
        """What another admin form may point at: by default, what the user may write."""
        return self.writable_queryset(request)

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

    # Bulk actions that only read (export); every other one writes.
    read_only_actions: tuple[str, ...] = ("export_admin_action",)
    # Writing actions that go through a service which asks the scope for each row itself
    # (accepting a transfer is the receiving side's write, not the record's): they get the
    # visible selection, as a page or the API would hand the service any row the user can see.
    service_actions: tuple[str, ...] = ()

    def response_action(self, request, queryset):
        # Any other writing action (delete, create logins, …) sees only the part of the
        # selection the user may write, whatever rows the form posted.
        if request.POST.get("action") not in (*self.read_only_actions, *self.service_actions):
            queryset = queryset.filter(pk__in=self.writable_queryset(request).values("pk"))
        return super().response_action(request, queryset)


class ReadOnlyAdminMixin:
    """An admin or inline that shows rows and never adds, changes or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyScopedAdminMixin(ReadOnlyAdminMixin, ScopedAdminMixin):
    """Rows that the portal's services alone write (their rules live there): shown in scope here,
    never added, changed or deleted. Actions listed in ``service_actions`` still run."""

    def writable_queryset(self, request):
        return self.model._default_manager.none()
