"""Admin: the town's rules (standards, weights, star bands) are edited here by town admins."""

from django.contrib import admin

from accounts.scope import Cap, scope_for
from accounts.scope_admin import ReadOnlyScopedAdminMixin

from .models import QuarterScore, Rectification, ScoreWeight, Standard, StandardItem, StarBand
from .selectors import quarter_scores_visible_to, rectifications_visible_to


class TownRulesAdmin(admin.ModelAdmin):
    """Town-wide rules: the town office reads them; who writes for the town (town admins) edits them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and scope_for(request.user).has(Cap.OVERVIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def _may_edit(self, request) -> bool:
        scope = scope_for(request.user)
        return self.has_module_permission(request) and scope.has(Cap.WRITE) and scope.has(Cap.OVERVIEW)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


class StandardItemInline(admin.TabularInline):
    model = StandardItem
    extra = 1
    fields = ("order", "code", "area_of_work", "title", "points", "method")

    has_module_permission = TownRulesAdmin.has_module_permission
    has_view_permission = TownRulesAdmin.has_view_permission
    _may_edit = TownRulesAdmin._may_edit
    has_add_permission = TownRulesAdmin.has_add_permission
    has_change_permission = TownRulesAdmin.has_change_permission
    has_delete_permission = TownRulesAdmin.has_delete_permission


@admin.register(Standard)
class StandardAdmin(TownRulesAdmin):
    list_display = ("year", "title")
    inlines = [StandardItemInline]
    save_as = True  # next year's version starts as a copy of this one


@admin.register(ScoreWeight)
class ScoreWeightAdmin(TownRulesAdmin):
    list_display = ("part", "weight")
    list_editable = ("weight",)


@admin.register(StarBand)
class StarBandAdmin(TownRulesAdmin):
    list_display = ("stars", "min_total")
    list_editable = ("min_total",)


class ReadOnlyScopedAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Written by the portal's services only (their rules live there): read-only here."""


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyScopedAdmin):
    list_display = ("branch", "finding", "status", "deadline")
    list_filter = ("status", "source")

    def visible_queryset(self, request):
        return rectifications_visible_to(request.user)


@admin.register(QuarterScore)
class QuarterScoreAdmin(ReadOnlyScopedAdmin):
    list_display = ("quarter", "branch", "total", "rank", "stars", "locked")
    list_filter = ("quarter", "stars")

    def visible_queryset(self, request):
        return quarter_scores_visible_to(request.user)
