"""Admin: sites and fixtures editable in scope; the register is read-only here.

Items change only through the workflow services (pages and API), and a
published version never changes at all, so the admin offers no add, change or
delete on either: it shows the trail.
"""

from django.contrib import admin

from accounts.scope import scope_for
from accounts.scope_admin import ReadOnlyAdminMixin, ReadOnlyScopedAdminMixin, ScopedAdminMixin

from . import selectors
from .models import DuesMonth, Fixture, FixtureCheck, Item, ItemVersion, Site


class ItemVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ItemVersion
    fields = ("number", "title", "audience", "published_at", "reason", "published_by")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Item)
class ItemAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "branch", "category", "period", "state", "audience", "last_published_at")
    list_filter = ("category", "state", "audience")
    search_fields = ("title", "branch__name")
    list_select_related = ("branch",)
    inlines = [ItemVersionInline]
    exclude = ("search_text",)

    def visible_queryset(self, request):
        return selectors.items_visible_to(request.user)


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("item", "number", "title", "published_at", "reason")
    list_select_related = ("item__branch",)

    def visible_queryset(self, request):
        return ItemVersion.objects.filter(item__in=selectors.items_visible_to(request.user))


class FixtureInline(admin.TabularInline):
    model = Fixture
    fields = ("kind", "status", "last_checked_at", "last_checked_by")
    readonly_fields = ("status", "last_checked_at", "last_checked_by")
    extra = 0


@admin.register(Site)
class SiteAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "branch", "office_phone")
    search_fields = ("name", "slug", "branch__name")
    list_select_related = ("branch",)
    autocomplete_fields = ("branch",)
    inlines = [FixtureInline]

    def get_readonly_fields(self, request, obj=None):
        # The address is printed on the physical board as a QR code: it never changes.
        return ("branch", "slug") if obj is not None else ()

    def visible_queryset(self, request):
        return selectors.sites_visible_to(request.user)

    def writable_queryset(self, request):
        return Site.objects.filter(scope_for(request.user).write_q("branch__"))


@admin.register(FixtureCheck)
class FixtureCheckAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("fixture", "result", "checked_at", "checked_by")
    list_filter = ("result", "fixture__kind")
    list_select_related = ("fixture__site", "checked_by")

    def visible_queryset(self, request):
        return FixtureCheck.objects.filter(fixture__site__in=selectors.sites_visible_to(request.user))


@admin.register(DuesMonth)
class DuesMonthAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    list_display = ("branch", "month", "members_due", "members_paid", "amount_paid")
    list_filter = ("month",)
    list_select_related = ("branch",)

    def visible_queryset(self, request):
        return DuesMonth.objects.filter(scope_for(request.user).read_q("branch__"))
