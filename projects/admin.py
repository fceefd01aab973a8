"""Read-only views of projects and key tasks: writes go through the portal's pages and API,
which run the services (status and progress roll-up, flags, publishing)."""

from django.contrib import admin

from accounts.scope_admin import ReadOnlyAdminMixin, ReadOnlyScopedAdminMixin

from .models import KeyTask, KeyTaskMonth, Milestone, Project
from .selectors import key_tasks_visible_to, projects_visible_to


class MilestoneInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Milestone
    fields = ("title", "weight", "planned_on", "done_on")
    extra = 0
    can_delete = False


@admin.register(Project)
class ProjectAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "branch", "lead", "category", "status", "percent", "starts_on", "ends_on")
    list_filter = ("status", "category")
    search_fields = ("name", "branch__name")
    inlines = [MilestoneInline]

    def visible_queryset(self, request):
        return projects_visible_to(request.user)


class KeyTaskMonthInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = KeyTaskMonth
    fields = ("month", "target", "state", "checked_on")
    extra = 0
    can_delete = False


@admin.register(KeyTask)
class KeyTaskAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "title", "year", "leader", "unit")
    list_filter = ("year",)
    search_fields = ("title", "leader", "unit__name")
    inlines = [KeyTaskMonthInline]

    def visible_queryset(self, request):
        return key_tasks_visible_to(request.user)
