from django.contrib import admin

from accounts.scope import Cap, scope_for
from accounts.scope_admin import ReadOnlyScopedAdminMixin, ScopedAdminMixin

from . import selectors
from .models import Meeting, MeetingRule, MeetingType, PlanItem


class PolicyAdmin(admin.ModelAdmin):
    """Town policy kept as data: every admin-site user reads it, town admins change it."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and not scope_for(request.user).is_anonymous

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request) and scope_for(request.user).has(Cap.POLICY)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)


@admin.register(MeetingType)
class MeetingTypeAdmin(PolicyAdmin):
    list_display = ("name", "code", "has_lecturer", "for_party_group", "order")


@admin.register(MeetingRule)
class MeetingRuleAdmin(PolicyAdmin):
    list_display = ("meeting_type", "period", "count", "kinds", "units", "per_party_group", "valid_from", "valid_until")
    list_filter = ("meeting_type", "period")
    fieldsets = (
        (None, {"fields": ("meeting_type", "period", "count", "per_party_group")}),
        ("适用范围", {"fields": ("kinds", "units")}),
        (
            "有效期（修改制度时请为旧制度填写失效日期，再新增一条，以免改变已过去期间的判断）",
            {"fields": ("valid_from", "valid_until", "note")},
        ),
    )


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: meetings are logged and amended through the portal, which keeps earlier minutes."""

    list_display = ("held_on", "branch", "topic", "status", "expected_count", "present_count")
    list_filter = ("status", "types", "branch__area")
    search_fields = ("topic", "branch__name")
    date_hierarchy = "held_on"

    def visible_queryset(self, request):
        return selectors.meetings_visible_to(request.user)


@admin.register(PlanItem)
class PlanItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("branch", "year", "month", "planned_on", "topic")
    list_filter = ("year",)
    search_fields = ("branch__name", "topic")

    def visible_queryset(self, request):
        return selectors.plan_items_visible_to(request.user)

    def writable_queryset(self, request):
        return PlanItem.objects.filter(scope_for(request.user).q(Cap.WRITE, "branch__"))
