from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts.scope_admin import ScopedAdminMixin

from . import selectors
from .models import Area, Branch, OfficerPost, PartyGroup


@admin.register(Branch)
class BranchAdmin(ScopedAdminMixin, TreeAdmin):
    form = movenodeform_factory(Branch)
    list_display = ("name", "code", "kind", "unit", "area", "is_active")
    list_filter = ("kind", "unit", "area", "is_active")
    search_fields = ("name", "code")

    def visible_queryset(self, request):
        return selectors.branches_visible_to(request.user)

    def writable_queryset(self, request):
        return selectors.branches_writable_by(request.user)


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "town")
    search_fields = ("name", "code")
    list_filter = ("town",)

    def visible_queryset(self, request):
        return selectors.areas_visible_to(request.user)

    def writable_queryset(self, request):
        return selectors.areas_visible_to(request.user).filter(town__in=selectors.branches_writable_by(request.user))


@admin.register(PartyGroup)
class PartyGroupAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "branch", "leader")
    list_filter = ("branch__area",)
    search_fields = ("name", "branch__name")
    autocomplete_fields = ("branch", "leader")

    def visible_queryset(self, request):
        return selectors.party_groups_visible_to(request.user)

    def writable_queryset(self, request):
        return self.visible_queryset(request).filter(branch__in=selectors.branches_writable_by(request.user))


@admin.register(OfficerPost)
class OfficerPostAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("branch", "post", "member", "term_start", "term_end")
    list_filter = ("post", "branch__area")
    search_fields = ("member__name", "branch__name")
    autocomplete_fields = ("branch", "member")
    date_hierarchy = "term_end"

    def visible_queryset(self, request):
        return selectors.officer_posts_visible_to(request.user)

    def writable_queryset(self, request):
        return self.visible_queryset(request).filter(branch__in=selectors.branches_writable_by(request.user))
